import type { Department, User } from '../models';

export interface UserJson {
  id: string;
  email: string;
  name: string;
  roles: string[];
  department: { id: string; code: string; name: string } | null;
  active: boolean;
  locale: string | null;
  version: number;
  createdAt: string;
}

/** `user.department` must be loaded when the user has one; otherwise only its id is known. */
export function presentUser(user: User): UserJson {
  const d = user.department;
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    roles: [...user.roles],
    department: d ? { id: d.id, code: d.code, name: d.name } : null,
    active: user.active,
    locale: user.locale,
    version: user.version,
    createdAt: user.createdAt.toISOString(),
  };
}

export function presentDepartment(d: Department) {
  return { id: d.id, code: d.code, name: d.name, active: d.active, version: d.version };
}
