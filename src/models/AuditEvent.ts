import { randomUUID } from 'node:crypto';
import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
  type Transaction,
} from 'sequelize';
import { currentContext, currentTransaction, type Actor } from '../lib/context';
import { canonicalJson } from '../domain/canonical';
import { chainKey, type AuditBody } from '../domain/auditChain';

/** One entry of the append-only audit trail. Written only through `recordAudit`; never updated. */
export class AuditEvent extends Model<InferAttributes<AuditEvent>, InferCreationAttributes<AuditEvent>> {
  declare position: CreationOptional<number>;
  declare id: string;
  declare chainKey: string;
  declare seq: number;
  declare prevHash: string;
  declare hash: string;
  declare occurredAt: Date;
  declare actorId: string | null;
  declare actorLabel: string | null;
  declare actorRoles: string[];
  declare action: string;
  declare entityType: string;
  declare entityId: string | null;
  declare changes: unknown;
  declare requestId: string | null;
  declare ip: string | null;
  declare meta: unknown;
  declare txId: CreationOptional<string>;

  /** The body exactly as it was hashed, rebuilt from the stored columns. */
  toBody(): AuditBody {
    return auditBodyOf(this);
  }

  static initModel(sequelize: Sequelize): void {
    AuditEvent.init(
      {
        position: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
        id: { type: DataTypes.UUID, allowNull: false },
        chainKey: DataTypes.TEXT,
        seq: DataTypes.BIGINT,
        prevHash: DataTypes.CHAR(64),
        hash: DataTypes.CHAR(64),
        occurredAt: DataTypes.DATE,
        actorId: DataTypes.UUID,
        actorLabel: DataTypes.TEXT,
        actorRoles: DataTypes.ARRAY(DataTypes.TEXT),
        action: DataTypes.STRING(64),
        entityType: DataTypes.STRING(64),
        entityId: DataTypes.TEXT,
        changes: DataTypes.JSONB,
        requestId: DataTypes.TEXT,
        ip: DataTypes.TEXT,
        meta: DataTypes.JSONB,
        txId: DataTypes.TEXT,
      },
      { sequelize, modelName: 'AuditEvent', tableName: 'audit_events', timestamps: false },
    );
  }
}

/** The stored columns an event's hash covers, as a model or a raw row (camelCased) carries them. */
export interface AuditColumns {
  id: string;
  occurredAt: Date;
  actorId: string | null;
  actorLabel: string | null;
  actorRoles: string[];
  action: string;
  entityType: string;
  entityId: string | null;
  changes: unknown;
  requestId: string | null;
  ip: string | null;
  meta: unknown;
}

/** Rebuilds the hashed body from stored columns; the verifier and the model share it. */
export function auditBodyOf(row: AuditColumns): AuditBody {
  return {
    id: row.id,
    occurredAt: row.occurredAt.toISOString(),
    actorId: row.actorId,
    actorLabel: row.actorLabel,
    actorRoles: row.actorRoles,
    action: row.action,
    entityType: row.entityType,
    entityId: row.entityId,
    changes: row.changes ?? null,
    requestId: row.requestId,
    ip: row.ip,
    meta: row.meta ?? null,
  };
}

export interface AuditInput {
  action: string;
  entityType: string;
  entityId: string | null;
  changes?: unknown;
  meta?: unknown;
  /** Overrides the context's actor (e.g. a failed login names no user). */
  actor?: Actor;
}

/**
 * Appends an audit event to its entity's chain inside the current transaction. Refuses to run
 * outside one: an audit row that could commit without its change (or the reverse) is worthless.
 */
export async function recordAudit(input: AuditInput, options: { transaction?: Transaction | null } = {}): Promise<void> {
  const sequelize = AuditEvent.sequelize;
  if (!sequelize) throw new Error('AuditEvent is not initialised');
  const transaction = auditTransaction(input, options.transaction);
  // Bound, not inlined: the statement text stays the same and a 3 KB body is not escaped into it.
  await sequelize.query('SELECT audit_append($1, $2)', { bind: auditAppendArgs(input), transaction });
}

/** The transaction an audit event joins; refuses to go on without one. */
export function auditTransaction(input: Pick<AuditInput, 'action'>, given?: Transaction | null): Transaction {
  const transaction = given ?? (currentTransaction() as Transaction | undefined);
  if (!transaction) throw new Error(`Audit event "${input.action}" written outside a transaction`);
  return transaction;
}

/**
 * The two arguments of `audit_append(chain_key, body)` for an event: its chain and its canonical
 * body, with the actor, request id and ip of the current context.
 */
export function auditAppendArgs(input: AuditInput): [string, string] {
  const ctx = currentContext();
  const actor = input.actor ?? ctx?.actor;
  if (!actor) throw new Error(`Audit event "${input.action}" written without an actor`);
  const body: AuditBody = {
    id: randomUUID(),
    occurredAt: new Date().toISOString(),
    actorId: actor.userId,
    actorLabel: actor.label ?? null,
    actorRoles: [...actor.roles],
    action: input.action,
    entityType: input.entityType,
    entityId: input.entityId,
    changes: input.changes ?? null,
    requestId: ctx?.requestId ?? null,
    ip: ctx?.ip ?? null,
    meta: input.meta ?? null,
  };
  return [chainKey(input.entityType, input.entityId), canonicalJson(body)];
}
