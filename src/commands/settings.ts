import { Op, type Transaction } from 'sequelize';
import { transaction } from '../db';
import type { SlaMode } from '../domain/deadlines';
import type { Severity, Tier } from '../domain/entries';
import { DEFAULT_WEEKEND, parseIsoDate, type CalendarDayKind } from '../domain/holidays';
import type { SlaStage } from '../domain/workflow';
import { AppError, fieldError, notFound, staleVersion, validationFailed, type FieldError } from '../lib/errors';
import { Holiday, Setting, SlaPolicy, User } from '../models';
import { RECURRENCE_CRITERIA, type RecurrenceSetting } from '../domain/recurrence';
import { REPORT_CATEGORIES, type ReportingRules } from '../domain/regulatory';
import { invalidatePolicyCache } from '../queries/policy';
import { normalizeSchedule, type RenewalScheduleSetting } from '../domain/renewals';

/**
 * The sysadmin's edits of the SLA policy table, the holiday calendar and the settings. Each edit
 * is one transaction (the model hooks audit it in the same transaction) and drops this process's
 * policy cache once it has committed, so the next intake or transition uses the new values.
 */
async function edit<T>(fn: () => Promise<T>): Promise<T> {
  return transaction(async (t: Transaction) => {
    // Registered on the transaction (ours, or the caller's we joined): runs after COMMIT only.
    t.afterCommit(() => invalidatePolicyCache());
    return fn();
  });
}

const conflictWith = (message: string, messageKey: string, errors: FieldError[]) =>
  new AppError(409, 'conflict', message, errors, undefined, undefined, messageKey);

const checkVersion = (current: number, expected: number | undefined) => {
  if (expected !== undefined && current !== expected) throw staleVersion(current);
};

// ---------------------------------------------------------------------------------------------
// SLA policy

export interface SlaPolicyInput {
  stage: SlaStage;
  severity: Severity | null;
  tier: Tier | null;
  targetMinutes: number;
  mode: SlaMode;
}

export const MINUTES_PER_DAY = 1440;

/** The stage default: no severity and no tier. It always exists and only its target may change. */
export const isDefaultPolicy = (p: { severity: string | null; tier: string | null }) => p.severity === null && p.tier === null;

function checkTarget(p: { targetMinutes: number; mode: SlaMode }): void {
  if (p.mode === 'calendar_days' && p.targetMinutes % MINUTES_PER_DAY !== 0) {
    throw validationFailed([fieldError('targetMinutes', 'sla.errors.wholeDays')], 'Calendar-day targets are whole days (a multiple of 1440 minutes).');
  }
}

async function checkUnique(p: { stage: string; severity: string | null; tier: string | null }, exceptId?: string): Promise<void> {
  const existing = await SlaPolicy.findOne({
    where: { stage: p.stage, severity: p.severity, tier: p.tier, ...(exceptId ? { id: { [Op.ne]: exceptId } } : {}) },
  });
  if (existing) {
    throw conflictWith('A target for this stage, severity and tier already exists.', 'sla.errors.duplicate', [fieldError('tier', 'sla.errors.duplicate')]);
  }
}

export async function createSlaPolicy(input: SlaPolicyInput): Promise<SlaPolicy> {
  checkTarget(input);
  return edit(async () => {
    await checkUnique(input);
    return SlaPolicy.create({ stage: input.stage, severity: input.severity, tier: input.tier, targetMinutes: input.targetMinutes, mode: input.mode });
  });
}

export async function updateSlaPolicy(id: string, expectedVersion: number | undefined, changes: Partial<SlaPolicyInput>): Promise<SlaPolicy> {
  return edit(async () => {
    const policy = await SlaPolicy.findByPk(id, { lock: true });
    if (!policy) throw notFound('SLA policy');
    checkVersion(policy.version, expectedVersion);
    const next = {
      stage: changes.stage ?? policy.stage,
      severity: changes.severity !== undefined ? changes.severity : policy.severity,
      tier: changes.tier !== undefined ? changes.tier : policy.tier,
      targetMinutes: changes.targetMinutes ?? policy.targetMinutes,
      mode: changes.mode ?? policy.mode,
    };
    if (isDefaultPolicy(policy) && (next.stage !== policy.stage || next.severity !== null || next.tier !== null)) {
      throw conflictWith("A stage's default target stays for any severity and tier; only its target can change.", 'sla.errors.defaultKey', [
        fieldError('stage', 'sla.errors.defaultKey'),
      ]);
    }
    checkTarget(next);
    if (next.stage !== policy.stage || next.severity !== policy.severity || next.tier !== policy.tier) await checkUnique(next, policy.id);
    policy.set(next);
    await policy.save();
    return policy;
  });
}

