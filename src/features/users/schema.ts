import { limitSchema } from '../../lib/pagination';
import { z } from '../../lib/zod';
import { documentRoute, IdParams } from '../../http/openapi';
import { passwordField as password, RoleSchema, UserSchema } from '../../http/schemas/users';

export const DepartmentSchema = z
  .object({ id: z.string().uuid(), code: z.string(), name: z.string(), active: z.boolean(), version: z.number().int() })
  .openapi('Department');

const email = z.string().trim().max(254).email();
const name = z.string().trim().min(1).max(200);

export const CreateUserBody = z
  .object({
    email,
    name,
    roles: z.array(RoleSchema).min(1).max(9),
    departmentId: z.string().uuid().nullable().optional(),
    password: password.optional(),
    locale: z.enum(['vi', 'en']).nullable().optional(),
  })
  .strict()
  .openapi('CreateUser');

export const UpdateUserBody = z
  .object({
    email: email.optional(),
    name: name.optional(),
    roles: z.array(RoleSchema).min(1).max(9).optional(),
    departmentId: z.string().uuid().nullable().optional(),
    active: z.boolean().optional(),
    locale: z.enum(['vi', 'en']).nullable().optional(),
    version: z.number().int().nonnegative().optional(),
  })
  .strict()
  .openapi('UpdateUser');

export const SetPasswordBody = z.object({ password }).strict().openapi('SetPassword');
export const UserListQuery = z
  .object({
    q: z.string().trim().max(200).optional(),
    role: RoleSchema.optional(),
    departmentId: z.string().uuid().optional(),
    active: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
    limit: limitSchema,
    cursor: z.string().max(500).optional(),
  })
  .strict();

export const CreateDepartmentBody = z
  .object({ code: z.string().trim().min(1).max(32).regex(/^[\p{L}\p{N}._-]+$/u, 'Letters, digits, dot, dash or underscore'), name })
  .strict()
  .openapi('CreateDepartment');
export const UpdateDepartmentBody = z
  .object({ name: name.optional(), active: z.boolean().optional(), version: z.number().int().nonnegative().optional() })
  .strict()
  .openapi('UpdateDepartment');

const list = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

documentRoute({ method: 'get', path: '/api/v1/users', summary: 'List users (sysadmin)', tags: ['Users'], query: UserListQuery, response: { status: 200, schema: list(UserSchema) }, problems: [403] });
documentRoute({ method: 'post', path: '/api/v1/users', summary: 'Create a user (sysadmin)', tags: ['Users'], body: CreateUserBody, response: { status: 201, schema: UserSchema }, problems: [403, 409] });
documentRoute({ method: 'get', path: '/api/v1/users/{id}', summary: 'One user (sysadmin, or yourself)', tags: ['Users'], params: IdParams, response: { status: 200, schema: UserSchema }, problems: [403, 404] });
documentRoute({ method: 'patch', path: '/api/v1/users/{id}', summary: 'Change a user: profile, roles, department, deactivation (sysadmin). Send If-Match or version.', tags: ['Users'], params: IdParams, body: UpdateUserBody, response: { status: 200, schema: UserSchema }, problems: [403, 404, 409] });
documentRoute({ method: 'post', path: '/api/v1/users/{id}/password', summary: "Reset a user's password (sysadmin); signs them out everywhere", tags: ['Users'], params: IdParams, body: SetPasswordBody, response: { status: 204 }, problems: [403, 404] });
documentRoute({ method: 'get', path: '/api/v1/departments', summary: 'List departments', tags: ['Users'], response: { status: 200, schema: list(DepartmentSchema) } });
documentRoute({ method: 'post', path: '/api/v1/departments', summary: 'Create a department (sysadmin)', tags: ['Users'], body: CreateDepartmentBody, response: { status: 201, schema: DepartmentSchema }, problems: [403, 409] });
documentRoute({ method: 'patch', path: '/api/v1/departments/{id}', summary: 'Rename or deactivate a department (sysadmin)', tags: ['Users'], params: IdParams, body: UpdateDepartmentBody, response: { status: 200, schema: DepartmentSchema }, problems: [403, 404, 409] });
