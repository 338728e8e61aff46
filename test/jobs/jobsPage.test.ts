import { QueryTypes } from 'sequelize';
import { createApp } from '../../src/app';
import { sequelize } from '../../src/db';
import { allJobs } from '../../src/jobs/scheduler';
import { describeSchedule, nextRun } from '../../src/jobs/schedule';
import { AuditEvent } from '../../src/models';
import request from 'supertest';
import { csrfFrom, sessionAgent, signedInAgent, testConfig, useTestApp } from '../support/app';
import { useFixedClock, useTestClock } from '../support/clock';
import { signedIn } from '../support/factories';
import type { RoleKey } from '../../src/domain/roles';

const t = useTestApp();
useTestClock();

const NOT_SYSADMIN: RoleKey[] = ['intake', 'quality', 'dept_head', 'cs_director', 'ceo', 'admin_officer', 'legal', 'auditor'];
const decoded = (html: string) => html.replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');

const runsOf = (job: string) =>
  sequelize().query<{ tick: Date; status: string; counts: Record<string, number> }>('SELECT tick, status, counts FROM job_runs WHERE job = :job ORDER BY started_at DESC, id DESC', {
    replacements: { job },
    type: QueryTypes.SELECT,
  });

describe('a schedule in words and its next run', () => {
  it('reads the usual shapes, and leaves the others to the pattern', () => {
    expect(describeSchedule('* * * * *')).toEqual({ key: 'minute', values: {} });
    expect(describeSchedule('*/5 * * * *')).toEqual({ key: 'minutes', values: { count: 5 } });
    expect(describeSchedule('17 * * * *')).toEqual({ key: 'hourly', values: { minute: '17' } });
    expect(describeSchedule('23 2 * * *')).toEqual({ key: 'daily', values: { time: '02:23' } });
    expect(describeSchedule('0 7 * * 1')).toEqual({ key: 'weekly', values: { time: '07:00', weekday: 1 } });
    expect(describeSchedule('0 7 1 * *')).toEqual({ key: 'monthly', values: { time: '07:00', day: 1 } });
    expect(describeSchedule('0 7 * 1 *')).toBeNull();
    expect(describeSchedule('0 7-9 * * *')).toBeNull();
  });

  it('finds the next matching minute in the organisation’s zone, after now', () => {
    const now = new Date('2026-05-04T03:10:30Z'); // 10:10:30 in Hà Nội
    expect(nextRun('* * * * *', now, 'Asia/Ho_Chi_Minh')).toEqual(new Date('2026-05-04T03:11:00Z'));
    expect(nextRun('*/5 * * * *', now, 'Asia/Ho_Chi_Minh')).toEqual(new Date('2026-05-04T03:15:00Z'));
    // 02:23 Hà Nội has passed today: tomorrow's.
    expect(nextRun('23 2 * * *', now, 'Asia/Ho_Chi_Minh')).toEqual(new Date('2026-05-04T19:23:00Z'));
    // Exactly on a scheduled minute: the next one, not this one.
    expect(nextRun('10 * * * *', new Date('2026-05-04T03:10:00Z'), 'Asia/Ho_Chi_Minh')).toEqual(new Date('2026-05-04T04:10:00Z'));
    // Day of month and day of week both restricted: either (cron's rule). 2026-05-04 is a Monday.
    expect(nextRun('0 7 15 * 3', now, 'Asia/Ho_Chi_Minh')).toEqual(new Date('2026-05-06T00:00:00Z'));
    // A wall time a DST change skips is not run that day (New York, 8 March 2026, 02:00 → 03:00).
    expect(nextRun('30 2 * * *', new Date('2026-03-08T05:00:00Z'), 'America/New_York')).toEqual(new Date('2026-03-09T06:30:00Z'));
    expect(nextRun('0 0 30 2 *', now, 'Asia/Ho_Chi_Minh')).toBeNull();
  });
});

