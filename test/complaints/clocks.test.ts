import { QueryTypes } from 'sequelize';
import { legalClocks } from '../../src/domain/deadlines';
import { AuditEvent, CaseClock, Complaint } from '../../src/models';
import { clockContext } from '../../src/queries/policy';
import { runningClocksDueBefore } from '../../src/queries/clocks';
import { useTestApp } from '../support/app';
import { advanceClock, useFixedClock, useTestClock } from '../support/clock';
import { buildComplaint, buildCustomer, buildUser, signedIn } from '../support/factories';
import { proposeTestSolution, recordTestFindings, recordTestFollowUp } from '../support/procedure';
import { issueTestLetter } from '../support/letters';

/**
 * A case's clocks as rows (case_clocks, migration 0011): started at intake in the entry's own
 * statement, met by the acts they wait for, the stage clock replaced on every stage and paused by
 * holds, the unmet ones missed when the case closes — and the running ones found by due time on
 * a partial index.
 */
useTestClock();
const t = useTestApp();
const ZONE = 'Asia/Ho_Chi_Minh';
/** Monday 2 November 2026, 10:00 in Hà Nội. */
const RECEIVED = '2026-11-02T03:00:00.000Z';
const H = 3600_000;
const at = (ms: number) => new Date(Date.parse(RECEIVED) + ms).toISOString();

type Rows = Record<string, CaseClock>;
const clocksOf = async (complaintId: string): Promise<Rows> => Object.fromEntries((await CaseClock.findAll({ where: { complaintId } })).map((r) => [r.kind, r]));
const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

async function entry(customer: { email?: string | null; type?: 'person' | 'company'; tier?: 'vip' } = {}): Promise<Complaint> {
  const by = await buildUser({ roles: ['quality'] });
  return buildComplaint({ incidentDate: '2026-10-30', customerId: (await buildCustomer({ email: 'khach@example.vn', ...customer })).id }, by);
}

let quality: Awaited<ReturnType<typeof signedIn>>;
let director: Awaited<ReturnType<typeof signedIn>>;
beforeAll(async () => {
  quality = await signedIn(['quality']);
  director = await signedIn(['cs_director']);
});

async function move(id: string, body: Record<string, unknown>, auth = quality.auth) {
  const res = await t.request().post(`/api/v1/complaints/${id}/transitions`).set(auth).send(body);
  expect(res.status).toBe(200);
  return res.body as { due: Record<string, string | null>; nextDueAt: string | null; overdue: boolean };
}