export async function deleteSlaPolicy(id: string, expectedVersion: number | undefined): Promise<void> {
  await edit(async () => {
    const policy = await SlaPolicy.findByPk(id, { lock: true });
    if (!policy) throw notFound('SLA policy');
    checkVersion(policy.version, expectedVersion);
    if (isDefaultPolicy(policy)) {
      throw conflictWith("A stage's default target cannot be removed; change its target instead.", 'sla.errors.defaultRow', []);
    }
    await policy.destroy();
  });
}

// ---------------------------------------------------------------------------------------------
// Holiday calendar

export interface HolidayInput {
  date: string;
  nameVi: string;
  nameEn: string;
  /** `holiday` (a day off, the default) or `working_day` (a make-up working day on a Saturday or Sunday). */
  kind?: CalendarDayKind;
}

async function checkDateFree(date: string, exceptId?: string): Promise<void> {
  const existing = await Holiday.findOne({ where: { date, ...(exceptId ? { id: { [Op.ne]: exceptId } } : {}) } });
  if (existing) throw conflictWith('This date is already in the holiday calendar.', 'holidays.errors.dateTaken', [fieldError('date', 'holidays.errors.dateTaken')]);
}

/** A make-up working day only means something on a weekly rest day (the calendar's Saturday + Sunday). */
function checkKindOnDate(kind: CalendarDayKind, date: string): void {
  if (kind === 'working_day' && !DEFAULT_WEEKEND.includes(parseIsoDate(date).weekday)) {
    throw validationFailed([fieldError('date', 'holidays.errors.workingDayOnWeekday')], 'A make-up working day is a Saturday or a Sunday; a weekday is a working day already.');
  }
}

const nfc = (s: string) => s.normalize('NFC').trim();

/** Adds a day to the calendar. The sysadmin entered it, so it is never provisional. */
export async function createHoliday(input: HolidayInput): Promise<Holiday> {
  const kind = input.kind ?? 'holiday';
  checkKindOnDate(kind, input.date);
  return edit(async () => {
    await checkDateFree(input.date);
    return Holiday.create({ date: input.date, nameVi: nfc(input.nameVi), nameEn: nfc(input.nameEn), kind, provisional: false });
  });
}

export async function updateHoliday(id: string, expectedVersion: number | undefined, changes: Partial<HolidayInput>): Promise<Holiday> {
  return edit(async () => {
    const holiday = await Holiday.findByPk(id, { lock: true });
    if (!holiday) throw notFound('Holiday');
    checkVersion(holiday.version, expectedVersion);
    checkKindOnDate(changes.kind ?? holiday.kind, changes.date ?? holiday.date);
    if (changes.date !== undefined && changes.date !== holiday.date) await checkDateFree(changes.date, holiday.id);
    if (changes.date !== undefined) holiday.date = changes.date;
    if (changes.nameVi !== undefined) holiday.nameVi = nfc(changes.nameVi);
    if (changes.nameEn !== undefined) holiday.nameEn = nfc(changes.nameEn);
    if (changes.kind !== undefined) holiday.kind = changes.kind;
    await holiday.save();
    return holiday;
  });
}

/** A removed holiday is a real delete of reference data; the model's afterDestroy hook audits it with the row as it was. */
export async function deleteHoliday(id: string, expectedVersion: number | undefined): Promise<void> {
  await edit(async () => {
    const holiday = await Holiday.findByPk(id, { lock: true });
    if (!holiday) throw notFound('Holiday');
    checkVersion(holiday.version, expectedVersion);
    await holiday.destroy();
  });
}

/**
 * The sysadmin confirms that `year`'s calendar matches the published schedule: every provisional
 * day of the year stops being provisional, each with its own `holiday.confirmed` audit event
 * (before/after of `provisional`, the year in the meta) in the one transaction. Confirming a year
 * with nothing provisional changes nothing and writes nothing.
 * @returns the number of days confirmed.
 */
export async function confirmHolidayYear(year: number): Promise<{ year: number; confirmed: number }> {
  return edit(async () => {
    const days = await Holiday.findAll({
      where: { provisional: true, date: { [Op.between]: [`${year}-01-01`, `${year}-12-31`] } },
      order: [['date', 'ASC']],
      lock: true,
    });
    for (const day of days) {
      day.provisional = false;
      await day.save({ auditAction: 'holiday.confirmed', auditMeta: { year } } as object);
    }
    return { year, confirmed: days.length };
  });
}

// ---------------------------------------------------------------------------------------------
// Settings

export interface BusinessHoursSetting {
  start: string;
  end: string;
}

