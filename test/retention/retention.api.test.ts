import { QueryTypes } from 'sequelize';
import { sequelize } from '../../src/db';
import { retentionUntil } from '../../src/commands/archives';
import { verifyArchives } from '../../src/commands/archiveVerifier';
import { verifyAuditTrail } from '../../src/commands/auditVerifier';
import { Archive, AuditEvent } from '../../src/models';
import { useTestApp } from '../support/app';
import { sealedTestArchive } from '../support/archives';
import { signedIn } from '../support/factories';

const t = useTestApp();
const UNKNOWN = '00000000-0000-4000-8000-000000000000';
type Auth = Record<string, string>;

let auditor: Awaited<ReturnType<typeof signedIn>>;
let legal: Awaited<ReturnType<typeof signedIn>>;
let sysadmin: Awaited<ReturnType<typeof signedIn>>;
let quality: Awaited<ReturnType<typeof signedIn>>;
beforeAll(async () => {
  auditor = await signedIn(['auditor']);
  legal = await signedIn(['legal'], { name: 'Trần Thị Pháp Chế' });
  sysadmin = await signedIn(['sysadmin']);
  quality = await signedIn(['quality']);
});

const putClass = (auth: Auth, key: string, body: unknown) => t.request().put(`/api/v1/retention-classes/${key}`).set(auth).send(body as object);
const hold = (auth: Auth, id: string, body: unknown) => t.request().post(`/api/v1/archives/${id}/legal-hold`).set(auth).send(body as object);
const review = (auth: Auth, query = '') => t.request().get(`/api/v1/archives/retention-review${query}`).set(auth);
const classes = async () => (await t.request().get('/api/v1/retention-classes').set(sysadmin.auth)).body.items as Array<{ key: string; years: number; version: number }>;
const classOf = async (key: string) => (await classes()).find((c) => c.key === key)!;

describe('GET /retention-classes', () => {
  it('lists the seeded classes to auditor, legal and sysadmin', async () => {
    for (const who of [auditor, legal, sysadmin]) {
      const res = await t.request().get('/api/v1/retention-classes').set(who.auth);
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ key: 'default', years: 5, description: expect.any(String) }),
          expect.objectContaining({ key: 'regulatory_report', years: 10 }),
        ]),
      );
    }
  });

  it('is 401 without a session and 403 for other roles', async () => {
    expect((await t.request().get('/api/v1/retention-classes')).status).toBe(401);
    expect((await t.request().get('/api/v1/retention-classes').set(quality.auth)).status).toBe(403);
  });
});

