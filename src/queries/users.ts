import { Op, type WhereOptions } from 'sequelize';
import { sequelize } from '../db';
import type { RoleKey } from '../domain/roles';
import { decodeCursor, toPage, type Page } from '../lib/pagination';
import { z } from '../lib/zod';
import { Department, User } from '../models';
import type { AppAbility } from '../policies/ability';
import { accessibleWhere } from '../policies/accessible';

export interface UserFilter {
  q?: string;
  role?: RoleKey;
  departmentId?: string;
  active?: boolean;
  limit: number;
  cursor?: string;
}

const UserCursor = z.object({ n: z.string(), i: z.string().uuid() });

/** Users the ability may read, by name, keyset-paginated. `q` ignores case and Vietnamese diacritics. */
export async function listUsers<T>(ability: AppAbility, filter: UserFilter, present: (u: User) => T): Promise<Page<T>> {
  const allowed = accessibleWhere(ability, 'read', 'User');
  if (!allowed) return { items: [], nextCursor: null };
  const s = sequelize();
  const and: WhereOptions[] = [allowed];
  if (filter.q) {
    const like = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    and.push({
      [Op.or]: [
        s.where(s.fn('unaccent', s.col('User.name')), Op.iLike, s.fn('unaccent', like)),
        { email: { [Op.iLike]: like } },
      ],
    });
  }
  if (filter.role) and.push({ roles: { [Op.contains]: [filter.role] } });
  if (filter.departmentId) and.push({ departmentId: filter.departmentId });
  if (filter.active !== undefined) and.push({ active: filter.active });
  const after = decodeCursor(filter.cursor, UserCursor);
  if (after) and.push({ [Op.or]: [{ name: { [Op.gt]: after.n } }, { name: after.n, id: { [Op.gt]: after.i } }] });
  const rows = await User.findAll({
    where: { [Op.and]: and },
    include: [{ model: Department, as: 'department' }],
    order: [['name', 'ASC'], ['id', 'ASC']],
    limit: filter.limit + 1,
  });
  return toPage(rows, filter.limit, present, (u) => ({ n: u.name, i: u.id }));
}

export async function findUser(id: string): Promise<User | null> {
  return User.findByPk(id, { include: [{ model: Department, as: 'department' }] });
}

export async function listDepartments(options: { activeOnly?: boolean } = {}): Promise<Department[]> {
  return Department.findAll({ where: options.activeOnly ? { active: true } : {}, order: [['name', 'ASC']] });
}

export async function countUsers(): Promise<{ active: number; inactive: number; departments: number }> {
  const [active, inactive, departments] = await Promise.all([
    User.count({ where: { active: true } }),
    User.count({ where: { active: false } }),
    Department.count({ where: { active: true } }),
  ]);
  return { active, inactive, departments };
}