export interface SettingValues {
  recurrence: RecurrenceSetting;
  business_hours: BusinessHoursSetting;
  /** The regulatory report's deadline per category (days from receipt) for the organisation's jurisdiction. */
  reporting_rules: ReportingRules;
  /** The company letterhead on every letter: organisation, address, phone, e-mail, and the city of the date line. */
  letterhead: LetterheadSetting;
  /** The renewal reminders of customers' services: days before the expiry (negative: after), src/domain/renewals.ts. */
  renewal_schedule: RenewalScheduleSetting;
  /** The quality leads: the SLA sweep's 150 % escalation goes to them and the CS directors (src/jobs/slaSweepJob.ts). */
  quality_leads: QualityLeadsSetting;
}

/** Active users named by id; stored sorted, each once. */
export interface QualityLeadsSetting {
  userIds: string[];
}

export interface LetterheadSetting {
  organisationName: string;
  address: string;
  phone: string;
  email: string;
  city: string;
}
export type SettingKey = keyof SettingValues;
export const SETTING_KEYS = ['recurrence', 'business_hours', 'reporting_rules', 'letterhead', 'renewal_schedule', 'quality_leads'] as const satisfies readonly SettingKey[];
/** What a recurrence setting may match on: the category is not one (domain/recurrence.ts). */
export const RECURRENCE_MATCH = RECURRENCE_CRITERIA;

export const isSettingKey = (key: string): key is SettingKey => (SETTING_KEYS as readonly string[]).includes(key);

/** A new value for one setting; the key says the value's shape. */
export type SettingChange = { [K in SettingKey]: { key: K; value: SettingValues[K] } }[SettingKey];

function normalizeSetting(change: SettingChange): SettingChange['value'] {
  if (change.key === 'business_hours') {
    const { start, end } = change.value;
    // HH:mm strings of equal length compare as times.
    if (start >= end) throw validationFailed([fieldError('value.end', 'settings.errors.startBeforeEnd')], 'Business hours must start before they end.');
    return { start, end };
  }
  if (change.key === 'renewal_schedule') {
    const { offsets } = change.value;
    const twice = offsets.findIndex((o, i) => offsets.indexOf(o) !== i);
    if (twice >= 0) throw validationFailed([fieldError('value.offsets', 'settings.renewal.errors.duplicate', { days: offsets[twice] })], 'Each offset of the renewal schedule appears once.');
    return { offsets: normalizeSchedule(offsets) };
  }
  if (change.key === 'quality_leads') return { userIds: [...new Set(change.value.userIds.map((id) => id.toLowerCase()))].sort() };
  if (change.key === 'letterhead') {
    const v = change.value;
    const one = (s: string) => s.normalize('NFC').replace(/\s+/g, ' ').trim();
    return { organisationName: one(v.organisationName), address: one(v.address), phone: one(v.phone), email: one(v.email).toLowerCase(), city: one(v.city) };
  }
  if (change.key === 'reporting_rules') {
    const { jurisdiction, days } = change.value;
    return { jurisdiction: jurisdiction.trim(), days: Object.fromEntries(REPORT_CATEGORIES.map((c) => [c, days[c]])) as ReportingRules['days'] };
  }
  // Stored in a fixed order without repeats, so an equal choice is no change.
  const { periodDays, match } = change.value;
  return { periodDays, match: RECURRENCE_MATCH.filter((m) => match.includes(m)) };
}

/** Every quality lead is a known, active user (400 naming the first that is not). */
async function checkQualityLeads(userIds: readonly string[]): Promise<void> {
  if (userIds.length === 0) return;
  const known = new Set((await User.findAll({ where: { id: { [Op.in]: [...new Set(userIds)] }, active: true }, attributes: ['id'] })).map((u) => u.id));
  const index = userIds.findIndex((id) => !known.has(id));
  if (index >= 0) throw validationFailed([fieldError(`value.userIds.${index}`, 'settings.qualityLeads.errors.unknownUser')], 'Each quality lead is an active user.');
}

/**
 * Replaces a setting's value (creating the row if it was missing). The audit event's entity is
 * the setting; its key travels in the event's meta as well.
 */
export async function updateSetting(change: SettingChange, expectedVersion: number | undefined): Promise<Setting> {
  const value = normalizeSetting(change);
  const { key } = change;
  return edit(async () => {
    // Checked as sent, so an error names the position the caller gave.
    if (change.key === 'quality_leads') await checkQualityLeads(change.value.userIds.map((id) => id.toLowerCase()));
    const setting = await Setting.findByPk(key, { lock: true });
    if (!setting) {
      checkVersion(0, expectedVersion);
      return Setting.create({ key, value }, { auditMeta: { key } } as object);
    }
    checkVersion(setting.version, expectedVersion);
    setting.value = value;
    await setting.save({ auditMeta: { key } } as object);
    return setting;
  });
}
