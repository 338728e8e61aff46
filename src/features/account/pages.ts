import { Router } from 'express';
import { setPassword, updateUser } from '../../commands/users';
import { validationFailed } from '../../lib/errors';
import { isLang } from '../../lib/i18n';
import { verifyPassword } from '../../lib/passwords';
import { parse } from '../../lib/validate';
import { requireSignIn } from '../../http/auth';
import { formErrors, setFlash } from '../../http/pageLocals';
import { ChangeOwnPasswordBody } from '../../http/schemas/users';

/** /account: a user's own password and language. */
export function accountPages(): Router {
  const r = Router();
  r.use('/account', requireSignIn);

  r.get('/account', (req, res) => {
    res.render('account/index', { title: req.t('account.title'), locale: req.user!.locale ?? req.lang });
  });

  r.post('/account/password', async (req, res) => {
    const body = req.body as Record<string, unknown>;
    try {
      const input = parse(ChangeOwnPasswordBody, { currentPassword: body.currentPassword, newPassword: body.newPassword }, req.lang);
      if (!(await verifyPassword(req.user!.passwordHash, input.currentPassword)))
        throw validationFailed([{ path: 'currentPassword', message: req.t('account.wrongPassword') }]);
      await setPassword(req.user!.id, input.newPassword, { keepTokenId: req.tokenId, field: 'newPassword' });
      setFlash(res, 'account.passwordChanged');
      res.redirect(303, '/account');
    } catch (err) {
      const { status, errors } = formErrors(err, req.t);
      res.status(status).render('account/index', { title: req.t('account.title'), locale: req.user!.locale ?? req.lang, errors });
    }
  });

  r.post('/account/language', async (req, res) => {
    const locale = (req.body as Record<string, unknown>).locale;
    if (!isLang(locale)) throw validationFailed([{ path: 'locale', message: 'vi or en' }]);
    await updateUser(req.user!.id, undefined, { locale });
    res.cookie('lang', locale, { maxAge: 365 * 86_400_000, sameSite: 'lax', httpOnly: true, path: '/' });
    setFlash(res, 'account.languageSaved');
    res.redirect(303, '/account');
  });

  return r;
}
