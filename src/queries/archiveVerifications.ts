import { QueryTypes } from 'sequelize';
import { sequelize } from '../db';

/** The latest recorded verification run (migration 0027). */
export interface VerificationRun {
  id: number;
  startedAt: Date;
  finishedAt: Date;
  ok: boolean;
  checked: number;
  failureCount: number;
  failedComplaints: ReadonlySet<string>;
}

export async function latestVerification(): Promise<VerificationRun | null> {
  const [row] = await sequelize().query<{ id: string; startedAt: Date; finishedAt: Date; ok: boolean; checked: number; failureCount: number; failedComplaints: string[] }>(
    `SELECT id, started_at AS "startedAt", finished_at AS "finishedAt", ok, checked, failure_count AS "failureCount", failed_complaints AS "failedComplaints"
       FROM archive_verifications ORDER BY started_at DESC, id DESC LIMIT 1`,
    { type: QueryTypes.SELECT },
  );
  return row ? { ...row, id: Number(row.id), failedComplaints: new Set(row.failedComplaints) } : null;
}

/** An archive's result in `run`: none when the run started before it was sealed (it did not cover it). */
export function verificationOf(run: VerificationRun | null, a: { complaintId: string; sealedAt: Date }): { verification: 'ok' | 'failed' | null; verifiedAt: Date | null } {
  if (!run || run.startedAt.getTime() < a.sealedAt.getTime()) return { verification: null, verifiedAt: null };
  return { verification: run.failedComplaints.has(a.complaintId) ? 'failed' : 'ok', verifiedAt: run.finishedAt };
}