describe('PUT /retention-classes/:key', () => {
  it('refuses: 401, 403 (not sysadmin), 400 bad years, 404 unknown key, 409 stale version — nothing written', async () => {
    const before = await classOf('regulatory_report');
    expect((await t.request().put('/api/v1/retention-classes/regulatory_report').send({ years: 3 })).status).toBe(401);
    expect((await putClass(auditor.auth, 'regulatory_report', { years: 3 })).status).toBe(403);
    expect((await putClass(legal.auth, 'regulatory_report', { years: 3 })).status).toBe(403);
    for (const bad of [{ years: -1 }, { years: 2.5 }, { years: '7' }, {}, { years: 3, extra: true }]) {
      const res = await putClass(sysadmin.auth, 'regulatory_report', bad);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
    }
    expect((await putClass(sysadmin.auth, 'no_such_class', { years: 3 })).status).toBe(404);
    const stale = await putClass(sysadmin.auth, 'regulatory_report', { years: 3, version: before.version + 5 });
    expect(stale.status).toBe(409);
    const staleHeader = await putClass(sysadmin.auth, 'regulatory_report', { years: 3 }).set('If-Match', String(before.version + 5));
    expect(staleHeader.status).toBe(409);
    expect(await classOf('regulatory_report')).toEqual(before);
  });

  it('changes the years (audited) and applies only to archives sealed afterwards', async () => {
    const sealedBefore = await sealedTestArchive();
    expect(sealedBefore.archive.retentionUntil.toISOString()).toBe(retentionUntil(sealedBefore.archive.closedAt, 5).toISOString());
    const current = await classOf('default');
    const res = await putClass(sysadmin.auth, 'default', { years: 7, description: 'Bảy năm sau khi đóng hồ sơ', version: current.version });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ key: 'default', years: 7, description: 'Bảy năm sau khi đóng hồ sơ', version: current.version + 1 });
    const event = await AuditEvent.findOne({ where: { action: 'retention_class.updated', entityId: 'default' }, order: [['occurredAt', 'DESC']] });
    expect(event).not.toBeNull();
    expect(event!.actorId).toBe(sysadmin.user.id);

    const sealedAfter = await sealedTestArchive();
    expect(sealedAfter.archive.retentionUntil.toISOString()).toBe(retentionUntil(sealedAfter.archive.closedAt, 7).toISOString());
    // The archive sealed before keeps its date.
    const reread = await Archive.findByPk(sealedBefore.archive.id);
    expect(reread!.retentionUntil.toISOString()).toBe(sealedBefore.archive.retentionUntil.toISOString());
    // Back to five years for the other tests.
    expect((await putClass(sysadmin.auth, 'default', { years: 5 })).status).toBe(200);
    expect((await verifyAuditTrail()).failures).toEqual([]);
  });

  it('two sysadmins editing the same version at once: one wins, the other gets 409', async () => {
    const current = await classOf('regulatory_report');
    const results = await Promise.all([11, 12, 13].map((years) => putClass(sysadmin.auth, 'regulatory_report', { years, version: current.version })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    const after = await classOf('regulatory_report');
    expect(after.version).toBe(current.version + 1);
    expect((await putClass(sysadmin.auth, 'regulatory_report', { years: 10 })).status).toBe(200);
  });
});

describe('POST /archives/:id/legal-hold', () => {
  it('refuses: 401, 403 for every role but legal, 400 without a reason, 404 unknown archive', async () => {
    const { archive } = await sealedTestArchive();
    expect((await t.request().post(`/api/v1/archives/${archive.id}/legal-hold`).send({ hold: true, reason: 'x' })).status).toBe(401);
    for (const who of [auditor, sysadmin, quality]) expect((await hold(who.auth, archive.id, { hold: true, reason: 'Tranh chấp' })).status).toBe(403);
    for (const bad of [{ hold: true }, { hold: true, reason: '   ' }, { hold: 'yes', reason: 'Tranh chấp' }, { reason: 'Tranh chấp' }]) {
      const res = await hold(legal.auth, archive.id, bad);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
    }
    expect((await hold(legal.auth, UNKNOWN, { hold: true, reason: 'Tranh chấp' })).status).toBe(404);
    expect((await hold(legal.auth, 'not-a-uuid', { hold: true, reason: 'Tranh chấp' })).status).toBe(404);
    expect((await Archive.findByPk(archive.id))!.legalHold).toBe(false);
  });

  it('legal places a hold (audited under the case), a second hold is 409, then releases it; releasing again is 409', async () => {
    const { archive, complaint } = await sealedTestArchive();
    const reason = 'Khách hàng khởi kiện tại Tòa án nhân dân quận 1';
    const placed = await hold(legal.auth, archive.id, { hold: true, reason });
    expect(placed.status).toBe(200);
    expect(placed.body).toMatchObject({ id: archive.id, complaintId: complaint.id, reference: complaint.reference, legalHold: true, legalHoldReason: reason, legalHoldBy: legal.user.id, legalHoldByName: 'Trần Thị Pháp Chế', retentionClass: 'default', disposedAt: null });
    expect(placed.body.legalHoldAt).toEqual(expect.any(String));
    const again = await hold(legal.auth, archive.id, { hold: true, reason });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('conflict');

    const events = await AuditEvent.findAll({ where: { complaintId: complaint.id, action: 'archive.legal_hold_placed' } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ entityType: 'Archive', entityId: archive.id, actorId: legal.user.id });

    const released = await hold(legal.auth, archive.id, { hold: false, reason: 'Vụ kiện đã kết thúc' });
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({ legalHold: false, legalHoldReason: null, legalHoldAt: null });
    expect(await AuditEvent.count({ where: { complaintId: complaint.id, action: 'archive.legal_hold_released' } })).toBe(1);
    expect((await hold(legal.auth, archive.id, { hold: false, reason: 'lần nữa' })).status).toBe(409);
    // The sealed snapshot did not move.
    expect((await Archive.findByPk(archive.id))!.sha256).toBe(archive.sha256);
    // The trail still replays the archive row and the archive chain still verifies.
    expect((await verifyAuditTrail()).failures).toEqual([]);
    expect((await verifyArchives()).failures).toEqual([]);
  });

  it('parallel holds on one archive: exactly one is placed', async () => {
    const { archive, complaint } = await sealedTestArchive();
    const results = await Promise.all([1, 2, 3, 4].map((n) => hold(legal.auth, archive.id, { hold: true, reason: `Yêu cầu số ${n}` })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409]);
    expect(await AuditEvent.count({ where: { complaintId: complaint.id, action: 'archive.legal_hold_placed' } })).toBe(1);
  });
});

