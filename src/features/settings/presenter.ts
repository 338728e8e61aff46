import { isDefaultPolicy } from '../../commands/settings';
import type { Holiday, Setting, SlaPolicy } from '../../models';

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
  return { id: h.id, date: h.date, nameVi: h.nameVi, nameEn: h.nameEn, version: h.version };
}
export type HolidayJson = ReturnType<typeof presentHoliday>;

export function presentSetting(s: Setting) {
  return { key: s.key, value: s.value, version: s.version, updatedAt: s.updatedAt.toISOString() };
}
