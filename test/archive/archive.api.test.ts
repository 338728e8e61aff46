import { QueryTypes } from 'sequelize';
import { sequelize } from '../../src/db';
import { verifyAuditTrail } from '../../src/commands/auditVerifier';
import { canonicalJson, sha256Hex } from '../../src/domain/canonical';
import { ArchiveSealingJob } from '../../src/jobs/archiveSealingJob';
import { manualTick } from '../../src/jobs/CronJob';
import { Archive, AuditEvent, Complaint } from '../../src/models';
import { useTestApp } from '../support/app';
import { resetClock, useFixedClock } from '../../src/lib/clock';
import { closedTestCase } from '../support/archives';
import { buildComplaint, signedIn } from '../support/factories';
import { issueTestLetter } from '../support/letters';
import { PNG, uploadVia } from '../evidence/helpers';

const t = useTestApp();

type Auth = Record<string, string>;
const archive = (auth: Auth, id: string, body: unknown = {}) => t.request().post(`/api/v1/complaints/${id}/archive`).set(auth).send(body as object);

let quality: Awaited<ReturnType<typeof signedIn>>;
beforeAll(async () => {
  quality = await signedIn(['quality']);
});

describe('POST /api/v1/complaints/:id/archive', () => {
  it('seals a closed case: 201 with its hash, a canonical snapshot with the evidence and letter hashes and the audit heads, status archived', async () => {
    const c = await closedTestCase();
    const up = await uploadVia(t.app, quality.auth, c.id, 'anh-chup.png', PNG);
    expect(up.status).toBe(201);
    const letter = await issueTestLetter(c.id, 'closure');
    const res = await archive(quality.auth, c.id);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.any(String), sha256: expect.stringMatching(/^[0-9a-f]{64}$/), prevSha256: null, retentionUntil: expect.any(String), legalHold: false });

    const row = await Archive.findByPk(res.body.id as string, { rejectOnEmpty: true });
    // Canonical (RFC 8785) and exactly what was hashed.
    const snapshot = JSON.parse(row.snapshot) as {
      complaint: Record<string, unknown>;
      customer: { id: string };
      evidence: unknown[];
      evidenceBlobs: unknown[];
      letters: unknown[];
      stages: Array<{ stage: string }>;
      auditHeads: Array<{ chainKey: string; hash: string }>;
    };
    expect(canonicalJson(snapshot)).toBe(row.snapshot);
    expect(sha256Hex(row.snapshot)).toBe(res.body.sha256);
    expect(snapshot.complaint).toMatchObject({ id: c.id, reference: c.reference, status: 'closed' });
    expect(snapshot.customer.id).toBe(c.customerId);
    expect(snapshot.evidence).toEqual([expect.objectContaining({ id: up.body.id, blob_sha256: sha256Hex(PNG) })]);
    expect(snapshot.evidenceBlobs).toEqual([{ sha256: sha256Hex(PNG), size: PNG.length }]);
    expect(snapshot.letters).toEqual([expect.objectContaining({ id: letter.id, sha256: letter.sha256 })]);
    expect(snapshot.stages.map((s) => s.stage)).toEqual(expect.arrayContaining(['intake', 'closed']));
    const heads = await sequelize().query<{ chain_key: string; hash: string }>(`SELECT chain_key, hash FROM audit_chain_heads WHERE chain_key = $1`, { bind: [`Complaint:${c.id}`], type: QueryTypes.SELECT });
    const head = snapshot.auditHeads.find((h) => h.chainKey === `Complaint:${c.id}`);
    // The head at sealing: the archive's own events come after it.
    expect(head).toBeDefined();
    expect(head!.hash).not.toBe(heads[0].hash);
    // Five years after closure (the default class).
    const closed = (await Complaint.findByPk(c.id, { rejectOnEmpty: true })).closedAt!;
    expect(new Date(res.body.retentionUntil as string).getUTCFullYear()).toBe(closed.getUTCFullYear() + 5);
    expect(row.retentionClass).toBe('default');

    const sealed = await Complaint.findByPk(c.id, { rejectOnEmpty: true });
    expect(sealed.status).toBe('archived');
    expect(await AuditEvent.findOne({ where: { entityType: 'Archive', entityId: row.id } })).toMatchObject({ action: 'archive.sealed', complaintId: c.id, actorId: quality.user.id });
    expect(await AuditEvent.findOne({ where: { entityType: 'Complaint', entityId: c.id, action: 'complaint.archived' } })).not.toBeNull();
    expect((await verifyAuditTrail()).failures).toEqual([]);
  });

  it('refuses: 401 unauthenticated, 403 for a role that may not seal, 404 unknown, 400 bad body, 409 open or twice', async () => {
    const c = await closedTestCase();
    expect((await t.request().post(`/api/v1/complaints/${c.id}/archive`).send({})).status).toBe(401);
    const auditor = await signedIn(['auditor']);
    const forbidden = await archive(auditor.auth, c.id);
    expect(forbidden.status).toBe(403);
    expect((await archive(quality.auth, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
    const bad = await archive(quality.auth, c.id, { version: 'one', extra: true });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('validation_failed');
    const open = await buildComplaint({}, quality.user);
    const refused = await archive(quality.auth, open.id);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('invalid_transition');
    const stale = await archive(quality.auth, c.id, { version: c.version + 10 });
    expect(stale.status).toBe(409);
    expect((await archive(quality.auth, c.id)).status).toBe(201);
    const twice = await archive(quality.auth, c.id);
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('conflict');
    expect(await Archive.count({ where: { complaintId: c.id } })).toBe(1);
    expect(await Archive.count({ where: { complaintId: open.id } })).toBe(0);
  });

  it('never forks the chain: 6 parallel sealings of different cases take positions in order, each linked to the one before', async () => {
    const before = await Archive.count();
    const cases = [];
    for (let i = 0; i < 6; i++) cases.push(await closedTestCase());
    const results = await Promise.all(cases.map((c) => archive(quality.auth, c.id)));
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 201]);
    const chain = await Archive.findAll({ order: [['position', 'ASC']], attributes: ['id', 'position', 'sha256', 'prevSha256'] });
    expect(chain.map((a) => a.position)).toEqual(Array.from({ length: before + 6 }, (_, i) => i + 1));
    chain.forEach((a, i) => expect(a.prevSha256).toBe(i === 0 ? null : chain[i - 1].sha256));
    // The same case sealed twice at once: one wins, the other is refused.
    const c = await closedTestCase();
    const both = await Promise.all([archive(quality.auth, c.id), archive(quality.auth, c.id)]);
    expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
  });

  it('locks every record of the sealed case: the API answers 409 immutable_record and the database refuses direct writes', async () => {
    const c = await closedTestCase();
    const up = await uploadVia(t.app, quality.auth, c.id, 'a.png', PNG);
    await issueTestLetter(c.id, 'closure');
    expect((await archive(quality.auth, c.id)).status).toBe(201);

    const withdraw = await t.request().post(`/api/v1/evidence/${up.body.id}/withdraw`).set(quality.auth).send({ reason: 'Tải nhầm tệp' });
    expect(withdraw.status).toBe(409);
    const letter = await t.request().post(`/api/v1/complaints/${c.id}/letters`).set(quality.auth).send({ template: 'closure', channel: 'post' });
    expect(letter.status).toBe(409);
    const evidence = await uploadVia(t.app, quality.auth, c.id, 'b.png', PNG);
    expect(evidence.status).toBe(409);
    expect(evidence.body.code).toBe('immutable_record');
    const sealedEntry = await Complaint.findByPk(c.id, { rejectOnEmpty: true });
    const edit = await t.request().patch(`/api/v1/complaints/${c.id}`).set(quality.auth).set('If-Match', String(sealedEntry.version)).send({ subject: 'Tiêu đề khác', version: sealedEntry.version });
    // The entry's own command refuses first, with the same code as the database's seal.
    expect(edit.status).toBe(409);
    expect(edit.body.code).toBe('immutable_record');
    expect(edit.body.detail).toContain('sealed');
    expect(letter.body.code).toBe('immutable_record');

    const refused = async (sql: string) => {
      try {
        await sequelize().transaction((tx) => sequelize().query(sql, { bind: [c.id], transaction: tx }));
        return null;
      } catch (err) {
        return (err as { parent?: { code?: string } }).parent?.code ?? String(err);
      }
    };
    const locked: string[] = [];
    for (const table of ['evidence', 'findings', 'meetings', 'meeting_assignments', 'signatures', 'letters', 'solutions', 'follow_ups', 'case_clocks', 'complaint_holds', 'action_cases', 'action_contacts', 'regulatory_reviews']) {
      const [{ n }] = await sequelize().query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE complaint_id = $1`, { bind: [c.id], type: QueryTypes.SELECT });
      if (n === 0) continue;
      expect([table, await refused(`UPDATE ${table} SET updated_at = now() WHERE complaint_id = $1`)]).toEqual([table, 'CB001']);
      expect([table, await refused(`DELETE FROM ${table} WHERE complaint_id = $1`)]).toEqual([table, 'CB001']);
      locked.push(table);
    }
    expect(locked).toEqual(expect.arrayContaining(['evidence', 'letters']));
    expect(await refused(`UPDATE complaints SET subject = 'khác' WHERE id = $1`)).toBe('CB001');
    expect(await refused(`UPDATE archives SET snapshot = '{}' WHERE complaint_id = $1`)).toBe('CB001');
    expect(await refused(`UPDATE archives SET sha256 = repeat('0', 64) WHERE complaint_id = $1`)).toBe('CB001');
    expect(await refused(`DELETE FROM archives WHERE complaint_id = $1`)).toBe('CB001');
    // Only the legal hold (and later disposal) may change.
    expect(await refused(`UPDATE archives SET legal_hold = true, legal_hold_reason = 'Tranh chấp', legal_hold_at = now(), version = version + 1 WHERE complaint_id = $1`)).toBeNull();
  });
});

describe('the archive-sealing job', () => {
  it('seals only the closed cases closed at least N days ago, and is recorded as a run', async () => {
    // Closed 31 days ago (the injectable clock), and one closed today.
    useFixedClock(Date.now() - 31 * 86_400_000);
    const old = await closedTestCase({ incidentDate: new Date(Date.now() - 33 * 86_400_000).toISOString().slice(0, 10) });
    resetClock();
    const recent = await closedTestCase();
    const open = await buildComplaint({}, quality.user);
    const outcome = await new ArchiveSealingJob(30).run(manualTick());
    expect(outcome).toMatchObject({ ran: true, status: 'succeeded' });
    expect(outcome.counts?.sealed).toBeGreaterThanOrEqual(1);
    const sealedOld = await Archive.findOne({ where: { complaintId: old.id } });
    expect(sealedOld).toMatchObject({ sealedBy: null });
    expect(await Archive.findOne({ where: { complaintId: recent.id } })).toBeNull();
    expect(await Archive.findOne({ where: { complaintId: open.id } })).toBeNull();
    expect((await Complaint.findByPk(old.id, { rejectOnEmpty: true })).status).toBe('archived');
    expect((await Complaint.findByPk(recent.id, { rejectOnEmpty: true })).status).toBe('closed');
  });
});
