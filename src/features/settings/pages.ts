import { Router, type Request, type Response } from 'express';
import { DateTime } from 'luxon';
import {
  confirmHolidayYear,
  createHoliday,
  createSlaPolicy,
  deleteHoliday,
  deleteSlaPolicy,
  isSettingKey,
  RECURRENCE_MATCH,
  updateHoliday,
  updateSetting,
  updateSlaPolicy,
  type BusinessHoursSetting,
  type SettingKey,
} from '../../commands/settings';
import { SEVERITIES, TIERS } from '../../domain/entries';
import { CALENDAR_DAY_KINDS } from '../../domain/holidays';
import { readRecurrenceSetting } from '../../domain/recurrence';
import { readReportingRules, REPORT_CATEGORIES } from '../../domain/regulatory';
import { readRenewalSchedule } from '../../domain/renewals';
import { SLA_STAGES } from '../../domain/workflow';
import { formatDate } from '../../lib/dates';
import { notFound, type FieldError } from '../../lib/errors';
import { idParam } from '../../lib/http';
import type { Translate } from '../../lib/i18n';
import { parse } from '../../lib/validate';
import { Holiday, SlaPolicy } from '../../models';
import { authorize } from '../../policies/authorize';
import { requireSignIn } from '../../http/auth';
import { formErrors, setFlash } from '../../http/pageLocals';
import { presentHoliday, presentSlaPolicy, type HolidayJson, type SlaPolicyJson } from '../../presenters/settings';
import { holidayYearSummaries, listHolidays, listSettings, listSlaPolicies } from './queries';
import { qualityLeadsView } from './qualityLeads';
import { CreateHolidayBody, CreateSlaPolicyBody, HolidayListQuery, HolidayYearParams, parseSettingBody, SLA_MODE_KEYS, UpdateHolidayBody, UpdateSlaPolicyBody } from './schema';

type Form = Record<string, unknown>;
type Errors = { status: number; message: string | undefined; errors: FieldError[] };

const str = (v: unknown): string => (typeof v === 'string' ? v : Array.isArray(v) ? String(v[0] ?? '') : '');
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined || v === '' ? [] : [String(v)]);
const blankToNull = (v: unknown) => (v === '' || v === undefined ? null : v);
/** A number typed in a form; blank stays missing so the schema says "required", not "too small". */
const num = (v: unknown): number | undefined => (str(v).trim() === '' ? undefined : Number(str(v).trim().replace(',', '.')));
const version = (body: Form) => num(body.version);

// ---------------------------------------------------------------------------------------------
// SLA policy

export const UNITS = ['minutes', 'hours', 'days'] as const;
type Unit = (typeof UNITS)[number];
const UNIT_MINUTES: Record<Unit, number> = { minutes: 1, hours: 60, days: 1440 };

/** The largest unit that states `minutes` exactly: 10080 → 7 days, 720 → 12 hours, 90 → 90 minutes. */
export function splitTarget(minutes: number): { amount: number; unit: Unit } {
  if (minutes % 1440 === 0) return { amount: minutes / 1440, unit: 'days' };
  if (minutes % 60 === 0) return { amount: minutes / 60, unit: 'hours' };
  return { amount: minutes, unit: 'minutes' };
}

/** A target in words: "7 ngày", "12 giờ", "1 giờ 30 phút" (or "1 hour 30 minutes"). */
export function targetInWords(minutes: number, t: Translate): string {
  if (minutes % 1440 === 0) return t('sla.duration.day', { count: minutes / 1440 });
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return [hours ? t('sla.duration.hour', { count: hours }) : '', rest ? t('sla.duration.minute', { count: rest }) : ''].filter(Boolean).join(' ');
}

/** Amount × unit from a form, in minutes; float noise (0.1 × 60) is rounded off, a fraction of a minute is left for the schema to refuse. */
function formMinutes(body: Form): number | undefined {
  const amount = num(body.amount);
  if (amount === undefined) return undefined;
  const unit = UNIT_MINUTES[str(body.unit) as Unit] ?? Number.NaN;
  return Number((amount * unit).toFixed(6));
}

interface SlaRowView extends SlaPolicyJson {
  targetText: string;
  /** What the row's edit form shows: the stored target, or what was typed when it failed. */
  form: { amount: string | number; unit: string; mode: string };
  errors?: FieldError[];
}

interface SlaPageState extends Partial<Errors> {
  /** The row whose form failed: its typed values and errors. */
  row?: { id: string; values: Form; errors: FieldError[] };
  /** The add form's typed values and errors. */
  add?: { values: Form; errors: FieldError[] };
}

