import type { Finding } from '../models';
import type { RecurringWith } from '../models/Finding';

/** The names a presented finding shows beside ids: people and departments. */
export interface FindingNames {
  users: ReadonlyMap<string, string>;
  departments: ReadonlyMap<string, { code: string; name: string }>;
}

/**
 * One version of a case's findings as the case detail lists it (`findings` of GET /complaints/:id,
 * newest first). `responsibleUserId`, `responsiblePerson` and `disciplinaryMeasure` are restricted
 * fields (src/policies/fieldRules.ts): whoever shows this to a reader passes it through `redactFields('Finding', …)`.
 */
export function presentFinding(f: Finding, names: FindingNames, supersededBy: string | null = null) {
  const person = (id: string | null) => (id ? { id, name: names.users.get(id) ?? '' } : null);
  const department = f.responsibleDepartmentId ? { id: f.responsibleDepartmentId, ...(names.departments.get(f.responsibleDepartmentId) ?? { code: '', name: '' }) } : null;
  return {
    id: f.id,
    complaintId: f.complaintId,
    round: f.round,
    substantiated: f.substantiated,
    rootCause: f.rootCause,
    recurring: f.recurring,
    recurringWith: f.recurringWith as RecurringWith[],
    responsibleDepartment: department,
    responsibleUserId: f.responsibleUserId,
    responsiblePerson: f.responsiblePerson,
    disciplinaryMeasure: f.disciplinaryMeasure,
    noEvidenceReason: f.noEvidenceReason,
    supersedes: f.supersedes,
    supersededBy,
    current: supersededBy === null,
    recordedBy: person(f.recordedBy),
    recordedAt: f.recordedAt.toISOString(),
    version: f.version,
  };
}
export type FindingJson = ReturnType<typeof presentFinding>;

/** What the case page's findings panel shows (views/partials/findings-panel.hbs): the list already redacted for the reader. */
export function findingsPanel(findings: ReadonlyArray<Partial<FindingJson>>, options: { complaintId: string; canRecord: boolean }) {
  const [current, ...earlier] = findings;
  return { complaintId: options.complaintId, current: current?.current ? current : null, earlier: current?.current ? earlier : findings, canRecord: options.canRecord };
}
