/**
 * A verification run, recorded (migration 0027): runs the archive verifier, then in one short
 * transaction of its own stores the outcome — with the cases its failures name, so the retention
 * report can say per archive whether the last run found it intact — and its audit event
 * `archive.verified`. No transaction is held while the verifier reads.
 */
import { QueryTypes } from 'sequelize';
import { sequelize, transaction } from '../db';
import * as clock from '../lib/clock';
import { recordAudit } from '../models/AuditEvent';
import { verifyArchives, type ArchiveVerification, type VerifyProgress } from './archiveVerifier';

export type VerificationVia = 'cli' | 'api' | 'page';

/** The failures a run keeps in full (the count and the cases named are always complete). */
const KEPT_FAILURES = 1000;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/**
 * The cases the failures name: a failure's id (and reason) holds the archive, case, event,
 * evidence or letter it is about; each is mapped to its case.
 */
async function casesNamed(failures: ArchiveVerification['failures']): Promise<string[]> {
  const ids = [...new Set(failures.flatMap((f) => `${f.id} ${f.reason}`.match(UUID) ?? []).map((u) => u.toLowerCase()))];
  if (ids.length === 0) return [];
  const rows = await sequelize().query<{ id: string }>(
    `SELECT DISTINCT x.id FROM (
       SELECT id FROM complaints WHERE id = ANY($1::uuid[])
       UNION ALL SELECT complaint_id FROM archives WHERE id = ANY($1::uuid[])
       UNION ALL SELECT complaint_id FROM audit_events WHERE id = ANY($1::uuid[])
       UNION ALL SELECT complaint_id FROM evidence WHERE id = ANY($1::uuid[])
       UNION ALL SELECT complaint_id FROM letters WHERE id = ANY($1::uuid[])) x
      WHERE x.id IS NOT NULL ORDER BY x.id`,
    { bind: [ids], type: QueryTypes.SELECT },
  );
  return rows.map((r) => r.id);
}

/** Runs the verifier and records the run. Returns the report and the run's id. */
export async function verifyAndRecord(via: VerificationVia, runBy: string | null, progress?: VerifyProgress): Promise<ArchiveVerification & { runId: number }> {
  const startedAt = clock.now();
  const report = await verifyArchives(progress);
  const failed = await casesNamed(report.failures);
  const runId = await transaction(async (t) => {
    const [row] = await sequelize().query<{ id: string }>(
      `INSERT INTO archive_verifications (started_at, finished_at, ok, checked, failure_count, failed_complaints, failures, run_by, via)
       VALUES ($1, $2, $3, $4, $5, $6::uuid[], $7::jsonb, $8, $9) RETURNING id`,
      {
        bind: [startedAt, clock.now(), report.ok, report.checked, report.failures.length, failed, JSON.stringify(report.failures.slice(0, KEPT_FAILURES)), runBy, via],
        type: QueryTypes.SELECT,
        transaction: t,
      },
    );
    await recordAudit(
      {
        action: 'archive.verified',
        entityType: 'ArchiveVerification',
        // String: bigint comes back as a number on the embedded database, and the trail names ids as text.
        entityId: String(row.id),
        changes: { after: { ok: report.ok, checked: report.checked, failureCount: report.failures.length, failedCases: failed.length } },
        meta: { via },
      },
      { transaction: t },
    );
    return Number(row.id);
  });
  return { ...report, runId };
}