async function renderSla(req: Request, res: Response, state: SlaPageState = {}): Promise<void> {
  const rows = (await listSlaPolicies()).map(presentSlaPolicy).map((p): SlaRowView => {
    const failed = state.row?.id === p.id ? state.row : undefined;
    const split = splitTarget(p.targetMinutes);
    return {
      ...p,
      targetText: targetInWords(p.targetMinutes, req.t),
      form: failed
        ? { amount: str(failed.values.amount), unit: str(failed.values.unit), mode: str(failed.values.mode) }
        : { amount: split.amount, unit: split.unit, mode: p.mode },
      errors: failed?.errors,
    };
  });
  const groups = SLA_STAGES.map((stage) => ({ stage, rows: rows.filter((r) => r.stage === stage) }));
  res.status(state.status ?? 200).render('admin/sla', {
    title: req.t('sla.title'),
    groups,
    stages: SLA_STAGES,
    severities: SEVERITIES,
    tiers: TIERS,
    modes: SLA_MODE_KEYS,
    units: UNITS,
    values: state.add?.values ?? { unit: 'hours', mode: 'exact' },
    addErrors: state.add?.errors,
    errors: state.errors,
    message: state.message,
  });
}

// ---------------------------------------------------------------------------------------------
// Holidays

interface HolidayRowView extends HolidayJson {
  dateText: string;
  weekday: string;
  isWorkingDay: boolean;
  /** What the row's rename form shows: the stored names, or what was typed when it failed. */
  form: { nameVi: string; nameEn: string };
  errors?: FieldError[];
}

interface HolidayPageState extends Partial<Errors> {
  year?: number;
  row?: { id: string; values: Form; errors: FieldError[] };
  add?: { values: Form; errors: FieldError[] };
}

const zoneOf = (res: Response) => String(res.locals.timezone ?? 'Asia/Ho_Chi_Minh');
const thisYear = (res: Response) => DateTime.now().setZone(zoneOf(res)).year;
const yearOf = (date: unknown): number | undefined => (/^\d{4}-\d{2}-\d{2}$/.test(str(date)) ? Number(str(date).slice(0, 4)) : undefined);

async function renderHolidays(req: Request, res: Response, state: HolidayPageState = {}): Promise<void> {
  const year = state.year ?? thisYear(res);
  const zone = zoneOf(res);
  const rows = (await listHolidays(year)).map(presentHoliday).map((h): HolidayRowView => {
    const failed = state.row?.id === h.id ? state.row : undefined;
    return {
      ...h,
      isWorkingDay: h.kind === 'working_day',
      dateText: formatDate(h.date, zone, req.lang),
      weekday: DateTime.fromISO(h.date).setLocale(req.lang === 'vi' ? 'vi-VN' : 'en-GB').toFormat('cccc'),
      form: failed ? { nameVi: str(failed.values.nameVi), nameEn: str(failed.values.nameEn) } : { nameVi: h.nameVi, nameEn: h.nameEn },
      errors: failed?.errors,
    };
  });
  const current = thisYear(res);
  const summaries = await holidayYearSummaries();
  const years = [...new Set([...summaries.map((y) => y.year), current - 1, current, current + 1, year])]
    .sort((a, b) => a - b)
    .map((y) => ({ year: y, provisional: (summaries.find((s) => s.year === y)?.provisional ?? 0) > 0 }));
  res.status(state.status ?? 200).render('admin/holidays', {
    title: req.t('holidays.title'),
    year,
    years,
    provisional: rows.filter((h) => h.provisional).length,
    holidays: rows,
    kinds: CALENDAR_DAY_KINDS,
    values: state.add?.values ?? { kind: 'holiday' },
    addErrors: state.add?.errors,
    errors: state.errors,
    message: state.message,
  });
}

// ---------------------------------------------------------------------------------------------
// Settings

interface SettingsPageState extends Partial<Errors> {
  key?: SettingKey;
  values?: Form;
}

