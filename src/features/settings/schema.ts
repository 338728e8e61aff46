import { RECURRENCE_MATCH, SETTING_KEYS, type SettingChange, type SettingKey } from '../../commands/settings';
import { SEVERITIES, TIERS } from '../../domain/entries';
import { CALENDAR_DAY_KINDS } from '../../domain/holidays';
import { SLA_STAGES } from '../../domain/workflow';
import { isoDate } from '../../lib/dates';
import type { Lang } from '../../lib/i18n';
import { parse } from '../../lib/validate';
import { z } from '../../lib/zod';
import { documentRoute, IdParams } from '../../http/openapi';
import { RENEWAL_OFFSET_MAX, RENEWAL_OFFSET_MIN, RENEWAL_SCHEDULE_MAX } from '../../domain/renewals';

/** The longest target the table accepts: one year. */
export const MAX_TARGET_MINUTES = 525_600;

export const SLA_MODE_KEYS = ['exact', 'business', 'calendar_days'] as const;
const stage = z.enum(SLA_STAGES);
const severity = z.enum(SEVERITIES).nullable();
const tier = z.enum(TIERS).nullable();
const targetMinutes = z.number().int().min(1).max(MAX_TARGET_MINUTES);
const mode = z.enum(SLA_MODE_KEYS);
const version = z.number().int().nonnegative().optional();

export const SlaPolicySchema = z
  .object({
    id: z.string().uuid(),
    stage,
    severity: severity.openapi({ description: 'null: any severity' }),
    tier: tier.openapi({ description: 'null: any customer tier' }),
    targetMinutes: z.number().int(),
    mode: mode.openapi({ description: '`exact`: elapsed time; `business`: business hours on working days; `calendar_days`: whole days ending 23:59:59.999 local' }),
    isDefault: z.boolean().openapi({ description: "The stage's default (no severity, no tier): it cannot be removed and only its target changes" }),
    version: z.number().int(),
    updatedAt: z.string(),
  })
  .openapi('SlaPolicy');

export const CreateSlaPolicyBody = z
  .object({
    stage,
    severity: severity.optional(),
    tier: tier.optional(),
    targetMinutes: targetMinutes.openapi({ description: '1 … 525600; a multiple of 1440 in `calendar_days` mode' }),
    mode,
  })
  .strict()
  .openapi('CreateSlaPolicy');

export const UpdateSlaPolicyBody = z
  .object({ stage: stage.optional(), severity: severity.optional(), tier: tier.optional(), targetMinutes: targetMinutes.optional(), mode: mode.optional(), version })
  .strict()
  .openapi('UpdateSlaPolicy');

const holidayName = z.string().trim().normalize('NFC').min(1).max(200);

const holidayKind = z.enum(CALENDAR_DAY_KINDS).openapi({
  description: '`holiday`: a day off, skipped by working-day limits and business hours; `working_day`: a make-up working day (ngày làm bù) on a Saturday or Sunday, which they count',
});
const holidayYear = z.coerce.number().int().min(1900).max(2200);

export const HolidaySchema = z
  .object({
    id: z.string().uuid(),
    date: z.string(),
    nameVi: z.string(),
    nameEn: z.string(),
    kind: holidayKind,
    provisional: z.boolean().openapi({ description: 'Computed by the statutory rule for a year without a published schedule; false once the sysadmin confirms the year' }),
    version: z.number().int(),
  })
  .openapi('Holiday');

export const CreateHolidayBody = z
  .object({ date: isoDate, nameVi: holidayName, nameEn: holidayName, kind: holidayKind.optional().openapi({ description: 'Default `holiday`; a `working_day` must be a Saturday or Sunday' }) })
  .strict()
  .openapi('CreateHoliday');
export const UpdateHolidayBody = z
  .object({ date: isoDate.optional(), nameVi: holidayName.optional(), nameEn: holidayName.optional(), kind: holidayKind.optional(), version })
  .strict()
  .openapi('UpdateHoliday');

export const HolidayListQuery = z.object({ year: holidayYear.optional(), kind: holidayKind.optional() }).strict();
export const HolidayYearParams = z.object({ year: holidayYear });

export const HolidayYearSchema = z
  .object({
    year: z.number().int(),
    holidays: z.number().int().openapi({ description: 'Days off in the year' }),
    workingDays: z.number().int().openapi({ description: 'Make-up working days in the year' }),
    provisional: z.number().int().openapi({ description: 'Days still provisional: 0 once the year is confirmed' }),
  })
  .openapi('HolidayYear');

export const ConfirmHolidayYearSchema = z
  .object({ year: z.number().int(), confirmed: z.number().int().openapi({ description: 'Days that were provisional and are now confirmed' }), items: z.array(HolidaySchema) })
  .openapi('ConfirmedHolidayYear');

