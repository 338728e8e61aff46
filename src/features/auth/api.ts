import { Router } from 'express';
import type { Config } from '../../config';
import { authenticate, signOut } from '../../commands/authenticator';
import { setPassword } from '../../commands/users';
import { validationFailed } from '../../lib/errors';
import { verifyPassword } from '../../lib/passwords';
import { parse } from '../../lib/validate';
import { findUser } from '../../queries/users';
import { presentUser } from '../../presenters/users';
import { ChangeOwnPasswordBody } from '../../http/schemas/users';
import { requireUser } from '../../http/auth';
import { LoginBody } from './schema';

/** /api/v1/auth/* and /api/v1/me. */
export function authApi(config: Config): Router {
  const r = Router();

  r.post('/auth/login', async (req, res) => {
    const body = parse(LoginBody, req.body);
    const { token, user, expiresAt } = await authenticate({
      ...body,
      kind: 'api',
      ip: req.ip ?? null,
      userAgent: req.get('user-agent') ?? null,
      ttlMs: config.apiTokenTtlMs,
    });
    res.json({ token, expiresAt: expiresAt.toISOString(), user: presentUser((await findUser(user.id))!) });
  });

  r.post('/auth/logout', requireUser, async (req, res) => {
    await signOut(req.tokenId!, req.user!);
    res.status(204).end();
  });

  r.get('/me', requireUser, async (req, res) => {
    res.json(presentUser((await findUser(req.user!.id))!));
  });

  r.put('/me/password', requireUser, async (req, res) => {
    const body = parse(ChangeOwnPasswordBody, req.body);
    if (!(await verifyPassword(req.user!.passwordHash, body.currentPassword)))
      throw validationFailed([{ path: 'currentPassword', message: 'The current password is not correct.' }]);
    await setPassword(req.user!.id, body.newPassword, { keepTokenId: req.tokenId, field: 'newPassword' });
    res.status(204).end();
  });

  return r;
}