async function renderSettings(req: Request, res: Response, state: SettingsPageState = {}): Promise<void> {
  // The schedule is one field: an error about its n-th offset is shown on it.
  if (state.key === 'renewal_schedule') state = { ...state, errors: state.errors?.map((e) => (e.path.startsWith('value.offsets') ? { ...e, path: 'value.offsets' } : e)) };
  const stored = await listSettings();
  const find = (key: SettingKey) => stored.find((s) => s.key === key);
  const rec = find('recurrence');
  const hours = find('business_hours');
  // A value stored before migration 0006 may name `category`: shown, like intake reads it, without it.
  const recValue = readRecurrenceSetting(rec?.value);
  const hoursValue = (hours?.value as BusinessHoursSetting | undefined) ?? { start: '08:00', end: '17:00' };
  const failed = (key: SettingKey) => (state.key === key ? state : undefined);
  res.status(state.status ?? 200).render('admin/settings', {
    title: req.t('settings.title'),
    matchKeys: RECURRENCE_MATCH,
    recurrence: {
      version: rec?.version ?? 0,
      periodDays: failed('recurrence') ? str(state.values?.periodDays) : recValue.periodDays,
      match: failed('recurrence') ? list(state.values?.match) : recValue.match,
      errors: failed('recurrence')?.errors,
    },
    hours: {
      version: hours?.version ?? 0,
      start: failed('business_hours') ? str(state.values?.start) : hoursValue.start,
      end: failed('business_hours') ? str(state.values?.end) : hoursValue.end,
      errors: failed('business_hours')?.errors,
    },
    letterhead: letterheadView(find('letterhead'), failed('letterhead')),
    reporting: reportingView(find('reporting_rules'), failed('reporting_rules')),
    renewal: renewalView(find('renewal_schedule'), failed('renewal_schedule')),
    qualityLeads: await qualityLeadsView(find('quality_leads'), failed('quality_leads')),
    errors: state.errors,
    message: state.message,
  });
}

const LETTERHEAD_FIELDS = ['organisationName', 'address', 'phone', 'email', 'city'] as const;

/** The letterhead form: the stored value, or what was typed when it failed (src/letters/context.ts prints it). */
function letterheadView(stored: { value: unknown; version: number } | undefined, failed: SettingsPageState | undefined) {
  const value = (stored?.value ?? {}) as Record<string, unknown>;
  return {
    version: stored?.version ?? 0,
    ...Object.fromEntries(LETTERHEAD_FIELDS.map((f) => [f, failed ? str(failed.values?.[f]) : str(value[f])])),
    errors: failed?.errors,
  };
}

/** The reporting rules form: the jurisdiction and the days per report category, stored (or the defaults) or as typed when it failed. */
function reportingView(stored: { value: unknown; version: number } | undefined, failed: SettingsPageState | undefined) {
  const value = readReportingRules(stored?.value);
  return {
    version: stored?.version ?? 0,
    jurisdiction: failed ? str(failed.values?.jurisdiction) : value.jurisdiction,
    categories: REPORT_CATEGORIES.map((c) => ({ key: c, path: `value.days.${c}`, days: failed ? str(failed.values?.[`days.${c}`]) : value.days[c] })),
    errors: failed?.errors,
  };
}

/** The renewal schedule form: one field of offsets ("30, 18, 15, 3, -1, -4"), stored (or the default) or as typed when it failed. */
function renewalView(stored: { value: unknown; version: number } | undefined, failed: SettingsPageState | undefined) {
  return { version: stored?.version ?? 0, offsets: failed ? str(failed.values?.offsets) : readRenewalSchedule(stored?.value).join(', '), errors: failed?.errors };
}

function settingForm(key: SettingKey, body: Form) {
  if (key === 'quality_leads') return { value: { userIds: list(body.userIds) }, version: version(body) };
  if (key === 'renewal_schedule') return { value: { offsets: str(body.offsets).split(/[\s,;]+/).filter(Boolean).map((o) => Number(o.replace('−', '-'))) }, version: version(body) };
  if (key === 'reporting_rules')
    return { value: { jurisdiction: str(body.jurisdiction), days: Object.fromEntries(REPORT_CATEGORIES.map((c) => [c, num(body[`days.${c}`])])) }, version: version(body) };
  if (key === 'letterhead') return { value: Object.fromEntries(LETTERHEAD_FIELDS.map((f) => [f, str(body[f])])), version: version(body) };
  const value = key === 'recurrence' ? { periodDays: num(body.periodDays), match: list(body.match) } : { start: str(body.start), end: str(body.end) };
  return { value, version: version(body) };
}