describe('GET /api/v1/jobs', () => {
  it('401 without a session or token', async () => {
    const res = await t.request().get('/api/v1/jobs');
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
  });

  it.each(NOT_SYSADMIN)('403 for %s', async (role) => {
    const { auth } = await signedIn([role]);
    const res = await t.request().get('/api/v1/jobs').set(auth);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('forbidden');
  });

  it('lists every job of allJobs with its schedule, next run, whether the schedule runs here, and its last runs', async () => {
    const now = useFixedClock('2026-05-04T03:10:30Z');
    const { auth } = await signedIn(['sysadmin']);
    const tick = new Date('2026-05-04T03:00:00Z');
    await sequelize().query(
      `INSERT INTO job_runs (job, tick, status, started_at, finished_at, counts, error) VALUES
         ('archive-sealing', :tick, 'failed', :tick, :tick, '{"sealed": 2}', 'Error: disk full'),
         ('archive-sealing', :later, 'succeeded', :later, :later, '{"sealed": 3}', NULL)`,
      { replacements: { tick, later: new Date(tick.getTime() + 60_000) } },
    );
    const res = await t.request().get('/api/v1/jobs').set(auth);
    expect(res.status).toBe(200);
    const names = allJobs(t.config).map((j) => j.name);
    expect(res.body.items.map((j: { name: string }) => j.name)).toEqual(names);
    const sealing = res.body.items.find((j: { name: string }) => j.name === 'archive-sealing');
    expect(sealing).toEqual({
      name: 'archive-sealing',
      schedule: '23 2 * * *',
      nextRunAt: nextRun('23 2 * * *', now, t.config.timezone)!.toISOString(),
      enabled: true,
      lastRuns: [
        { tick: '2026-05-04T03:01:00.000Z', status: 'succeeded', startedAt: '2026-05-04T03:01:00.000Z', finishedAt: '2026-05-04T03:01:00.000Z', counts: { sealed: 3 }, error: null },
        { tick: '2026-05-04T03:00:00.000Z', status: 'failed', startedAt: '2026-05-04T03:00:00.000Z', finishedAt: '2026-05-04T03:00:00.000Z', counts: { sealed: 2 }, error: 'Error: disk full' },
      ],
    });
    // JOBS=off: the same jobs, not scheduled by this instance.
    const off = createApp(testConfig({ JOBS: 'off' }));
    const offRes = await request(off).get('/api/v1/jobs').set(auth);
    expect(offRes.status).toBe(200);
    expect(offRes.body.items.every((j: { enabled: boolean }) => j.enabled === false)).toBe(true);
  });
});

describe('POST /api/v1/jobs/:name/run', () => {
  it('401 without a session or token', async () => {
    expect((await t.request().post('/api/v1/jobs/archive-sealing/run').send({})).status).toBe(401);
  });

  it.each(NOT_SYSADMIN)('403 for %s, and nothing runs', async (role) => {
    const { auth } = await signedIn([role]);
    const before = (await runsOf('evidence-sweep')).length;
    const res = await t.request().post('/api/v1/jobs/evidence-sweep/run').set(auth).send({});
    expect(res.status).toBe(403);
    expect((await runsOf('evidence-sweep')).length).toBe(before);
  });

  it('400 for a malformed name or a body with anything in it, 404 for an unknown job', async () => {
    const { auth } = await signedIn(['sysadmin']);
    const bad = await t.request().post('/api/v1/jobs/NOT%20A%20JOB/run').set(auth).send({});
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('validation_failed');
    const body = await t.request().post('/api/v1/jobs/archive-sealing/run').set(auth).send({ tick: '2026-05-04T03:00:00Z' });
    expect(body.status).toBe(400);
    expect(body.body.code).toBe('validation_failed');
    const unknown = await t.request().post('/api/v1/jobs/no-such-job/run').set(auth).send({});
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('not_found');
  });

  it('runs one tick now, audited, with a tick of its own; 409 while a run of the job is in progress', async () => {
    const { auth, user } = await signedIn(['sysadmin']);
    const res = await t.request().post('/api/v1/jobs/archive-sealing/run').set(auth).send({});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'archive-sealing', status: 'succeeded', error: null });
    expect(new Date(res.body.tick).getTime() % 60_000).not.toBe(0);
    const [last] = await runsOf('archive-sealing');
    expect(last).toMatchObject({ status: 'succeeded' });
    expect(new Date(last.tick).toISOString()).toBe(res.body.tick);
    const event = await AuditEvent.findOne({ where: { action: 'job.run_requested', entityId: 'archive-sealing' }, order: [['position', 'DESC']] });
    expect(event).not.toBeNull();
    expect(event!.actorId).toBe(user.id);

    await sequelize().query(`INSERT INTO job_runs (job, tick, status, started_at) VALUES ('archive-sealing', '2026-01-01T00:00:00Z', 'running', :now)`, { replacements: { now: new Date() } });
    const busy = await t.request().post('/api/v1/jobs/archive-sealing/run').set(auth).send({});
    expect(busy.status).toBe(409);
    expect(busy.body.code).toBe('conflict');
    await sequelize().query(`DELETE FROM job_runs WHERE job = 'archive-sealing' AND status = 'running'`);

    // A run left running by a stopped instance (older than the abandon limit) does not block: the run records it as abandoned.
    await sequelize().query(`INSERT INTO job_runs (job, tick, status, started_at) VALUES ('archive-sealing', '2026-01-01T00:00:00Z', 'running', :then)`, {
      replacements: { then: new Date(Date.now() - 2 * 3600_000) },
    });
    const after = await t.request().post('/api/v1/jobs/archive-sealing/run').set(auth).send({});
    expect(after.status).toBe(200);
    const [abandoned] = await sequelize().query<{ status: string; error: string }>(`SELECT status, error FROM job_runs WHERE job = 'archive-sealing' AND tick = '2026-01-01T00:00:00Z'`, { type: QueryTypes.SELECT });
    expect(abandoned.status).toBe('failed');
    expect(abandoned.error).toMatch(/^abandoned/);
  });

  it('answers parallel requests each with an outcome (a run, or 409 while one runs), never an error', async () => {
    const { auth } = await signedIn(['sysadmin']);
    const before = (await runsOf('evidence-sweep')).length;
    const answers = await Promise.all(Array.from({ length: 4 }, () => t.request().post('/api/v1/jobs/evidence-sweep/run').set(auth).send({})));
    expect(answers.every((a) => a.status === 200 || a.status === 409)).toBe(true);
    const ran = answers.filter((a) => a.status === 200);
    expect(ran.length).toBeGreaterThanOrEqual(1);
    const runs = await runsOf('evidence-sweep');
    expect(runs.length - before).toBe(ran.length);
    expect(runs.slice(0, ran.length).every((r) => r.status === 'succeeded')).toBe(true);
  });
});

