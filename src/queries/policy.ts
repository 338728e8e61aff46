import type { BusinessHours } from '../domain/calendar';
import type { ClockContext, StageTarget } from '../domain/deadlines';
import type { Severity, Tier } from '../domain/entries';
import { DEFAULT_WEEKEND, makeCalendar, type HolidayCalendar } from '../domain/holidays';
import { readRecurrenceSetting, type RecurrenceSetting } from '../domain/recurrence';
import { readReportingRules, type ReportingRules } from '../domain/regulatory';
import type { SlaStage } from '../domain/workflow';
import type { Sequelize } from 'sequelize';
import { sequelize } from '../db';
import { Holiday, Setting, SlaPolicy } from '../models';

export type { RecurrenceSetting };

interface Snapshot {
  loadedAt: number;
  policies: SlaPolicy[];
  /**
   * Built once per snapshot: parsing the holiday dates on every intake costs more than the rest of
   * the clocks. Holds the days off and the make-up working days (`kind = 'working_day'`).
   */
  calendar: HolidayCalendar;
  hours: BusinessHours;
  recurrence: RecurrenceSetting;
  reportingRules: ReportingRules;
}

/**
 * SLA policy, holiday calendar and settings change rarely and are read on every intake and
 * transition, so each process keeps them for a short while. An edit in this process
 * invalidates at once; other instances see it within TTL_MS. The snapshot belongs to the
 * database it was read from: a process that opens another one (a CLI command, each test file of a
 * worker) never applies the first one's calendar.
 */
const TTL_MS = 60_000;
let snapshot: Promise<Snapshot> | undefined;
let snapshotAt = 0;
let snapshotOf: Sequelize | undefined;

async function load(): Promise<Snapshot> {
  // One after the other: called inside a transaction, all three run on its single connection.
  const policies = await SlaPolicy.findAll();
  const days = await Holiday.findAll({ attributes: ['date', 'kind'] });
  const settings = await Setting.findAll();
  const setting = <T>(key: string, fallback: T): T => (settings.find((s) => s.key === key)?.value as T | undefined) ?? fallback;
  return {
    loadedAt: Date.now(),
    policies,
    calendar: makeCalendar(
      days.filter((d) => d.kind !== 'working_day').map((d) => d.date),
      DEFAULT_WEEKEND,
      days.filter((d) => d.kind === 'working_day').map((d) => d.date),
    ),
    hours: setting<BusinessHours>('business_hours', { start: '08:00', end: '17:00' }),
    // A value stored before migration 0006 may still name `category`: it is ignored.
    recurrence: readRecurrenceSetting(settings.find((s) => s.key === 'recurrence')?.value),
    // Missing (or partly missing): the defaults of src/domain/regulatory.ts.
    reportingRules: readReportingRules(settings.find((s) => s.key === 'reporting_rules')?.value),
  };
}

function current(): Promise<Snapshot> {
  const from = sequelize();
  if (!snapshot || snapshotOf !== from || Date.now() - snapshotAt > TTL_MS) {
    snapshotAt = Date.now();
    snapshotOf = from;
    snapshot = load().catch((err: unknown) => {
      snapshot = undefined;
      throw err;
    });
  }
  return snapshot;
}

/** Call after editing the SLA policy, the holidays or a setting. */
export function invalidatePolicyCache(): void {
  snapshot = undefined;
}

export async function clockContext(zone: string): Promise<ClockContext> {
  const s = await current();
  return { zone, calendar: s.calendar, hours: s.hours };
}

/**
 * The target for a stage: the most specific policy row for (severity, tier) wins —
 * both given, then severity only, then tier only, then the stage default.
 */
export async function stageTarget(stage: SlaStage, severity: Severity, tier: Tier): Promise<StageTarget | null> {
  const { policies } = await current();
  const rows = policies.filter((p) => p.stage === stage);
  const pick =
    rows.find((p) => p.severity === severity && p.tier === tier) ??
    rows.find((p) => p.severity === severity && p.tier === null) ??
    rows.find((p) => p.severity === null && p.tier === tier) ??
    rows.find((p) => p.severity === null && p.tier === null);
  return pick ? { minutes: pick.targetMinutes, mode: pick.mode } : null;
}

export async function recurrenceSetting(): Promise<RecurrenceSetting> {
  return (await current()).recurrence;
}

/** The regulatory reporting rules (the `reporting_rules` setting, or its defaults). */
export async function reportingRules(): Promise<ReportingRules> {
  return (await current()).reportingRules;
}
