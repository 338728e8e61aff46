import { isDefaultPolicy } from '../commands/settings';
import { readRecurrenceSetting } from '../domain/recurrence';
import type { Holiday, Setting, SlaPolicy } from '../models';

export function presentSlaPolicy(p: SlaPolicy) {
  return {
    id: p.id,
    stage: p.stage,
    severity: p.severity,
    tier: p.tier,
    targetMinutes: p.targetMinutes,
    mode: p.mode,
    isDefault: isDefaultPolicy(p),
    version: p.version,
    updatedAt: p.updatedAt.toISOString(),
  };
}
export type SlaPolicyJson = ReturnType<typeof presentSlaPolicy>;

export function presentHoliday(h: Holiday) {
  return { id: h.id, date: h.date, nameVi: h.nameVi, nameEn: h.nameEn, kind: h.kind, provisional: h.provisional, version: h.version };
}
export type HolidayJson = ReturnType<typeof presentHoliday>;

/** A recurrence value stored before migration 0006 may still name `category`: shown as intake reads it, without. */
export function presentSetting(s: Setting) {
  const value = s.key === 'recurrence' ? readRecurrenceSetting(s.value) : s.value;
  return { key: s.key, value, version: s.version, updatedAt: s.updatedAt.toISOString() };
}
