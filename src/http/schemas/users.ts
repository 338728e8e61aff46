import { ROLE_KEYS } from '../../domain/roles';
import { PASSWORD_MAX } from '../../lib/passwords';
import { z } from '../../lib/zod';
import { registry } from '../openapi';

/**
 * The user shapes more than one feature speaks (users, auth, account): the API's User and the
 * own-password change. Registered here, so each component is generated from its own definition
 * whichever feature's route names it first; routes stay in each feature's schema.ts.
 */
export const RoleSchema = registry.register('Role', z.enum(ROLE_KEYS));

export const UserSchema = registry.register(
  'User',
  z.object({
    id: z.string().uuid(),
    email: z.string(),
    name: z.string(),
    roles: z.array(RoleSchema),
    department: z.object({ id: z.string().uuid(), code: z.string(), name: z.string() }).nullable(),
    active: z.boolean(),
    locale: z.enum(['vi', 'en']).nullable(),
    version: z.number().int(),
    createdAt: z.string().datetime({ offset: true }),
  }),
);

/** A password field as the bodies accept it (at most PASSWORD_MAX characters). */
export const passwordField = z.string().max(PASSWORD_MAX);

export const ChangeOwnPasswordBody = registry.register(
  'ChangeOwnPassword',
  z.object({ currentPassword: z.string().min(1).max(PASSWORD_MAX), newPassword: passwordField }).strict(),
);