/** /admin/sla, /admin/holidays, /admin/settings — the sysadmin's pages. */
export function settingsPages(): Router {
  const r = Router();
  r.use('/admin', requireSignIn);

  r.get('/admin/sla', async (req, res) => {
    authorize(req, 'update', 'SlaPolicy');
    await renderSla(req, res);
  });

  r.post('/admin/sla', async (req, res) => {
    authorize(req, 'create', 'SlaPolicy');
    const body = req.body as Form;
    try {
      const input = parse(
        CreateSlaPolicyBody,
        { stage: str(body.stage), severity: blankToNull(body.severity), tier: blankToNull(body.tier), targetMinutes: formMinutes(body), mode: str(body.mode) },
        req.lang,
      );
      await createSlaPolicy({ ...input, severity: input.severity ?? null, tier: input.tier ?? null });
      setFlash(res, 'sla.created');
      res.redirect(303, '/admin/sla');
    } catch (err) {
      const e = formErrors(err, req.t);
      await renderSla(req, res, { ...e, add: { values: body, errors: e.errors } });
    }
  });

  r.post('/admin/sla/:id', async (req, res) => {
    authorize(req, 'update', 'SlaPolicy');
    const id = idParam(req);
    const body = req.body as Form;
    try {
      const { version: expected, ...changes } = parse(UpdateSlaPolicyBody, { targetMinutes: formMinutes(body), mode: str(body.mode), version: version(body) }, req.lang);
      await updateSlaPolicy(id, expected, changes);
      setFlash(res, 'sla.saved');
      res.redirect(303, '/admin/sla');
    } catch (err) {
      const e = formErrors(err, req.t);
      if (!(await SlaPolicy.findByPk(id))) throw notFound('SLA policy');
      await renderSla(req, res, { ...e, row: { id, values: body, errors: e.errors } });
    }
  });

  r.post('/admin/sla/:id/delete', async (req, res) => {
    authorize(req, 'update', 'SlaPolicy');
    const id = idParam(req);
    try {
      await deleteSlaPolicy(id, version(req.body as Form));
      setFlash(res, 'sla.deleted');
      res.redirect(303, '/admin/sla');
    } catch (err) {
      const e = formErrors(err, req.t);
      await renderSla(req, res, e);
    }
  });

  r.get('/admin/holidays', async (req, res) => {
    authorize(req, 'update', 'Holiday');
    const { year } = parse(HolidayListQuery, { year: req.query.year || undefined }, req.lang);
    await renderHolidays(req, res, { year });
  });

  r.post('/admin/holidays', async (req, res) => {
    authorize(req, 'create', 'Holiday');
    const body = req.body as Form;
    try {
      const holiday = await createHoliday(
        parse(CreateHolidayBody, { date: str(body.date), nameVi: str(body.nameVi), nameEn: str(body.nameEn), kind: str(body.kind) || undefined }, req.lang),
      );
      setFlash(res, 'holidays.created');
      res.redirect(303, `/admin/holidays?year=${holiday.date.slice(0, 4)}`);
    } catch (err) {
      const e = formErrors(err, req.t);
      await renderHolidays(req, res, { ...e, year: yearOf(body.date), add: { values: body, errors: e.errors } });
    }
  });

  r.post('/admin/holidays/years/:year/confirm', async (req, res) => {
    authorize(req, 'update', 'Holiday');
    const { year } = parse(HolidayYearParams, req.params, req.lang);
    await confirmHolidayYear(year);
    setFlash(res, 'holidays.confirmed');
    res.redirect(303, `/admin/holidays?year=${year}`);
  });

  r.post('/admin/holidays/:id', async (req, res) => {
    authorize(req, 'update', 'Holiday');
    const id = idParam(req);
    const body = req.body as Form;
    try {
      const { version: expected, ...changes } = parse(UpdateHolidayBody, { nameVi: str(body.nameVi), nameEn: str(body.nameEn), version: version(body) }, req.lang);
      const holiday = await updateHoliday(id, expected, changes);
      setFlash(res, 'holidays.saved');
      res.redirect(303, `/admin/holidays?year=${holiday.date.slice(0, 4)}`);
    } catch (err) {
      const e = formErrors(err, req.t);
      const holiday = await Holiday.findByPk(id);
      if (!holiday) throw notFound('Holiday');
      await renderHolidays(req, res, { ...e, year: yearOf(holiday.date), row: { id, values: body, errors: e.errors } });
    }
  });

  r.post('/admin/holidays/:id/delete', async (req, res) => {
    authorize(req, 'update', 'Holiday');
    const id = idParam(req);
    const holiday = await Holiday.findByPk(id);
    if (!holiday) throw notFound('Holiday');
    try {
      await deleteHoliday(id, version(req.body as Form));
      setFlash(res, 'holidays.deleted');
      res.redirect(303, `/admin/holidays?year=${holiday.date.slice(0, 4)}`);
    } catch (err) {
      await renderHolidays(req, res, { ...formErrors(err, req.t), year: yearOf(holiday.date) });
    }
  });

  r.get('/admin/settings', async (req, res) => {
    authorize(req, 'update', 'Setting');
    await renderSettings(req, res);
  });

  r.post('/admin/settings/:key', async (req, res) => {
    authorize(req, 'update', 'Setting');
    const key = String(req.params.key);
    if (!isSettingKey(key)) throw notFound('Setting');
    const body = req.body as Form;
    try {
      const { change, version: expected } = parseSettingBody(key, settingForm(key, body), req.lang);
      await updateSetting(change, expected);
      setFlash(res, 'settings.saved');
      res.redirect(303, '/admin/settings');
    } catch (err) {
      await renderSettings(req, res, { ...formErrors(err, req.t), key, values: body });
    }
  });

  return r;
}