export const RecurrenceValue = z
  .object({ periodDays: z.number().int().min(1).max(3650), match: z.array(z.enum(RECURRENCE_MATCH)).min(1).max(RECURRENCE_MATCH.length) })
  .strict()
  .openapi('RecurrenceSetting', {
    description:
      'A complaint is recurring when an earlier complaint of the same customer, product, lot or supplier (any of `match`) was received within `periodDays`. The category alone is not recurrence and is no longer accepted; a stored value that still names it is read without it.',
  });

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);
export const BusinessHoursValue = z
  .object({ start: clock, end: clock })
  .strict()
  .openapi('BusinessHoursSetting', { description: 'Local HH:mm; `start` before `end`. Stage targets in `business` mode count only these hours on working days.' });

const reportDays = z.number().int().min(1).max(365);
export const ReportingRulesValue = z
  .object({
    jurisdiction: z.string().trim().min(1).max(100),
    days: z.object({ public_health_threat: reportDays, death_or_serious_injury: reportDays, other_reportable: reportDays }).strict(),
  })
  .strict()
  .openapi('ReportingRulesSetting', {
    description:
      "The regulatory report's deadline: per report category, the calendar days from awareness (the complaint's receipt) to the end of that local day. Defaults (EU MDR Art. 87): public_health_threat 2, death_or_serious_injury 10, other_reportable 15.",
  });

const letterheadLine = (max: number) => z.string().trim().max(max);
export const LetterheadValue = z
  .object({
    organisationName: z.string().trim().min(1).max(200),
    address: letterheadLine(300),
    phone: letterheadLine(50),
    email: z.union([z.literal(''), z.string().trim().email().max(200)]),
    city: letterheadLine(100),
  })
  .strict()
  .openapi('LetterheadSetting', {
    description: 'The company letterhead printed at the top of every letter: the organisation, its address, phone and e-mail, and the city written in the date line ("Hà Nội, ngày 02 tháng 11 năm 2026").',
  });

export const RenewalScheduleValue = z
  .object({ offsets: z.array(z.number().int().min(RENEWAL_OFFSET_MIN).max(RENEWAL_OFFSET_MAX)).min(1).max(RENEWAL_SCHEDULE_MAX) })
  .strict()
  .openapi('RenewalScheduleSetting', {
    description:
      "When a customer's service with an expiry date is reminded: days before the expiry date (negative: after it), each once; stored latest-first. Default [30, 18, 15, 3, -1, -4]. A reminder missed on its day is still sent until the next offset's day (the last one: for 7 days).",
  });

export const QualityLeadsValue = z
  .object({ userIds: z.array(z.string().uuid()).max(50) })
  .strict()
  .openapi('QualityLeadsSetting', {
    description: 'The quality leads: active users (ids) to whom the SLA sweep escalates a clock at 150 % of its time, with every CS director. Each once; stored sorted.',
  });

export const PutRecurrenceBody = z.object({ value: RecurrenceValue, version }).strict().openapi('PutRecurrenceSetting');
export const PutBusinessHoursBody = z.object({ value: BusinessHoursValue, version }).strict().openapi('PutBusinessHoursSetting');
export const PutLetterheadBody = z.object({ value: LetterheadValue, version }).strict().openapi('PutLetterheadSetting');
export const PutRenewalScheduleBody = z.object({ value: RenewalScheduleValue, version }).strict().openapi('PutRenewalScheduleSetting');
export const PutQualityLeadsBody = z.object({ value: QualityLeadsValue, version }).strict().openapi('PutQualityLeadsSetting');
export const PutReportingRulesBody = z.object({ value: ReportingRulesValue, version }).strict().openapi('PutReportingRulesSetting');

/** A PUT body (API) or a form turned into one (page), for the setting `key`. */
export function parseSettingBody(key: SettingKey, data: unknown, lang?: Lang): { change: SettingChange; version: number | undefined } {
  if (key === 'recurrence') {
    const { value, version } = parse(PutRecurrenceBody, data, lang);
    return { change: { key, value }, version };
  }
  if (key === 'letterhead') {
    const { value, version } = parse(PutLetterheadBody, data, lang);
    return { change: { key, value }, version };
  }
  if (key === 'renewal_schedule') {
    const { value, version } = parse(PutRenewalScheduleBody, data, lang);
    return { change: { key, value }, version };
  }
  if (key === 'quality_leads') {
    const { value, version } = parse(PutQualityLeadsBody, data, lang);
    return { change: { key, value }, version };
  }
  if (key === 'reporting_rules') {
    const { value, version } = parse(PutReportingRulesBody, data, lang);
    return { change: { key, value }, version };
  }
  const { value, version } = parse(PutBusinessHoursBody, data, lang);
  return { change: { key, value }, version };
}

export const SettingSchema = z
  .object({ key: z.enum(SETTING_KEYS), value: z.union([RecurrenceValue, BusinessHoursValue, ReportingRulesValue, LetterheadValue, RenewalScheduleValue, QualityLeadsValue]), version: z.number().int(), updatedAt: z.string() })
  .openapi('Setting');

const list = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });
const ifMatch = 'Send If-Match or `version` to refuse a stale edit (409).';

