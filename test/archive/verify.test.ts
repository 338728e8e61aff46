import { QueryTypes } from 'sequelize';
import { sequelize } from '../../src/db';
import { verifyArchives } from '../../src/commands/archiveVerifier';
import { useTestApp } from '../support/app';
import { closedTestCase, sealedTestArchive } from '../support/archives';
import { signedIn } from '../support/factories';
import { issueTestLetter } from '../support/letters';
import { asActor } from '../support/context';
import { SEALING_JOB, sealCase } from '../../src/commands/archives';
import { binaryNoise, uploadVia } from '../evidence/helpers';

const t = useTestApp();

/** The database superuser, who can bypass every trigger (session_replication_role = replica). */
async function asSuperuser(sql: string, bind: unknown[] = []) {
  await sequelize().transaction(async (tx) => {
    await sequelize().query('SET LOCAL session_replication_role = replica', { transaction: tx });
    await sequelize().query(sql, { bind, transaction: tx });
  });
}

const ids = (failures: Array<{ id: string; reason: string }>) => failures.map((f) => `${f.id} — ${f.reason}`);

describe('archive verification', () => {
  let quality: Awaited<ReturnType<typeof signedIn>>;
  let auditor: Awaited<ReturnType<typeof signedIn>>;
  beforeAll(async () => {
    quality = await signedIn(['quality']);
    auditor = await signedIn(['auditor']);
  });

  it('GET /archives/verify: 401, 403 for quality, ok for the auditor on an intact database', async () => {
    await sealedTestArchive();
    expect((await t.request().get('/api/v1/archives/verify')).status).toBe(401);
    expect((await t.request().get('/api/v1/archives/verify').set(quality.auth)).status).toBe(403);
    const res = await t.request().get('/api/v1/archives/verify').set(auditor.auth);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, checked: expect.any(Number), failures: [] });
    expect(res.body.checked).toBeGreaterThan(1);
  });

  it('names each tampering by the superuser: a snapshot, an evidence chunk, a letter PDF, an audit event, a chain gap — and never crashes', async () => {
    // A case with evidence of several chunks and a letter, sealed.
    const c = await closedTestCase();
    const bytes = Buffer.concat([Buffer.from('%PDF-1.4\n'), binaryNoise(600 * 1024)]);
    const up = await uploadVia(t.app, quality.auth, c.id, 'bien-ban.pdf', bytes);
    expect(up.status).toBe(201);
    const letter = await issueTestLetter(c.id, 'closure');
    const archive = await asActor(() => sealCase(c.id, SEALING_JOB));
    const second = await sealedTestArchive();
    const third = await sealedTestArchive();
    expect((await verifyArchives()).failures).toEqual([]);

    // 1. An edited snapshot.
    await asSuperuser(`UPDATE archives SET snapshot = replace(snapshot, $2, 'KN-FORGED') WHERE id = $1`, [archive.id, c.reference]);
    // 2. One evidence chunk's bytes.
    const [{ chunkSet }] = await sequelize().query<{ chunkSet: string }>(
      'SELECT b.chunk_set AS "chunkSet" FROM evidence_blobs b JOIN evidence e ON e.blob_sha256 = b.sha256 WHERE e.id = $1',
      { bind: [up.body.id], type: QueryTypes.SELECT },
    );
    await asSuperuser(`UPDATE evidence_blob_chunks SET data = overlay(data placing '\\x00ff'::bytea from 10) WHERE chunk_set = $1 AND seq = 1`, [chunkSet]);
    // 3. A letter's bytes.
    await asSuperuser(`UPDATE letter_pdfs SET bytes = overlay(bytes placing '\\x2020'::bytea from 20) WHERE sha256 = $1`, [letter.sha256]);
    // 4. An audit event's body.
    await asSuperuser(`UPDATE audit_events SET action = 'archive.forged' WHERE entity_type = 'Archive' AND entity_id = $1`, [second.archive.id]);
    // 5. A malformed snapshot with its hash recomputed (so only the JSON is wrong), and a gap in the chain.
    await asSuperuser(`UPDATE archives SET snapshot = 'not json', sha256 = encode(sha256('not json'::bytea), 'hex') WHERE id = $1`, [second.archive.id]);
    await asSuperuser(`UPDATE archives SET position = position + 5 WHERE id = $1`, [third.archive.id]);

    const report = await verifyArchives();
    expect(report.ok).toBe(false);
    const found = ids(report.failures);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^archive:${archive.id} \\(${c.reference}\\) — the snapshot does not match its sha256`)),
        expect.stringMatching(new RegExp(`^evidence_blob:[0-9a-f]{64} \\(evidence ${up.body.id} of ${c.reference}\\) — its bytes do not match`)),
        expect.stringMatching(new RegExp(`^letter_pdf:${letter.sha256} \\(letter ${letter.id} of ${c.reference}\\) — its bytes do not match`)),
        expect.stringMatching(new RegExp(`^archive:${second.archive.id} .* — the snapshot is not valid JSON`)),
        expect.stringMatching(new RegExp(`^archive:${third.archive.id} .* — position \\d+ where \\d+ was expected`)),
        expect.stringMatching(new RegExp(`^archive:${second.archive.id} .* — prevSha256|^archive:${third.archive.id} .* — prevSha256`)),
      ]),
    );
    // The audit event's tampering, from the audit trail's own verification.
    expect(found).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`event 1 of Archive:${second.archive.id} was altered`))]));

    // Missing bytes are a failure too, not a crash.
    await asSuperuser('DELETE FROM evidence_blob_chunks WHERE chunk_set = $1 AND seq = 0', [chunkSet]);
    const again = await verifyArchives();
    expect(ids(again.failures)).toEqual(expect.arrayContaining([expect.stringMatching(/^evidence_blob:.* — chunk 0 of \d+ is missing/)]));
    const api = await t.request().get('/api/v1/archives/verify').set(auditor.auth);
    expect(api.status).toBe(200);
    expect(api.body.ok).toBe(false);
    expect(api.body.failures.length).toBe(again.failures.length);
  });
});
