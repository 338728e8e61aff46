import { Op } from 'sequelize';
import type { FieldError } from '../../lib/errors';
import { User } from '../../models';

/**
 * The quality leads form of /admin/settings: a checkbox per active quality officer and per user
 * already named (a named user who lost the role stays listed, so saving does not drop them
 * silently), checked as stored — or as submitted when the save failed.
 */
export async function qualityLeadsView(stored: { value: unknown; version: number } | undefined, failed: { values?: Record<string, unknown>; errors?: FieldError[] } | undefined) {
  const named = ((stored?.value as { userIds?: unknown } | undefined)?.userIds ?? []) as string[];
  const submitted = failed ? ([] as unknown[]).concat(failed.values?.userIds ?? []).map(String) : null;
  const chosen = new Set(submitted ?? named);
  const users = await User.findAll({
    where: { active: true, [Op.or]: [{ roles: { [Op.contains]: ['quality'] } }, ...(named.length ? [{ id: { [Op.in]: named } }] : [])] },
    attributes: ['id', 'name', 'email'],
    order: [['name', 'ASC'], ['id', 'ASC']],
  });
  return {
    version: stored?.version ?? 0,
    users: users.map((u) => ({ id: u.id, name: u.name, email: u.email, checked: chosen.has(u.id) })),
    errors: failed?.errors?.map((e) => (e.path.startsWith('value.userIds') ? { ...e, path: 'value.userIds' } : e)),
  };
}
