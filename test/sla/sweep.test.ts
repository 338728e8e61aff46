import { QueryTypes } from 'sequelize';
import { sequelize } from '../../src/db';
import { verifyAuditTrail } from '../../src/commands/auditVerifier';
import { updateSetting, updateSlaPolicy } from '../../src/commands/settings';
import { manualTick } from '../../src/jobs/CronJob';
import { SlaSweepJob } from '../../src/jobs/slaSweepJob';
import * as clock from '../../src/lib/clock';
import { AuditEvent, SlaBreach, SlaPolicy, type Complaint } from '../../src/models';
import { NOTICE } from '../../src/notifications/kinds';
import { usersWithRoles } from '../../src/notifications/notify';
import { useFixedClock, useTestClock } from '../support/clock';
import { storedClock } from '../support/clocks';
import { asActor } from '../support/context';
import { useTestDatabase } from '../support/db';
import { buildComplaint, buildDepartment, buildUser } from '../support/factories';
import { moveTestCase } from '../support/procedure';

useTestDatabase();
useTestClock();

const MIN = 60_000;
const job = new SlaSweepJob();

/** A manual run at the clock's now; the job's earlier runs are forgotten so a tick at a repeated instant is not skipped. */
async function sweep(j: SlaSweepJob = job) {
  await sequelize().query('DELETE FROM job_runs WHERE job = $1', { bind: [j.name] });
  const out = await j.run(manualTick(clock.now()));
  expect(out).toMatchObject({ ran: true, status: 'succeeded' });
  return out;
}

const breaches = (c: Complaint, kind?: string) =>
  SlaBreach.findAll({ where: { complaintId: c.id, ...(kind ? { clockKind: kind } : {}) }, order: [['level', 'ASC'], ['clockKind', 'ASC']] });
const levels = async (c: Complaint, kind: string) => (await breaches(c, kind)).map((b) => b.level);

function notices(kind: string, c: Complaint) {
  return sequelize().query<{ recipient_id: string; cause: string; params: Record<string, unknown>; link: string }>(
    'SELECT recipient_id, cause, params, link FROM notifications WHERE kind = $1 AND complaint_id = $2 ORDER BY cause, recipient_id',
    { bind: [kind, c.id], type: QueryTypes.SELECT },
  );
}
const sorted = (ids: Iterable<string>) => [...ids].sort();

async function setTarget(stage: string, minutes: number, mode: 'exact' | 'business') {
  const p = await SlaPolicy.findOne({ where: { stage, severity: null, tier: null }, rejectOnEmpty: true });
  await asActor(() => updateSlaPolicy(p.id, undefined, { targetMinutes: minutes, mode }));
}

beforeAll(async () => {
  // The intake stage's default (the acknowledgment, 1 h) and investigation's in exact hours: what the edges below count on.
  await setTarget('intake', 60, 'exact');
  await setTarget('investigation', 720, 'exact');
});

