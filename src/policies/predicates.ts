import type { RoleKey } from '../domain/roles';

/** The facts about a user that rules depend on. */
export interface AbilityUser {
  id: string;
  roles: readonly RoleKey[];
  departmentId: string | null;
  active: boolean;
}

/** Records of the user's own department (e.g. the corrective actions a department head owns). */
export const ownsDepartment = (user: AbilityUser) => ({ ownerDepartmentId: user.departmentId ?? '__none__' });

/** The user's own record. */
export const isSelf = (user: AbilityUser) => ({ id: user.id });

/** The tasks assigned to the user (a meeting's assignments). */
export const isAssignee = (user: AbilityUser) => ({ assigneeId: user.id });

/** Records in one workflow status (e.g. the intake officer's entries still in intake). */
export const inStatus = (status: string) => ({ status });
