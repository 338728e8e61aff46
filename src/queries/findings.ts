import { Department, Finding, User } from '../models';
import { presentFinding, type FindingJson, type FindingNames } from '../presenters/findings';

/** The current version of a case's findings (the one no later version supersedes), if any. */
export async function currentFinding(complaintId: string): Promise<Finding | null> {
  const rows = await Finding.findAll({ where: { complaintId }, order: [['recordedAt', 'ASC'], ['id', 'ASC']] });
  const superseded = new Set(rows.map((f) => f.supersedes).filter(Boolean));
  return rows.filter((f) => !superseded.has(f.id)).at(-1) ?? null;
}

async function namesFor(rows: readonly Finding[]): Promise<FindingNames> {
  const userIds = [...new Set(rows.flatMap((f) => [f.recordedBy, f.responsibleUserId]).filter((x): x is string => Boolean(x)))];
  const departmentIds = [...new Set(rows.map((f) => f.responsibleDepartmentId).filter((x): x is string => Boolean(x)))];
  const [users, departments] = await Promise.all([
    userIds.length ? User.findAll({ where: { id: userIds }, attributes: ['id', 'name'] }) : [],
    departmentIds.length ? Department.findAll({ where: { id: departmentIds }, attributes: ['id', 'code', 'name'] }) : [],
  ]);
  return { users: new Map(users.map((u) => [u.id, u.name])), departments: new Map(departments.map((d) => [d.id, { code: d.code, name: d.name }])) };
}

/** Every version of a case's findings, newest first, each saying which version superseded it. */
export async function caseFindings(complaintId: string): Promise<FindingJson[]> {
  const rows = await Finding.findAll({ where: { complaintId }, order: [['recordedAt', 'DESC'], ['id', 'DESC']] });
  const names = await namesFor(rows);
  const successor = new Map(rows.filter((f) => f.supersedes).map((f) => [f.supersedes!, f.id]));
  return rows.map((f) => presentFinding(f, names, successor.get(f.id) ?? null));
}

/** One version as the API answers a recording of it. */
export async function presentRecorded(f: Finding): Promise<FindingJson> {
  return presentFinding(f, await namesFor([f]));
}