describe('intake', () => {
  it('starts every clock of the entry, in the same statement as the entry and its stage visit', async () => {
    useFixedClock(RECEIVED);
    const s = Complaint.sequelize!;
    const customer = await buildCustomer({ email: 'lan@example.vn' });
    const by = await buildUser({ roles: ['quality'] });
    const spy = jest.spyOn(s, 'query');
    let c: Complaint;
    try {
      c = await buildComplaint({ incidentDate: '2026-10-30', customerId: customer.id }, by);
      const writes = spy.mock.calls.map(([sql]) => String(sql)).filter((sql) => sql.includes('case_clocks'));
      expect(writes).toHaveLength(1);
      expect(writes[0]).toContain('INSERT INTO "complaints"');
      expect(writes[0]).toContain('INSERT INTO "complaint_stages"');
      expect(writes[0].match(/INSERT INTO "case_clocks"/g)).toHaveLength(5);
    } finally {
      spy.mockRestore();
    }

    const rows = await clocksOf(c.id);
    expect(Object.keys(rows).sort()).toEqual(['acknowledge', 'firstReply', 'negotiationStart', 'resolution', 'stage']);
    const legal = legalClocks({ receivedAt: new Date(RECEIVED), incidentDate: '2026-10-30', category: 'service_quality', customerType: 'person' }, await clockContext(ZONE));
    expect(Object.fromEntries(Object.values(rows).map((r) => [r.kind, iso(r.dueAt)]))).toEqual({
      acknowledge: at(H), // the intake stage's SLA: 1 hour
      stage: at(H),
      firstReply: at(48 * H),
      resolution: '2026-11-22T16:59:59.999Z', // PRODUCT.md's worked example
      negotiationStart: legal.negotiationStartAt!.toISOString(),
    });
    for (const r of Object.values(rows)) {
      expect(r).toMatchObject({ complaintId: c.id, startedAt: new Date(RECEIVED), metAt: null, outcome: null, pausedMinutes: 0, setBy: 'complaint.created' });
    }
    expect((await Complaint.findByPk(c.id))!.nextDueAt!.toISOString()).toBe(at(H));

    // The API's due.* are the rows.
    const detail = await t.request().get(`/api/v1/complaints/${c.id}`).set(quality.auth);
    expect(detail.body.due).toEqual({ acknowledgeAt: at(H), firstReplyAt: at(48 * H), resolutionAt: '2026-11-22T16:59:59.999Z', stageAt: at(H), negotiationStartAt: legal.negotiationStartAt!.toISOString() });
    expect(detail.body.nextDueAt).toBe(at(H));

    // Each row has its own created event.
    const events = await AuditEvent.findAll({ where: { action: 'case_clock.created', entityId: Object.values(rows).map((r) => r.id) } });
    expect(events.map((e) => e.entityType)).toEqual(Array(5).fill('CaseClock'));
  });

  it('has no negotiation clock for a company', async () => {
    useFixedClock(RECEIVED);
    const c = await entry({ type: 'company' });
    expect(Object.keys(await clocksOf(c.id)).sort()).toEqual(['acknowledge', 'firstReply', 'resolution', 'stage']);
    const detail = await t.request().get(`/api/v1/complaints/${c.id}`).set(quality.auth);
    expect(detail.body.due.negotiationStartAt).toBeNull();
  });

  it('presents the clocks of a list page from one query, whatever its size', async () => {
    useFixedClock(RECEIVED);
    for (let i = 0; i < 3; i++) await entry();
    const spy = jest.spyOn(Complaint.sequelize!, 'query');
    try {
      const page = await t.request().get('/api/v1/complaints').query({ limit: 3 }).set(quality.auth);
      expect(page.status).toBe(200);
      expect(page.body.items).toHaveLength(3);
      for (const item of page.body.items) expect(item.due.acknowledgeAt).toEqual(expect.any(String));
      expect(spy.mock.calls.filter(([sql]) => String(sql).includes('FROM "case_clocks"'))).toHaveLength(1);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('meeting the clocks', () => {
  it('meets the acknowledgment when the case leaves intake (late after its due time) and replaces the stage clock with the next stage’s', async () => {
    useFixedClock(RECEIVED);
    const c = await entry();
    const before = await clocksOf(c.id);
    advanceClock(2 * H); // the acknowledgment was due after one hour
    const moved = await move(c.id, { to: 'investigation' });
    const rows = await clocksOf(c.id);
    expect(rows.acknowledge).toMatchObject({ metAt: new Date(at(2 * H)), outcome: 'missed' });
    // Still the case's one stage clock, now counting the investigation's 12 hours from its start.
    expect(rows.stage.id).toBe(before.stage.id);
    expect(rows.stage).toMatchObject({ startedAt: new Date(at(2 * H)), dueAt: new Date(at(14 * H)), metAt: null, outcome: null, setBy: 'complaint.transitioned' });
    expect(rows.stage.version).toBeGreaterThan(before.stage.version);
    expect(moved.due.stageAt).toBe(at(14 * H));
    expect(moved.nextDueAt).toBe(at(14 * H));
    expect(moved.overdue).toBe(false);
    // The legal limits have not moved.
    for (const kind of ['firstReply', 'resolution', 'negotiationStart']) expect(rows[kind].dueAt).toEqual(before[kind].dueAt);

    advanceClock(H);
    await recordTestFindings(c.id);
    expect((await move(c.id, { to: 'solution' })).due.stageAt).toBe(at(7 * H)); // 4 hours from 06:00 UTC
    expect((await clocksOf(c.id)).stage).toMatchObject({ startedAt: new Date(at(3 * H)), dueAt: new Date(at(7 * H)), outcome: null });

    // On time when it leaves within the hour.
    useFixedClock(RECEIVED);
    const onTime = await entry();
    advanceClock(30 * 60_000);
    await move(onTime.id, { to: 'investigation' });
    expect((await clocksOf(onTime.id)).acknowledge).toMatchObject({ metAt: new Date(at(30 * 60_000)), outcome: 'met' });
  });

  it('meets the first reply, the negotiation start and the acknowledgment at the time the reply was given', async () => {
    useFixedClock(RECEIVED);
    const c = await entry();
    advanceClock(3 * H);
    const res = await t.request().post(`/api/v1/complaints/${c.id}/first-reply`).set(quality.auth).send({ via: 'post', at: at(30 * 60_000) });
    expect(res.status).toBe(200);
    const rows = await clocksOf(c.id);
    for (const kind of ['firstReply', 'negotiationStart', 'acknowledge']) expect(rows[kind]).toMatchObject({ metAt: new Date(at(30 * 60_000)), outcome: 'met' });
    expect(rows.stage.outcome).toBeNull(); // still in intake
    expect(res.body.nextDueAt).toBe(at(H));
    expect(res.body.overdue).toBe(true);

    useFixedClock(RECEIVED);
    const late = await entry();
    advanceClock(50 * H);
    await t.request().post(`/api/v1/complaints/${late.id}/first-reply`).set(quality.auth).send({ via: 'phone' });
    expect((await clocksOf(late.id)).firstReply).toMatchObject({ metAt: new Date(at(50 * H)), outcome: 'missed' });
  });

  it('meets the resolution when the case is resolved; closing meets the stage clock and misses what was never met', async () => {
    useFixedClock(RECEIVED);
    const c = await entry();
    for (const to of ['investigation', 'solution', 'review']) {
      advanceClock(H);
      if (to === 'solution') await recordTestFindings(c.id);
      if (to === 'review') await proposeTestSolution(c.id);
      await move(c.id, { to });
    }
    await move(c.id, { to: 'response' }, director.auth);
    advanceClock(H);
    // The resolution letter the step needs, told by phone: not a written reply, the 48 hours stay unmet.
    await issueTestLetter(c.id, 'resolution', { channel: 'phone' });
    const followUp = await move(c.id, { to: 'follow_up' });
    let rows = await clocksOf(c.id);
    expect(rows.resolution).toMatchObject({ metAt: new Date(at(4 * H)), outcome: 'met' });
    // Follow-up's 7 calendar days, ending at local midnight.
    expect(rows.stage).toMatchObject({ startedAt: new Date(at(4 * H)), dueAt: new Date('2026-11-09T16:59:59.999Z'), outcome: null });
    expect(followUp.due.stageAt).toBe('2026-11-09T16:59:59.999Z');

    advanceClock(3 * 24 * H);
    await recordTestFollowUp(c.id);
    const closed = await move(c.id, { to: 'closed' });
    rows = await clocksOf(c.id);
    expect(rows.stage).toMatchObject({ metAt: new Date(at(76 * H)), outcome: 'met' });
    // No first written reply was ever recorded: the 48 hours and the negotiation start were missed.
    expect(rows.firstReply).toMatchObject({ metAt: null, outcome: 'missed' });
    expect(rows.negotiationStart).toMatchObject({ metAt: null, outcome: 'missed' });
    expect(Object.values(rows).filter((r) => r.outcome === null)).toEqual([]);
    expect(closed).toMatchObject({ nextDueAt: null, overdue: false, due: { stageAt: null, resolutionAt: '2026-11-22T16:59:59.999Z' } });
    expect((await runningClocksDueBefore(new Date('2030-01-01T00:00:00Z'), 10_000)).filter((r) => r.complaintId === c.id)).toEqual([]);
  });

  it('moves the acknowledgment and the stage clock when an edit changes the intake target', async () => {
    useFixedClock(RECEIVED);
    const c = await entry({ tier: 'vip' });
    const res = await t.request().patch(`/api/v1/complaints/${c.id}`).set(quality.auth).send({ severity: 'critical', version: c.version });
    expect(res.status).toBe(200);
    const rows = await clocksOf(c.id);
    for (const kind of ['acknowledge', 'stage']) expect(rows[kind]).toMatchObject({ dueAt: new Date(at(15 * 60_000)), setBy: 'complaint.updated', outcome: null });
    expect(res.body).toMatchObject({ nextDueAt: at(15 * 60_000), due: { acknowledgeAt: at(15 * 60_000), stageAt: at(15 * 60_000) } });
  });
});

describe('holds', () => {
  it('pause the stage clock, never the legal limits, and its paused time is recorded when it resumes', async () => {
    useFixedClock(RECEIVED);
    const c = await entry();
    await move(c.id, { to: 'investigation' }); // due 12 hours later
    const legal = await clocksOf(c.id);
    advanceClock(3 * H);
    const held = await move(c.id, { to: 'on_hold', reason: 'Chờ nhà cung cấp gửi kết quả kiểm nghiệm.' });
    let rows = await clocksOf(c.id);
    expect(rows.stage).toMatchObject({ dueAt: null, outcome: null, pausedMinutes: 0, startedAt: new Date(RECEIVED) });
    expect(held.due.stageAt).toBeNull();
    // The first reply (48 h) is now the earliest running clock with a due time.
    expect(held.nextDueAt).toBe(at(48 * H));

    advanceClock(2 * H);
    const resumed = await move(c.id, { to: 'investigation' });
    rows = await clocksOf(c.id);
    expect(rows.stage).toMatchObject({ dueAt: new Date(at(14 * H)), pausedMinutes: 120, outcome: null, setBy: 'complaint.transitioned' });
    expect(resumed.due.stageAt).toBe(at(14 * H));
    for (const kind of ['firstReply', 'resolution', 'negotiationStart']) expect(rows[kind].dueAt).toEqual(legal[kind].dueAt);

    // A second hold adds to it.
    await move(c.id, { to: 'on_hold', reason: 'Chờ khách gửi ảnh.' });
    advanceClock(30 * 60_000);
    await move(c.id, { to: 'investigation' });
    expect((await clocksOf(c.id)).stage).toMatchObject({ dueAt: new Date(at(14.5 * H)), pausedMinutes: 150 });
  });
});

describe('the SLA sweep’s query', () => {
  it('is a range scan of the partial index of running clocks', async () => {
    const s = Complaint.sequelize!;
    const [index] = await s.query<{ indexdef: string }>(`SELECT indexdef FROM pg_indexes WHERE tablename = 'case_clocks' AND indexname = 'case_clocks_running_due_idx'`, { type: QueryTypes.SELECT });
    expect(index.indexdef).toMatch(/USING btree \(due_at, id\) WHERE \(outcome IS NULL\)$/);

    // A book of 2024 entries whose clocks are nearly all stopped, as in a live installation.
    const customer = await buildCustomer();
    const n = 2000;
    await s.query(
      `INSERT INTO complaints (reference, kind, ref_year, ref_number, status, customer_id, channel, received_at, incident_date,
         category, subject, description, severity, time_barred, filing_window_ends_at, regulatory_review_required, meeting_required,
         recurring, next_due_at, stage_entered_at, search_text)
       SELECT 'KN-2024-' || lpad(i::text, 6, '0'), 'complaint', 2024, i, 'closed', :customerId, 'web', r, (r AT TIME ZONE 'Asia/Ho_Chi_Minh')::date,
         'business', 'Giao hàng chậm', 'Mô tả', 'low', false, r + interval '30 days', false, false, false, NULL, r, 'kn-2024'
       FROM generate_series(1, ${n}) AS i, LATERAL (SELECT timestamptz '2024-05-01 08:00+07' + i * interval '10 minutes' AS r) AS x;
       INSERT INTO case_clocks (complaint_id, kind, started_at, due_at, met_at, outcome, set_by)
       SELECT c.id, k.kind, c.received_at, c.received_at + k.after,
              CASE WHEN c.ref_number % 100 = 0 THEN NULL ELSE c.received_at + interval '30 minutes' END,
              CASE WHEN c.ref_number % 100 = 0 THEN NULL ELSE 'met' END, 'test'
         FROM complaints c, (VALUES ('acknowledge', interval '1 hour'), ('firstReply', interval '48 hours'), ('resolution', interval '20 days'), ('stage', interval '1 hour')) AS k (kind, after)
        WHERE c.customer_id = :customerId;
       ANALYZE case_clocks;`,
      { replacements: { customerId: customer.id } },
    );
    const before = new Date('2024-06-01T00:00:00Z');
    const spy = jest.spyOn(s, 'query');
    let due: CaseClock[];
    let sql: string;
    try {
      due = await runningClocksDueBefore(before, 1000);
      sql = String(spy.mock.calls[0][0]);
    } finally {
      spy.mockRestore();
    }
    // Every 100th entry's four clocks still run; those due before June.
    const expected = await s.query<{ id: string }>(
      `SELECT id FROM case_clocks WHERE outcome IS NULL AND due_at < $1 ORDER BY due_at, id`,
      { bind: [before], type: QueryTypes.SELECT },
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(due.map((r) => r.id)).toEqual(expected.map((r) => r.id));
    expect(due.every((r) => r.outcome === null && r.dueAt! < before)).toBe(true);

    const plan = await s.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, { type: QueryTypes.SELECT });
    expect(plan.map((p) => p['QUERY PLAN']).join('\n')).toMatch(/Index Scan (using|on) case_clocks_running_due_idx/);

    // Keyset: the next chunk starts after the last row of the previous one.
    const first = await runningClocksDueBefore(before, 3);
    const next = await runningClocksDueBefore(before, 3, { dueAt: first[2].dueAt!, id: first[2].id });
    expect([...first, ...next].map((r) => r.id)).toEqual(expected.slice(0, 6).map((r) => r.id));
  });
});
