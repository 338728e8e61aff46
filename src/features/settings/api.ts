import { Router } from 'express';
import {
  confirmHolidayYear,
  createHoliday,
  createSlaPolicy,
  deleteHoliday,
  deleteSlaPolicy,
  isSettingKey,
  updateHoliday,
  updateSetting,
  updateSlaPolicy,
} from '../../commands/settings';
import { notFound } from '../../lib/errors';
import { expectedVersion, idParam } from '../../lib/http';
import { parse } from '../../lib/validate';
import { authorize } from '../../policies/authorize';
import { presentHoliday, presentSetting, presentSlaPolicy } from '../../presenters/settings';
import { holidayYearSummaries, listHolidays, listSettings, listSlaPolicies } from './queries';
import { CreateHolidayBody, CreateSlaPolicyBody, HolidayListQuery, HolidayYearParams, parseSettingBody, UpdateHolidayBody, UpdateSlaPolicyBody } from './schema';

/**
 * /api/v1/sla-policies, /api/v1/holidays, /api/v1/settings — the sysadmin's SLA policy, holiday
 * calendar and settings. Removing a holiday or a severity/tier target is an edit of the table, so
 * it needs `update` (the ability has no separate delete action); so does confirming a provisional
 * year of the holiday calendar (`POST /holidays/years/{year}/confirm`).
 */
export function settingsApi(): Router {
  const r = Router();

  r.get('/sla-policies', async (req, res) => {
    authorize(req, 'read', 'SlaPolicy');
    res.json({ items: (await listSlaPolicies()).map(presentSlaPolicy), nextCursor: null });
  });

  r.post('/sla-policies', async (req, res) => {
    authorize(req, 'create', 'SlaPolicy');
    const body = parse(CreateSlaPolicyBody, req.body);
    const policy = await createSlaPolicy({ ...body, severity: body.severity ?? null, tier: body.tier ?? null });
    res.status(201).location(`/api/v1/sla-policies/${policy.id}`).json(presentSlaPolicy(policy));
  });

  r.patch('/sla-policies/:id', async (req, res) => {
    const id = idParam(req);
    authorize(req, 'update', 'SlaPolicy');
    const { version, ...changes } = parse(UpdateSlaPolicyBody, req.body);
    res.json(presentSlaPolicy(await updateSlaPolicy(id, expectedVersion(req, version), changes)));
  });

  r.delete('/sla-policies/:id', async (req, res) => {
    const id = idParam(req);
    authorize(req, 'update', 'SlaPolicy');
    await deleteSlaPolicy(id, expectedVersion(req));
    res.status(204).end();
  });

  r.get('/holidays', async (req, res) => {
    authorize(req, 'read', 'Holiday');
    const { year, kind } = parse(HolidayListQuery, req.query);
    res.json({ items: (await listHolidays(year, kind)).map(presentHoliday), nextCursor: null });
  });

  r.get('/holidays/years', async (req, res) => {
    authorize(req, 'read', 'Holiday');
    res.json({ items: await holidayYearSummaries() });
  });

  r.post('/holidays/years/:year/confirm', async (req, res) => {
    authorize(req, 'update', 'Holiday');
    const { year } = parse(HolidayYearParams, req.params);
    const { confirmed } = await confirmHolidayYear(year);
    res.json({ year, confirmed, items: (await listHolidays(year)).map(presentHoliday) });
  });

  r.post('/holidays', async (req, res) => {
    authorize(req, 'create', 'Holiday');
    const holiday = await createHoliday(parse(CreateHolidayBody, req.body));
    res.status(201).location(`/api/v1/holidays/${holiday.id}`).json(presentHoliday(holiday));
  });

  r.patch('/holidays/:id', async (req, res) => {
    const id = idParam(req);
    authorize(req, 'update', 'Holiday');
    const { version, ...changes } = parse(UpdateHolidayBody, req.body);
    res.json(presentHoliday(await updateHoliday(id, expectedVersion(req, version), changes)));
  });

  r.delete('/holidays/:id', async (req, res) => {
    const id = idParam(req);
    authorize(req, 'update', 'Holiday');
    await deleteHoliday(id, expectedVersion(req));
    res.status(204).end();
  });

  r.get('/settings', async (req, res) => {
    authorize(req, 'read', 'Setting');
    res.json({ items: (await listSettings()).map(presentSetting) });
  });

  r.put('/settings/:key', async (req, res) => {
    authorize(req, 'update', 'Setting');
    const key = String(req.params.key);
    if (!isSettingKey(key)) throw notFound('Setting');
    const { change, version } = parseSettingBody(key, req.body);
    res.json(presentSetting(await updateSetting(change, expectedVersion(req, version))));
  });

  return r;
}
