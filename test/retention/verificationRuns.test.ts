import { QueryTypes } from 'sequelize';
import { sequelize } from '../../src/db';
import { AuditEvent } from '../../src/models';
import { retentionReportBatches } from '../../src/queries/retention';
import { signedInAgent, useTestApp } from '../support/app';
import { sealedTestArchive } from '../support/archives';
import { signedIn } from '../support/factories';

const t = useTestApp();

async function superuser(sql: string, bind: unknown[]) {
  await sequelize().transaction(async (tx) => {
    await sequelize().query('SET LOCAL session_replication_role = replica', { transaction: tx });
    await sequelize().query(sql, { bind, transaction: tx });
  });
}

async function reportRows() {
  const rows = [];
  for await (const batch of retentionReportBatches()) rows.push(...batch);
  return new Map(rows.map((r) => [r.id, r]));
}

describe('the verification runs behind the retention report', () => {
  it('records each run with the cases its failures name; the report gives each archive the latest run’s result, none when sealed after it', async () => {
    const auditor = await signedIn(['auditor']);
    const intact = await sealedTestArchive();
    const tampered = await sealedTestArchive();
    expect((await reportRows()).get(intact.archive.id)).toMatchObject({ verification: null, verifiedAt: null });

    const first = await t.request().get('/api/v1/archives/verify').set(auditor.auth);
    expect(first.body).toMatchObject({ ok: true, failures: [] });
    expect((await reportRows()).get(tampered.archive.id)).toMatchObject({ verification: 'ok', verifiedAt: expect.any(Date) });

    await superuser(`UPDATE archives SET snapshot = replace(snapshot, '"closed"', '"open"') WHERE id = $1`, [tampered.archive.id]);
    const second = await t.request().get('/api/v1/archives/verify').set(auditor.auth);
    expect(second.body.ok).toBe(false);
    const later = await sealedTestArchive();
    const rows = await reportRows();
    expect(rows.get(intact.archive.id)!.verification).toBe('ok');
    expect(rows.get(tampered.archive.id)!.verification).toBe('failed');
    expect(rows.get(later.archive.id)).toMatchObject({ verification: null, verifiedAt: null });

    const runs = await sequelize().query<{ ok: boolean; via: string; run_by: string; failed_complaints: string[] }>(
      'SELECT ok, via, run_by, failed_complaints FROM archive_verifications ORDER BY id',
      { type: QueryTypes.SELECT },
    );
    expect(runs).toEqual([
      { ok: true, via: 'api', run_by: auditor.user.id, failed_complaints: [] },
      { ok: false, via: 'api', run_by: auditor.user.id, failed_complaints: expect.arrayContaining([tampered.complaint.id]) },
    ]);
    expect(runs[1].failed_complaints).not.toContain(intact.complaint.id);
    expect(await AuditEvent.count({ where: { action: 'archive.verified', actorId: auditor.user.id } })).toBe(2);
    // A run is never rewritten.
    await expect(sequelize().query('UPDATE archive_verifications SET ok = true')).rejects.toMatchObject({ parent: { code: 'CB001' } });
  });

  it('the auditor’s page records its run too', async () => {
    const { agent } = await signedInAgent(t.app, ['auditor']);
    const page = await agent.get('/archives/verify');
    expect(page.status).toBe(200);
    const [{ n }] = await sequelize().query<{ n: number }>(`SELECT count(*)::int AS n FROM archive_verifications WHERE via = 'page'`, { type: QueryTypes.SELECT });
    expect(n).toBe(1);
  });
});
