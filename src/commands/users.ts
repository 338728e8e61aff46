import { transaction, sequelize } from '../db';
import type { RoleKey } from '../domain/roles';
import { conflict, fieldError, notFound, staleVersion, validationFailed, type FieldError } from '../lib/errors';
import { hashPassword, passwordProblems } from '../lib/passwords';
import { Department, User } from '../models';
import { normalizeEmail, revokeAllTokens } from './authenticator';
import * as clock from '../lib/clock';

export interface UserInput {
  email: string;
  name: string;
  roles: RoleKey[];
  departmentId?: string | null;
  password?: string;
  locale?: 'vi' | 'en' | null;
}

async function checkDepartment(departmentId: string | null | undefined, errors: FieldError[]): Promise<void> {
  if (!departmentId) return;
  const dept = await Department.findByPk(departmentId);
  if (!dept) errors.push(fieldError('departmentId', 'errors.unknownDepartment'));
  else if (!dept.active) errors.push(fieldError('departmentId', 'errors.inactiveDepartment'));
}

async function emailTaken(email: string, exceptId?: string): Promise<boolean> {
  const s = sequelize();
  const found = await User.findOne({ where: s.where(s.fn('lower', s.col('email')), normalizeEmail(email)) });
  return Boolean(found && found.id !== exceptId);
}

/** Creates a user (sysadmin page, API, CLI). Without a password the user cannot sign in until one is set. */
export async function createUser(input: UserInput): Promise<User> {
  return transaction(async () => {
    const errors: FieldError[] = [];
    await checkDepartment(input.departmentId, errors);
    if (input.password !== undefined) errors.push(...passwordProblems(input.password, input));
    if (errors.length) throw validationFailed(errors);
    if (await emailTaken(input.email)) throw conflict('A user with this email already exists.', [fieldError('email', 'errors.alreadyInUse')]);
    return User.create({
      email: input.email.trim(),
      name: input.name.trim(),
      roles: [...new Set(input.roles)],
      departmentId: input.departmentId ?? null,
      passwordHash: input.password !== undefined ? await hashPassword(input.password) : null,
      passwordChangedAt: input.password !== undefined ? clock.now() : null,
      locale: input.locale ?? null,
    });
  });
}

export interface UserChanges {
  name?: string;
  email?: string;
  roles?: RoleKey[];
  departmentId?: string | null;
  active?: boolean;
  locale?: 'vi' | 'en' | null;
}

/**
 * Changes a user's profile, roles, department or status with an optimistic version check.
 * Deactivating revokes every session and token at once.
 */
export async function updateUser(id: string, expectedVersion: number | undefined, changes: UserChanges): Promise<User> {
  return transaction(async () => {
    const user = await User.findByPk(id, { lock: true });
    if (!user) throw notFound('User');
    if (expectedVersion !== undefined && user.version !== expectedVersion) throw staleVersion(user.version);
    const errors: FieldError[] = [];
    if (changes.departmentId !== undefined && changes.departmentId !== user.departmentId) await checkDepartment(changes.departmentId, errors);
    if (errors.length) throw validationFailed(errors);
    if (changes.email !== undefined && (await emailTaken(changes.email, id)))
      throw conflict('A user with this email already exists.', [fieldError('email', 'errors.alreadyInUse')]);
    const deactivating = changes.active === false && user.active;
    user.set({
      ...(changes.name !== undefined ? { name: changes.name.trim() } : {}),
      ...(changes.email !== undefined ? { email: changes.email.trim() } : {}),
      ...(changes.roles !== undefined ? { roles: [...new Set(changes.roles)] } : {}),
      ...(changes.departmentId !== undefined ? { departmentId: changes.departmentId } : {}),
      ...(changes.active !== undefined ? { active: changes.active } : {}),
      ...(changes.locale !== undefined ? { locale: changes.locale } : {}),
    });
    await user.save({ auditAction: deactivating ? 'user.deactivated' : undefined } as object);
    if (deactivating) await revokeAllTokens(user.id);
    return user;
  });
}

/**
 * Sets a password after the policy check. A reset by someone else signs the user out
 * everywhere; changing one's own keeps the current session (`keepTokenId`). `field` names the
 * form field that errors point at.
 */
export async function setPassword(id: string, password: string, options: { keepTokenId?: string; field?: string } = {}): Promise<User> {
  return transaction(async () => {
    const user = await User.findByPk(id, { lock: true });
    if (!user) throw notFound('User');
    const problems = passwordProblems(password, user, options.field);
    if (problems.length) throw validationFailed(problems);
    user.passwordHash = await hashPassword(password);
    user.passwordChangedAt = clock.now();
    await user.save({ auditAction: 'user.password_set' } as object);
    await revokeAllTokens(user.id, options.keepTokenId);
    return user;
  });
}

export async function createDepartment(input: { code: string; name: string }): Promise<Department> {
  return transaction(async () => {
    const s = sequelize();
    const existing = await Department.findOne({ where: s.where(s.fn('lower', s.col('code')), input.code.trim().toLowerCase()) });
    if (existing) throw conflict('A department with this code already exists.', [fieldError('code', 'errors.alreadyInUse')]);
    return Department.create({ code: input.code.trim(), name: input.name.trim() });
  });
}

export async function updateDepartment(
  id: string,
  expectedVersion: number | undefined,
  changes: { name?: string; active?: boolean },
): Promise<Department> {
  return transaction(async () => {
    const dept = await Department.findByPk(id, { lock: true });
    if (!dept) throw notFound('Department');
    if (expectedVersion !== undefined && dept.version !== expectedVersion) throw staleVersion(dept.version);
    if (changes.name !== undefined) dept.name = changes.name.trim();
    if (changes.active !== undefined) dept.active = changes.active;
    await dept.save();
    return dept;
  });
}
