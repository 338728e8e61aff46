import { Router, type Request } from 'express';
import type { Config } from '../../config';
import { createAction, linkAction, logContact, updateActionStatus } from '../../commands/actions';
import { actionsActor } from '../../http/actors';
import { readsCase } from '../../http/cases';
import { ActionsQuery, CreateActionBody, actionInput } from '../../http/schemas/actions';
import { notFound } from '../../lib/errors';
import { expectedVersion, idParam } from '../../lib/http';
import { parse } from '../../lib/validate';
import { ActionCase, Complaint, CorrectiveAction } from '../../models';
import { authorizeRegister } from '../../policies/actionReaders';
import { authorize } from '../../policies/authorize';
import { actionDetail, listActions, presentActions, registerFilter } from '../../queries/actions';
import { ContactBody, LinkActionBody, UpdateActionBody } from './schema';

/** The action if this user reads one of the cases it answers, else 404. */
export async function visibleAction(req: Request, id: string): Promise<CorrectiveAction> {
  const action = await CorrectiveAction.findByPk(id);
  if (!action) throw notFound('Action');
  const links = await ActionCase.findAll({ where: { actionId: id }, attributes: ['complaintId'] });
  const cases = links.length ? await Complaint.findAll({ where: { id: links.map((l) => l.complaintId) } }) : [];
  if (!cases.some((c) => readsCase(req, c))) throw notFound('Action');
  return action;
}

const presentOne = async (a: CorrectiveAction) => (await presentActions([a]))[0];

export function actionsApi(config: Config): Router {
  const r = Router();

  r.post('/complaints/:id/actions', async (req, res) => {
    // Who may open actions at all (403) before anything about the case shows.
    authorize(req, 'create', 'Action');
    const id = idParam(req);
    const body = parse(CreateActionBody, req.body);
    const action = await createAction(id, actionInput(body, config.timezone), actionsActor(req));
    res.status(201).location(`/api/v1/actions/${action.id}`).json(await presentOne(action));
  });

  r.post('/complaints/:id/action-links', async (req, res) => {
    authorize(req, 'create', 'Action');
    const id = idParam(req);
    const { actionId } = parse(LinkActionBody, req.body);
    const action = await linkAction(id, actionId, actionsActor(req));
    res.status(201).location(`/api/v1/actions/${action.id}`).json(await presentOne(action));
  });

  r.get('/actions', async (req, res) => {
    const scope = authorizeRegister(req);
    const q = parse(ActionsQuery, req.query);
    res.json(await listActions(await registerFilter(q), scope));
  });

  r.get('/actions/:id', async (req, res) => {
    authorize(req, 'read', 'Action');
    res.json(await actionDetail(await visibleAction(req, idParam(req))));
  });

  r.patch('/actions/:id', async (req, res) => {
    authorize(req, 'update', 'Action');
    const id = idParam(req);
    const body = parse(UpdateActionBody, req.body);
    const version = expectedVersion(req, body.version);
    const action = await updateActionStatus(id, body, version, actionsActor(req));
    res.json(await presentOne(action));
  });

  r.post('/actions/:id/contacts', async (req, res) => {
    authorize(req, 'respond', 'Action');
    const id = idParam(req);
    const body = parse(ContactBody, req.body);
    const contact = await logContact(id, body, actionsActor(req));
    const detail = await actionDetail((await CorrectiveAction.findByPk(id))!);
    res.status(201).json(detail.contacts.find((c) => c.id === contact.id));
  });

  return r;
}
