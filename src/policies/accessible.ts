import { rulesToAST } from '@casl/ability/extra';
import type { Condition } from '@ucast/mongo2js';
import { Op, type WhereOptions } from 'sequelize';
import type { Action, AppAbility, Subject } from './ability';

const FIELD_OPS: Record<string, symbol> = {
  eq: Op.eq,
  ne: Op.ne,
  in: Op.in,
  nin: Op.notIn,
  lt: Op.lt,
  lte: Op.lte,
  gt: Op.gt,
  gte: Op.gte,
};

function toWhere(node: Condition): WhereOptions {
  if ('field' in node && typeof node.field === 'string') {
    const op = FIELD_OPS[node.operator];
    if (!op) throw new Error(`Unsupported rule operator in a list query: ${node.operator}`);
    return { [node.field]: { [op]: node.value } };
  }
  const children = (node.value as Condition[]).map(toWhere);
  if (node.operator === 'and') return children.length === 0 ? {} : { [Op.and]: children };
  if (node.operator === 'or') return { [Op.or]: children };
  if (node.operator === 'not') return { [Op.not]: children[0] };
  throw new Error(`Unsupported rule operator in a list query: ${node.operator}`);
}

/**
 * The Sequelize `where` that selects exactly the rows `ability` may `action`, or null when it
 * may see none (the caller returns an empty list without querying).
 */
export function accessibleWhere(ability: AppAbility, action: Action, subject: Subject): WhereOptions | null {
  const ast = rulesToAST(ability, action, subject);
  if (ast === null) return null;
  return toWhere(ast);
}
