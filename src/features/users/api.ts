import { Router } from 'express';
import { createDepartment, createUser, setPassword, updateDepartment, updateUser } from '../../commands/users';
import { notFound } from '../../lib/errors';
import { expectedVersion, idParam } from '../../lib/http';
import { parse } from '../../lib/validate';
import { authorize } from '../../policies/authorize';
import { findUser, listDepartments, listUsers } from '../../queries/users';
import { presentDepartment, presentUser } from '../../presenters/users';
import { CreateDepartmentBody, CreateUserBody, SetPasswordBody, UpdateDepartmentBody, UpdateUserBody, UserListQuery } from './schema';

/** /api/v1/users and /api/v1/departments: the sysadmin's people administration. */
export function usersApi(): Router {
  const r = Router();

  r.get('/users', async (req, res) => {
    authorize(req, 'read', 'User');
    res.json(await listUsers(req.ability, parse(UserListQuery, req.query), presentUser));
  });

  r.post('/users', async (req, res) => {
    authorize(req, 'create', 'User');
    const body = parse(CreateUserBody, req.body);
    const user = await createUser(body);
    res.status(201).location(`/api/v1/users/${user.id}`).json(presentUser((await findUser(user.id))!));
  });

  r.get('/users/:id', async (req, res) => {
    const user = await findUser(idParam(req));
    if (!user) throw notFound('User');
    authorize(req, 'read', 'User', user.get({ plain: true }));
    res.json(presentUser(user));
  });

  r.patch('/users/:id', async (req, res) => {
    const id = idParam(req);
    authorize(req, 'update', 'User');
    const body = parse(UpdateUserBody, req.body);
    const { version, ...changes } = body;
    await updateUser(id, expectedVersion(req, version), changes);
    res.json(presentUser((await findUser(id))!));
  });

  r.post('/users/:id/password', async (req, res) => {
    const id = idParam(req);
    authorize(req, 'update', 'User');
    await setPassword(id, parse(SetPasswordBody, req.body).password);
    res.status(204).end();
  });

  r.get('/departments', async (req, res) => {
    authorize(req, 'read', 'Department');
    res.json({ items: (await listDepartments()).map(presentDepartment), nextCursor: null });
  });

  r.post('/departments', async (req, res) => {
    authorize(req, 'create', 'Department');
    const dept = await createDepartment(parse(CreateDepartmentBody, req.body));
    res.status(201).location(`/api/v1/departments/${dept.id}`).json(presentDepartment(dept));
  });

  r.patch('/departments/:id', async (req, res) => {
    const id = idParam(req);
    authorize(req, 'update', 'Department');
    const { version, ...changes } = parse(UpdateDepartmentBody, req.body);
    res.json(presentDepartment(await updateDepartment(id, expectedVersion(req, version), changes)));
  });

  return r;
}

