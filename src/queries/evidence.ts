import { Op } from 'sequelize';
import { Evidence, User } from '../models';
import { presentEvidence, type EvidenceJson } from '../presenters/evidence';

/** A case's evidence, withdrawn pieces included, in upload order, with the names of who uploaded and withdrew each. */
export async function caseEvidence(complaintId: string): Promise<EvidenceJson[]> {
  const rows = await Evidence.findAll({ where: { complaintId }, order: [['createdAt', 'ASC'], ['id', 'ASC']] });
  const ids = [...new Set(rows.flatMap((e) => [e.uploadedBy, e.withdrawnBy]).filter((x): x is string => Boolean(x)))];
  const users = new Map(ids.length ? (await User.findAll({ where: { id: ids }, attributes: ['id', 'name'] })).map((u) => [u.id, u.name]) : []);
  return rows.map((e) => presentEvidence(e, users));
}

/** How many pieces of evidence the case has that are not withdrawn (a fact for the procedure's guards). */
export async function evidenceCount(complaintId: string): Promise<number> {
  return Evidence.count({ where: { complaintId, withdrawnAt: { [Op.is]: null } } });
}

export async function findEvidence(id: string): Promise<Evidence | null> {
  return Evidence.findByPk(id);
}

/** One piece of evidence as the case detail shows it (with its people's names). */
export async function presentOne(e: Evidence): Promise<EvidenceJson> {
  const ids = [e.uploadedBy, e.withdrawnBy].filter((x): x is string => Boolean(x));
  const users = new Map(ids.length ? (await User.findAll({ where: { id: ids }, attributes: ['id', 'name'] })).map((u) => [u.id, u.name]) : []);
  return presentEvidence(e, users);
}