describe('GET /archives/retention-review', () => {
  /** Time passing: the retention date moved into the past, as a superuser (the archive is sealed for the app). */
  const makeDue = async (id: string, daysAgo: number) => {
    await sequelize().query('ALTER TABLE archives DISABLE TRIGGER archives_lock');
    await sequelize().query("UPDATE archives SET retention_until = now() - make_interval(days => $2) WHERE id = $1", { bind: [id, daysAgo], type: QueryTypes.UPDATE });
    await sequelize().query('ALTER TABLE archives ENABLE TRIGGER archives_lock');
  };

  it('refuses 401, 403 and a bad query 400', async () => {
    expect((await t.request().get('/api/v1/archives/retention-review')).status).toBe(401);
    expect((await review(quality.auth)).status).toBe(403);
    expect((await review(auditor.auth, '?withinDays=-1')).status).toBe(400);
    expect((await review(auditor.auth, '?cursor=nonsense')).status).toBe(400);
  });

  it('lists archives due (or due within N days), soonest first, with the hold; sysadmin sees metadata only; keyset pages', async () => {
    const due = await sealedTestArchive();
    const older = await sealedTestArchive();
    const notDue = await sealedTestArchive();
    await makeDue(due.archive.id, 1);
    await makeDue(older.archive.id, 30);
    expect((await hold(legal.auth, due.archive.id, { hold: true, reason: 'Thanh tra đang xem xét' })).status).toBe(200);

    const res = await review(auditor.auth);
    expect(res.status).toBe(200);
    const ids = res.body.items.map((a: { id: string }) => a.id);
    expect(ids).toEqual([older.archive.id, due.archive.id]);
    expect(res.body.items[1]).toMatchObject({ legalHold: true, legalHoldReason: 'Thanh tra đang xem xét', reference: due.complaint.reference });

    const admin = await review(sysadmin.auth);
    expect(admin.status).toBe(200);
    expect(admin.body.items[1].legalHold).toBe(true);
    expect(admin.body.items[1]).not.toHaveProperty('legalHoldReason');
    expect(JSON.stringify(admin.body)).not.toContain('snapshot');

    const within = await review(legal.auth, '?withinDays=1900');
    expect(within.body.items.map((a: { id: string }) => a.id)).toContain(notDue.archive.id);

    const first = await review(auditor.auth, '?limit=1');
    expect(first.body.items.map((a: { id: string }) => a.id)).toEqual([older.archive.id]);
    const second = await review(auditor.auth, `?limit=1&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((a: { id: string }) => a.id)).toEqual([due.archive.id]);
    expect(second.body.nextCursor).toBeNull();
  });
});
