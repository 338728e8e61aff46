import { Router, type Request } from 'express';
import { createDepartment, createUser, setPassword, updateDepartment, updateUser } from '../../commands/users';
import { ROLE_KEYS } from '../../domain/roles';
import { notFound } from '../../lib/errors';
import { idParam, pageQuery } from '../../lib/http';
import { parse } from '../../lib/validate';
import { Department } from '../../models';
import { authorize } from '../../policies/authorize';
import { findUser, listDepartments, listUsers } from '../../queries/users';
import { requireSignIn } from '../../http/auth';
import { formErrors, setFlash } from '../../http/pageLocals';
import { presentDepartment, presentUser } from '../../presenters/users';
import { CreateDepartmentBody, CreateUserBody, SetPasswordBody, UpdateDepartmentBody, UpdateUserBody, UserListQuery } from './schema';

type Form = Record<string, unknown>;
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined || v === '' ? [] : [String(v)]);
const blankToNull = (v: unknown) => (v === '' || v === undefined ? null : v);
const optional = (v: unknown) => (v === '' ? undefined : v);

/** Form fields → the API's body shape, so one schema validates both. */
function userForm(body: Form) {
  return {
    email: body.email,
    name: body.name,
    roles: list(body.roles),
    departmentId: blankToNull(body.departmentId),
    locale: blankToNull(body.locale),
  };
}

async function formData(req: Request) {
  return {
    roleKeys: ROLE_KEYS,
    departments: (await listDepartments({ activeOnly: true })).map((d) => ({ id: d.id, label: `${d.code} — ${d.name}` })),
    lang: req.lang,
  };
}

/** /admin/users and /admin/departments: the sysadmin's pages. */
export function usersPages(): Router {
  const r = Router();
  r.use('/admin', requireSignIn);

  r.get('/admin/users', async (req, res) => {
    authorize(req, 'create', 'User');
    const query = pageQuery(req, Object.keys(UserListQuery.shape));
    const filter = parse(UserListQuery, query, req.lang);
    const page = await listUsers(req.ability, filter, presentUser);
    res.render('admin/users', { title: req.t('users.title'), page, filter, roleKeys: ROLE_KEYS, query });
  });

  r.get('/admin/users/new', async (req, res) => {
    authorize(req, 'create', 'User');
    res.render('admin/user-form', { title: req.t('users.new'), ...(await formData(req)), values: { roles: [] }, isNew: true });
  });

  r.post('/admin/users', async (req, res) => {
    authorize(req, 'create', 'User');
    const body = req.body as Form;
    try {
      const input = parse(CreateUserBody, { ...userForm(body), password: optional(body.password) }, req.lang);
      const user = await createUser(input);
      setFlash(res, 'users.created');
      res.redirect(303, `/admin/users/${user.id}`);
    } catch (err) {
      const { status, errors, message } = formErrors(err, req.t);
      res.status(status).render('admin/user-form', { title: req.t('users.new'), ...(await formData(req)), values: userForm(body), errors, message, isNew: true });
    }
  });

  r.get('/admin/users/:id', async (req, res) => {
    authorize(req, 'update', 'User');
    const user = await findUser(idParam(req));
    if (!user) throw notFound('User');
    res.render('admin/user-form', { title: user.name, ...(await formData(req)), values: presentUser(user), user: presentUser(user) });
  });

  r.post('/admin/users/:id', async (req, res) => {
    authorize(req, 'update', 'User');
    const id = idParam(req);
    const body = req.body as Form;
    try {
      const { version, ...changes } = parse(
        UpdateUserBody,
        { ...userForm(body), active: body.active === 'on' || body.active === 'true', version: Number(body.version) },
        req.lang,
      );
      await updateUser(id, version, changes);
      setFlash(res, 'users.saved');
      res.redirect(303, `/admin/users/${id}`);
    } catch (err) {
      const { status, errors, message } = formErrors(err, req.t);
      const user = await findUser(id);
      if (!user) throw notFound('User');
      res.status(status).render('admin/user-form', {
        title: user.name,
        ...(await formData(req)),
        values: { ...presentUser(user), ...userForm(body), department: null },
        user: presentUser(user),
        errors,
        message,
      });
    }
  });

  r.post('/admin/users/:id/password', async (req, res) => {
    authorize(req, 'update', 'User');
    const id = idParam(req);
    try {
      await setPassword(id, parse(SetPasswordBody, { password: (req.body as Form).password }, req.lang).password);
      setFlash(res, 'users.passwordSet');
      res.redirect(303, `/admin/users/${id}`);
    } catch (err) {
      const { status, errors, message } = formErrors(err, req.t);
      const user = await findUser(id);
      if (!user) throw notFound('User');
      res.status(status).render('admin/user-form', {
        title: user.name,
        ...(await formData(req)),
        values: presentUser(user),
        user: presentUser(user),
        passwordErrors: errors,
        message,
      });
    }
  });

  r.get('/admin/departments', async (req, res) => {
    authorize(req, 'create', 'Department');
    res.render('admin/departments', { title: req.t('departments.title'), departments: (await listDepartments()).map(presentDepartment), values: {} });
  });

  r.post('/admin/departments', async (req, res) => {
    authorize(req, 'create', 'Department');
    const body = req.body as Form;
    try {
      await createDepartment(parse(CreateDepartmentBody, { code: body.code, name: body.name }, req.lang));
      setFlash(res, 'departments.created');
      res.redirect(303, '/admin/departments');
    } catch (err) {
      const { status, errors, message } = formErrors(err, req.t);
      res.status(status).render('admin/departments', { title: req.t('departments.title'), departments: (await listDepartments()).map(presentDepartment), values: body, errors, message });
    }
  });

  r.post('/admin/departments/:id', async (req, res) => {
    authorize(req, 'update', 'Department');
    const id = idParam(req);
    const body = req.body as Form;
    try {
      const { version, ...changes } = parse(
        UpdateDepartmentBody,
        { name: optional(body.name), active: body.active === 'on' || body.active === 'true', version: Number(body.version) },
        req.lang,
      );
      await updateDepartment(id, version, changes);
      setFlash(res, 'departments.saved');
      res.redirect(303, '/admin/departments');
    } catch (err) {
      const { status, errors, message } = formErrors(err, req.t);
      if (!(await Department.findByPk(id))) throw notFound('Department');
      res.status(status).render('admin/departments', { title: req.t('departments.title'), departments: (await listDepartments()).map(presentDepartment), values: {}, errors, message });
    }
  });

  return r;
}
