import { PASSWORD_MAX } from '../../lib/passwords';
import { z } from '../../lib/zod';
import { documentRoute } from '../../http/openapi';
import { ChangeOwnPasswordBody, UserSchema } from '../../http/schemas/users';

export const LoginBody = z
  .object({
    email: z.string().trim().min(1).max(254).openapi({ example: 'quality@demo.casebook.local' }),
    password: z.string().min(1).max(PASSWORD_MAX).openapi({ example: 'casebook-demo' }),
  })
  .strict()
  .openapi('Login');

export const LoginResponse = z
  .object({ token: z.string(), expiresAt: z.string().datetime({ offset: true }), user: UserSchema })
  .openapi('LoginResponse');

documentRoute({
  method: 'post',
  path: '/api/v1/auth/login',
  summary: 'Sign in and receive a bearer token (revocable, expires)',
  tags: ['Auth'],
  body: LoginBody,
  response: { status: 200, schema: LoginResponse },
  problems: [401, 429],
  public: true,
});
documentRoute({ method: 'post', path: '/api/v1/auth/logout', summary: 'Revoke the token used for this call', tags: ['Auth'], response: { status: 204 } });
documentRoute({ method: 'get', path: '/api/v1/me', summary: 'The signed-in user', tags: ['Auth'], response: { status: 200, schema: UserSchema } });
documentRoute({
  method: 'put',
  path: '/api/v1/me/password',
  summary: 'Change your own password (other sessions are signed out)',
  tags: ['Auth'],
  body: ChangeOwnPasswordBody,
  response: { status: 204 },
});