describe('/admin/jobs', () => {
  it('sends an anonymous visitor to sign in, and refuses everyone but the sysadmin', async () => {
    const anon = await t.request().get('/admin/jobs');
    expect(anon.status).toBe(303);
    expect(anon.headers.location).toMatch(/^\/login/);
    for (const role of ['quality', 'auditor'] as const) {
      const { agent } = await signedInAgent(t.app, [role]);
      expect((await agent.get('/admin/jobs')).status).toBe(403);
    }
  });

  it('shows each job with its schedule in words, its next run in the organisation’s zone and its last runs; runs one now', async () => {
    useFixedClock('2026-05-04T03:10:30Z');
    const { agent, user } = await signedInAgent(t.app, ['sysadmin']);
    const page = await agent.get('/admin/jobs').query({ lang: 'vi' });
    expect(page.status).toBe(200);
    const html = decoded(page.text);
    for (const job of allJobs(t.config)) expect(html).toContain(`data-testid="job-${job.name}"`);
    const sealing = html.slice(html.indexOf('data-testid="job-archive-sealing"'));
    expect(sealing).toContain('Hằng ngày lúc 02:23');
    // Next run: tomorrow 02:23 in Hà Nội.
    expect(sealing).toContain('datetime="2026-05-04T19:23:00.000Z"');
    expect(sealing).toMatch(/05\/05\/2026,? 02:23|02:23,? 05\/05\/2026/);
    expect(html).toContain('href="/admin/jobs"');

    // Without the form's CSRF token: refused, nothing runs.
    const before = (await runsOf('evidence-sweep')).length;
    expect((await agent.post('/admin/jobs/evidence-sweep/run').type('form').send({})).status).toBe(403);
    expect((await runsOf('evidence-sweep')).length).toBe(before);
    const run = await agent.post('/admin/jobs/evidence-sweep/run').type('form').send({ _csrf: csrfFrom(page.text) });
    expect(run.status).toBe(303);
    expect(run.headers.location).toBe('/admin/jobs#job-evidence-sweep');
    expect((await runsOf('evidence-sweep')).length).toBe(before + 1);
    const after = decoded((await agent.get('/admin/jobs').query({ lang: 'vi' })).text);
    expect(after).toContain('Đã chạy tác vụ: thành công.');
    const sweep = after.slice(after.indexOf('data-testid="job-evidence-sweep"'));
    expect(sweep.slice(0, sweep.indexOf('</article>'))).toContain('data-status="succeeded"');
    // The sysadmin's own other pages still render with the nav item.
    const home = await (await sessionAgent(t.app, user)).get('/').query({ lang: 'vi' });
    expect(home.text).toContain('href="/admin/jobs"');
  });
});