documentRoute({ method: 'get', path: '/api/v1/sla-policies', summary: 'The SLA policy table: stage targets per severity and customer tier (sysadmin)', tags: ['Settings'], response: { status: 200, schema: list(SlaPolicySchema) }, problems: [403] });
documentRoute({ method: 'post', path: '/api/v1/sla-policies', summary: 'Add a stage target for a severity and/or tier (sysadmin); a duplicate is 409', tags: ['Settings'], body: CreateSlaPolicyBody, response: { status: 201, schema: SlaPolicySchema }, problems: [403, 409] });
documentRoute({ method: 'patch', path: '/api/v1/sla-policies/{id}', summary: `Change a stage target (sysadmin). A stage default keeps its stage, severity and tier. ${ifMatch}`, tags: ['Settings'], params: IdParams, body: UpdateSlaPolicyBody, response: { status: 200, schema: SlaPolicySchema }, problems: [403, 404, 409] });
documentRoute({ method: 'delete', path: '/api/v1/sla-policies/{id}', summary: `Remove a severity/tier target (sysadmin); a stage default cannot be removed (409). ${ifMatch}`, tags: ['Settings'], params: IdParams, response: { status: 204 }, problems: [403, 404, 409] });

documentRoute({ method: 'get', path: '/api/v1/holidays', summary: 'The holiday calendar — days off and make-up working days — all or one year, optionally of one kind (sysadmin)', tags: ['Settings'], query: HolidayListQuery, response: { status: 200, schema: list(HolidaySchema) }, problems: [403] });
documentRoute({ method: 'get', path: '/api/v1/holidays/years', summary: 'The years the calendar holds, with their days off, make-up working days and days still provisional (sysadmin)', tags: ['Settings'], response: { status: 200, schema: z.object({ items: z.array(HolidayYearSchema) }) }, problems: [403] });
documentRoute({ method: 'post', path: '/api/v1/holidays/years/{year}/confirm', summary: "Confirm a year's computed days against the published schedule (sysadmin): none stays provisional; each day confirmed is audited. A year with nothing provisional is left as it is", tags: ['Settings'], params: HolidayYearParams, response: { status: 200, schema: ConfirmHolidayYearSchema }, problems: [403] });
documentRoute({ method: 'post', path: '/api/v1/holidays', summary: 'Add a day off or a make-up working day (sysadmin); a date already in the calendar is 409, a make-up working day on a weekday 400', tags: ['Settings'], body: CreateHolidayBody, response: { status: 201, schema: HolidaySchema }, problems: [403, 409] });
documentRoute({ method: 'patch', path: '/api/v1/holidays/{id}', summary: `Rename or move a day of the calendar, or change its kind (sysadmin). ${ifMatch}`, tags: ['Settings'], params: IdParams, body: UpdateHolidayBody, response: { status: 200, schema: HolidaySchema }, problems: [403, 404, 409] });
documentRoute({ method: 'delete', path: '/api/v1/holidays/{id}', summary: `Remove a holiday (sysadmin); audited with the row as it was. ${ifMatch}`, tags: ['Settings'], params: IdParams, response: { status: 204 }, problems: [403, 404, 409] });

documentRoute({ method: 'get', path: '/api/v1/settings', summary: 'Organisation settings: recurrence period and matching, business hours (sysadmin)', tags: ['Settings'], response: { status: 200, schema: z.object({ items: z.array(SettingSchema) }) }, problems: [403] });
documentRoute({ method: 'put', path: '/api/v1/settings/recurrence', summary: `Set the recurrence period (1–3650 days) and what counts as the same (sysadmin). ${ifMatch}`, tags: ['Settings'], body: PutRecurrenceBody, response: { status: 200, schema: SettingSchema }, problems: [403, 409] });
documentRoute({ method: 'put', path: '/api/v1/settings/reporting_rules', summary: `Set the regulatory reporting rules: the jurisdiction and the days per report category (sysadmin). ${ifMatch}`, tags: ['Settings'], body: PutReportingRulesBody, response: { status: 200, schema: SettingSchema }, problems: [403, 409] });
documentRoute({ method: 'put', path: '/api/v1/settings/letterhead', summary: `Set the company letterhead printed on every letter (sysadmin). ${ifMatch}`, tags: ['Settings'], body: PutLetterheadBody, response: { status: 200, schema: SettingSchema }, problems: [403, 409] });
documentRoute({ method: 'put', path: '/api/v1/settings/renewal_schedule', summary: `Set the renewal reminder schedule of customers' services: days before the expiry (negative: after), 1–12 distinct offsets in −365…365 (sysadmin). ${ifMatch}`, tags: ['Settings'], body: PutRenewalScheduleBody, response: { status: 200, schema: SettingSchema }, problems: [403, 409] });
documentRoute({ method: 'put', path: '/api/v1/settings/quality_leads', summary: `Name the quality leads, to whom the SLA sweep escalates at 150 % with the CS directors: active users, at most 50 (sysadmin); an unknown or inactive user is 400. ${ifMatch}`, tags: ['Settings'], body: PutQualityLeadsBody, response: { status: 200, schema: SettingSchema }, problems: [403, 409] });
documentRoute({ method: 'put', path: '/api/v1/settings/business_hours', summary: `Set the business hours that \`business\`-mode targets count (sysadmin). ${ifMatch}`, tags: ['Settings'], body: PutBusinessHoursBody, response: { status: 200, schema: SettingSchema }, problems: [403, 409] });
