import { fieldError, validationFailed } from '../lib/errors';
import { User } from '../models';

/**
 * A case is assigned to a user who holds `quality`, the case handler (PRODUCT.md "Roles"): an
 * unknown or inactive user, or one without `quality` (a sysadmin, who may read no case), is
 * refused with 400 naming `assigneeId`. The forms offer the same set (pages.ts `assignees()`).
 */
export async function checkAssignee(userId: string): Promise<void> {
  const user = await User.findByPk(userId, { attributes: ['id', 'active', 'roles'] });
  if (!user || !user.active) throw validationFailed([fieldError('assigneeId', 'errors.unknownUser')]);
  if (!user.roles.includes('quality')) throw validationFailed([fieldError('assigneeId', 'errors.assigneeNotQuality')]);
}
