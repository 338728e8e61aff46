/**
 * Renewal reminders of a customer's services (PRODUCT.md "Customers and customer care"; the care
 * procedure's Bước 3). Pure rules: the schedule, each reminder's window, the next reminder.
 *
 * A schedule is a list of offsets in days before the expiry date (negative: after it). Each offset
 * is due on `expiry − offset`, a calendar day in the organisation's zone. A reminder missed on its
 * day (the app was down) is still sent while it is meaningful: until the next offset of the
 * schedule is due (from then on the next one is sent instead — never a stale one and a fresh one
 * together); the last offset is caught up for `LAST_REMINDER_GRACE_DAYS` days.
 */

/** The service kinds a customer may have (frozen in migration 0024's CHECK). */
export const SERVICE_KINDS = ['domain', 'hosting', 'email', 'ssl', 'software', 'maintenance', 'warranty', 'other'] as const;
export type ServiceKind = (typeof SERVICE_KINDS)[number];

/** The care procedure's schedule: 30, 18, 15 and 3 days before the expiry, 1 and 4 days after. */
export const DEFAULT_RENEWAL_SCHEDULE: readonly number[] = Object.freeze([30, 18, 15, 3, -1, -4]);
export const RENEWAL_OFFSET_MIN = -365;
export const RENEWAL_OFFSET_MAX = 365;
export const RENEWAL_SCHEDULE_MAX = 12;
/** How long a missed last reminder (the schedule's latest day) is still sent. */
export const LAST_REMINDER_GRACE_DAYS = 7;

/** The setting `renewal_schedule`: `{offsets}` (any order when written; stored descending). */
export interface RenewalScheduleSetting {
  offsets: number[];
}

/** Distinct offsets, latest reminder last: [30, 18, 15, 3, -1, -4]. */
export function normalizeSchedule(offsets: readonly number[]): number[] {
  return [...new Set(offsets)].sort((a, b) => b - a);
}

/** The stored setting as the job and the pages read it; the default when missing or unreadable. */
export function readRenewalSchedule(value: unknown): number[] {
  const offsets = (value as { offsets?: unknown } | null | undefined)?.offsets;
  if (!Array.isArray(offsets) || offsets.length === 0) return [...DEFAULT_RENEWAL_SCHEDULE];
  const ok = offsets.filter((o): o is number => Number.isInteger(o) && o >= RENEWAL_OFFSET_MIN && o <= RENEWAL_OFFSET_MAX);
  return ok.length ? normalizeSchedule(ok) : [...DEFAULT_RENEWAL_SCHEDULE];
}

/** Day arithmetic on ISO dates (YYYY-MM-DD), in UTC: calendar days, no zone involved. */
export function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * For the day `today`: each offset and the expiry dates whose reminder for it is due that day —
 * `lo < expires_on ≤ hi`. `hi = today + offset` (its day has come); `lo` ends the window where the
 * next offset's day has come (`today + next`) or, for the last one, after the grace days.
 * `schedule` is normalized (descending).
 */
export function reminderWindows(schedule: readonly number[], today: string): Array<{ offset: number; lo: string; hi: string }> {
  return schedule.map((offset, i) => {
    const next = i + 1 < schedule.length ? schedule[i + 1] : offset - LAST_REMINDER_GRACE_DAYS;
    return { offset, lo: addDays(today, next), hi: addDays(today, offset) };
  });
}

/**
 * The next reminder of a service expiring on `expiresOn`, seen on `today`: the offset in whose
 * window today falls and that was not sent yet (due today: the job's next run sends it), else the
 * first offset still to come. Null when the schedule is done.
 */
export function nextReminder(schedule: readonly number[], expiresOn: string, today: string, sent: ReadonlySet<number>): { offset: number; on: string } | null {
  for (const w of reminderWindows(schedule, today)) {
    const due = addDays(expiresOn, -w.offset);
    if (due > today) return { offset: w.offset, on: due };
    if (expiresOn > w.lo && expiresOn <= w.hi && !sent.has(w.offset)) return { offset: w.offset, on: today };
  }
  return null;
}