describe('the SLA sweep', () => {
  it('records 80 %, 100 % and 150 % of a clock each once, at the edge and not a minute before, and notifies each level as PRODUCT.md says', async () => {
    const received = new Date('2026-11-02T10:00:00+07:00');
    useFixedClock(received);
    const dept = await buildDepartment({ name: 'Phòng Chăm sóc khách hàng' });
    const head = await buildUser({ roles: ['dept_head'], departmentId: dept.id });
    const otherHead = await buildUser({ roles: ['dept_head'] });
    const handler = await buildUser({ roles: ['quality'], departmentId: dept.id, name: 'Lê Thị Thu Hà' });
    const lead = await buildUser({ roles: ['quality'] });
    await buildUser({ roles: ['cs_director'] });
    await asActor(() => updateSetting({ key: 'quality_leads', value: { userIds: [lead.id] } }, undefined));
    const c = await buildComplaint({ receivedAt: received, incidentDate: '2026-10-30', assigneeId: handler.id });
    const ack = await storedClock(c.id, 'acknowledge');
    expect(ack.dueAt!.getTime()).toBe(received.getTime() + 60 * MIN);
    expect(ack.warnAt!.getTime()).toBe(received.getTime() + 48 * MIN);
    expect(ack.escalateAt!.getTime()).toBe(received.getTime() + 90 * MIN);

    useFixedClock(received.getTime() + 47 * MIN);
    await sweep();
    expect(await breaches(c)).toEqual([]);

    useFixedClock(received.getTime() + 48 * MIN);
    await sweep();
    // The acknowledgment and the intake stage's SLA share the 1-hour target.
    expect(await levels(c, 'acknowledge')).toEqual([80]);
    expect(await levels(c, 'stage')).toEqual([80]);
    const near = await notices(NOTICE.slaNearBreach, c);
    expect(near.map((n) => n.recipient_id)).toEqual([handler.id, handler.id]);
    expect(near.find((n) => n.params.clock === 'acknowledge')).toMatchObject({ params: { reference: c.reference, stage: 'intake', dueAt: ack.dueAt!.toISOString() }, link: `/complaints/${c.id}` });

    // A second sweep at the same instant finds nothing new.
    await sweep();
    expect(await breaches(c)).toHaveLength(2);
    expect(await notices(NOTICE.slaNearBreach, c)).toHaveLength(2);

    useFixedClock(received.getTime() + 59 * MIN);
    await sweep();
    expect(await levels(c, 'acknowledge')).toEqual([80]);

    useFixedClock(received.getTime() + 60 * MIN);
    await sweep();
    expect(await levels(c, 'acknowledge')).toEqual([80, 100]);
    const breached = await notices(NOTICE.slaBreached, c);
    // The assignee and their department's head (not another department's), for each of the two clocks.
    expect(sorted(new Set(breached.map((n) => n.recipient_id)))).toEqual(sorted([handler.id, head.id]));
    expect(breached.map((n) => n.recipient_id)).not.toContain(otherHead.id);
    expect(breached).toHaveLength(4);

    useFixedClock(received.getTime() + 89 * MIN);
    await sweep();
    expect(await levels(c, 'acknowledge')).toEqual([80, 100]);
    useFixedClock(received.getTime() + 90 * MIN);
    await sweep();
    expect(await levels(c, 'acknowledge')).toEqual([80, 100, 150]);
    const escalated = await notices(NOTICE.slaEscalated, c);
    const expected = sorted(new Set([lead.id, ...(await usersWithRoles(['cs_director']))]));
    expect(sorted(new Set(escalated.map((n) => n.recipient_id)))).toEqual(expected);
    expect(escalated.map((n) => n.recipient_id)).not.toContain(handler.id);

    // Each breach holds who held the case, their department, the stage and the clock's visit; each has its audit event.
    const [first] = await breaches(c, 'acknowledge');
    expect(first).toMatchObject({
      level: 80,
      stage: 'intake',
      assigneeId: handler.id,
      departmentId: dept.id,
      clockId: ack.id,
      dueAt: ack.dueAt,
      reachedAt: ack.warnAt,
      detectedAt: new Date(received.getTime() + 48 * MIN),
    });
    expect(first.clockStartedAt.getTime()).toBe(ack.startedAt.getTime());
    const all = await breaches(c);
    const events = await AuditEvent.findAll({ where: { action: 'sla_breach.created', complaintId: c.id } });
    expect(sorted(events.map((e) => e.entityId!))).toEqual(sorted(all.map((b) => b.id)));
    expect(events[0]).toMatchObject({ entityType: 'SlaBreach', actorId: null });
    // The verifier rebuilds each breach (and each clock, its SLA marks left out of the trail) from its trail.
    const verified = await verifyAuditTrail();
    expect(verified.failures).toEqual([]);
    expect(verified.ok).toBe(true);
  });

  it('sends the 80 % and 100 % notices of a case nobody holds to the quality role', async () => {
    const received = new Date('2026-11-03T09:00:00+07:00');
    useFixedClock(received);
    const c = await buildComplaint({ receivedAt: received, incidentDate: '2026-10-30' });
    expect(c.assigneeId).toBeNull();
    useFixedClock(received.getTime() + 60 * MIN);
    await sweep();
    const quality = await usersWithRoles(['quality']);
    const near = (await notices(NOTICE.slaNearBreach, c)).filter((n) => n.params.clock === 'acknowledge');
    expect(sorted(near.map((n) => n.recipient_id))).toEqual(sorted(quality));
    const [b] = await breaches(c, 'acknowledge');
    expect(b).toMatchObject({ assigneeId: null, departmentId: null });
  });

  it('does not sweep a stage clock paused on hold, and counts the hold out of its marks once it resumes', async () => {
    const received = new Date('2026-11-04T08:00:00+07:00');
    useFixedClock(received);
    const c0 = await buildComplaint({ receivedAt: received, incidentDate: '2026-10-30' });
    useFixedClock(received.getTime() + 10 * MIN);
    const entered = clock.now();
    const c = await moveTestCase(c0, ['investigation']);
    const before = await storedClock(c.id, 'stage');
    expect(before.warnAt!.getTime()).toBe(entered.getTime() + 0.8 * 720 * MIN);

    useFixedClock(entered.getTime() + 60 * MIN);
    const held = await moveTestCase(c, ['on_hold'], { reason: 'Chờ kết quả kiểm nghiệm của nhà cung cấp.' });
    const paused = await storedClock(c.id, 'stage');
    expect(paused).toMatchObject({ dueAt: null, warnAt: null, escalateAt: null, outcome: null });

    // Far past the stage's 150 %: the legal clocks run on, the paused stage clock is not swept.
    useFixedClock(entered.getTime() + 30 * 60 * MIN);
    await sweep();
    expect(await levels(c, 'stage')).toEqual([]);
    expect(await levels(c, 'firstReply')).toEqual([]);
    useFixedClock(entered.getTime() + 40 * 60 * MIN);
    await sweep();
    expect(await levels(c, 'firstReply')).toEqual([80]);
    expect(await levels(c, 'stage')).toEqual([]);

    // Resumed after 39 h on hold: 1 h had run, so 80 % (9.6 h) comes 8.6 h after the resumption.
    const resumedAt = entered.getTime() + 40 * 60 * MIN;
    await moveTestCase(held, ['investigation']);
    const resumed = await storedClock(c.id, 'stage');
    expect(resumed.warnAt!.getTime()).toBe(resumedAt + 8.6 * 60 * MIN);
    expect(resumed.dueAt!.getTime()).toBe(resumedAt + 11 * 60 * MIN);
    useFixedClock(resumedAt + 8.6 * 60 * MIN - MIN);
    await sweep();
    expect(await levels(c, 'stage')).toEqual([]);
    useFixedClock(resumedAt + 8.6 * 60 * MIN);
    await sweep();
    expect(await levels(c, 'stage')).toEqual([80]);
    expect((await breaches(c, 'stage'))[0].stage).toBe('investigation');
  });

  it('puts 80 % of a business-hour SLA inside business hours, not at 80 % of the wall time', async () => {
    await setTarget('investigation', 480, 'business');
    try {
      // Received Friday 6 Nov 14:00, in investigation from 15:00: 8 business hours end Monday 14:00.
      const received = new Date('2026-11-06T14:00:00+07:00');
      useFixedClock(received);
      const c0 = await buildComplaint({ receivedAt: received, incidentDate: '2026-11-05' });
      useFixedClock(new Date('2026-11-06T15:00:00+07:00'));
      const c = await moveTestCase(c0, ['investigation']);
      const stage = await storedClock(c.id, 'stage');
      expect(stage.dueAt!.toISOString()).toBe(new Date('2026-11-09T14:00:00+07:00').toISOString());
      // 6 h 24 min of office time: Friday 15–17 and Monday 08:00–12:24 (wall time's 80 % would be Monday 11:48).
      expect(stage.warnAt!.toISOString()).toBe(new Date('2026-11-09T12:24:00+07:00').toISOString());

      useFixedClock(new Date('2026-11-09T12:23:00+07:00'));
      await sweep();
      expect(await levels(c, 'stage')).toEqual([]);
      useFixedClock(new Date('2026-11-09T12:24:00+07:00'));
      await sweep();
      expect(await levels(c, 'stage')).toEqual([80]);
      expect((await breaches(c, 'stage'))[0].reachedAt.toISOString()).toBe(new Date('2026-11-09T12:24:00+07:00').toISOString());
    } finally {
      await setTarget('investigation', 720, 'exact');
    }
  });

  it('records and notifies each breach once when two sweeps run at the same time, across chunks', async () => {
    const received = new Date('2026-11-10T09:00:00+07:00');
    useFixedClock(received);
    const handler = await buildUser({ roles: ['quality'] });
    const cases: Complaint[] = [];
    for (let i = 0; i < 5; i++) cases.push(await buildComplaint({ receivedAt: received, incidentDate: '2026-11-09', assigneeId: handler.id }));
    useFixedClock(received.getTime() + 95 * MIN);
    const a = new SlaSweepJob(2);
    const b = new SlaSweepJob(3);
    await sequelize().query("DELETE FROM job_runs WHERE job = 'sla-sweep'");
    const recordedSoFar = await SlaBreach.count();
    const t = clock.now().getTime();
    const runs = await Promise.all([a.run(manualTick(new Date(t + 1))), b.run(manualTick(new Date(t + 2))), a.run(manualTick(new Date(t + 3)))]);
    for (const r of runs) expect(r).toMatchObject({ ran: true, status: 'succeeded' });
    for (const c of cases) {
      expect(await levels(c, 'acknowledge')).toEqual([80, 100, 150]);
      expect(await levels(c, 'stage')).toEqual([80, 100, 150]);
      const near = await notices(NOTICE.slaNearBreach, c);
      expect(near.map((n) => n.recipient_id)).toEqual([handler.id, handler.id]);
      expect(new Set(near.map((n) => n.cause)).size).toBe(2);
    }
    const counts = runs.map((r) => (r.counts?.level80 ?? 0) + (r.counts?.level100 ?? 0) + (r.counts?.level150 ?? 0));
    // What the runs counted is what they inserted between them (these cases' 30 and any other case's): nothing twice.
    expect(counts.reduce((x, y) => x + y, 0)).toBe((await SlaBreach.count()) - recordedSoFar);
    // The outbox has each e-mail once too.
    const [{ mails }] = await sequelize().query<{ mails: number }>(
      `SELECT count(*)::int AS mails FROM outbox WHERE complaint_id = ANY($1::uuid[]) AND dedupe_key LIKE '%sla.%'`,
      { bind: [cases.map((c) => c.id)], type: QueryTypes.SELECT },
    );
    const [{ notes }] = await sequelize().query<{ notes: number }>(
      `SELECT count(*)::int AS notes FROM notifications WHERE complaint_id = ANY($1::uuid[]) AND kind LIKE 'sla.%'`,
      { bind: [cases.map((c) => c.id)], type: QueryTypes.SELECT },
    );
    expect(mails).toBe(notes);
  });

  it('leaves met and finished clocks alone', async () => {
    const received = new Date('2026-11-11T09:00:00+07:00');
    useFixedClock(received);
    const c0 = await buildComplaint({ receivedAt: received, incidentDate: '2026-11-10' });
    useFixedClock(received.getTime() + 30 * MIN);
    await moveTestCase(c0, ['investigation']);
    useFixedClock(received.getTime() + 120 * MIN);
    await sweep();
    // Acknowledged within the hour: its clock is met and never swept.
    expect(await levels(c0, 'acknowledge')).toEqual([]);
    expect((await storedClock(c0.id, 'acknowledge')).outcome).toBe('met');
  });
});
