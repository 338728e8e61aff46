import { QueryTypes } from 'sequelize';
import { SIGNATURE_THROTTLE } from '../../src/commands/signing';
import { sequelize } from '../../src/db';
import { AuditEvent, Signature } from '../../src/models';
import { useTestApp } from '../support/app';
import { buildComplaint, signedIn, TEST_PASSWORD } from '../support/factories';

const t = useTestApp();
type Auth = Record<string, string>;
const RATIONALE = 'Có tổn hại nghiêm trọng, phải báo cáo.';

let quality: Awaited<ReturnType<typeof signedIn>>;
beforeAll(async () => {
  quality = await signedIn(['quality']);
});

async function submitted() {
  const c = await buildComplaint({ harm: 'serious_injury' });
  expect((await t.request().post(`/api/v1/complaints/${c.id}/regulatory/submit`).set(quality.auth).send({ summary: 'Khách hàng bị bỏng do máy rò điện.' })).status).toBe(201);
  return c;
}
const decide = (auth: Auth, id: string, body: Record<string, unknown>) => t.request().post(`/api/v1/complaints/${id}/regulatory/decision`).set(auth).send(body);
const failures = async (userId: string) =>
  (await sequelize().query<{ n: number }>('SELECT count(*)::int AS n FROM signature_attempts WHERE user_id = :userId AND NOT succeeded', { replacements: { userId }, type: QueryTypes.SELECT }))[0].n;

describe('the signing rate limit under concurrent attempts', () => {
  it('evaluates no more than the limit of parallel wrong passwords: the rest are 429, each audited', async () => {
    const c = await submitted();
    const ceo = await signedIn(['ceo']);
    const n = SIGNATURE_THROTTLE.maxFailures * 2 + 2;
    const answers = await Promise.all(Array.from({ length: n }, () => decide(ceo.auth, c.id, { decision: 'report', rationale: RATIONALE, password: 'wrong password here' })));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(SIGNATURE_THROTTLE.maxFailures);
    expect(statuses.filter((s) => s === 429)).toHaveLength(n - SIGNATURE_THROTTLE.maxFailures);
    for (const a of answers.filter((x) => x.status === 429)) expect(Number(a.headers['retry-after'])).toBeGreaterThan(0);
    expect(await failures(ceo.user.id)).toBe(SIGNATURE_THROTTLE.maxFailures);
    expect(await AuditEvent.count({ where: { action: 'signature.failed', actorId: ceo.user.id } })).toBe(SIGNATURE_THROTTLE.maxFailures);
    expect(await AuditEvent.count({ where: { action: 'signature.rate_limited', actorId: ceo.user.id } })).toBe(n - SIGNATURE_THROTTLE.maxFailures);
    // Even the right password waits for the window now.
    expect((await decide(ceo.auth, c.id, { decision: 'report', rationale: RATIONALE, password: TEST_PASSWORD })).status).toBe(429);
    expect(await Signature.count({ where: { complaintId: c.id } })).toBe(0);
  });

  it('does not count a right password, even when the decision is then refused (409), and a signature closes the window', async () => {
    const c = await submitted();
    const ceo = await signedIn(['ceo']);
    const stale = await decide(ceo.auth, c.id, { decision: 'report', rationale: RATIONALE, password: TEST_PASSWORD, contentSha256: '0'.repeat(64) });
    expect(stale.status).toBe(409);
    expect(await failures(ceo.user.id)).toBe(0);
    // Wrong ones up to one below the limit: the right password still signs (its attempt is taken back), and the window closes.
    for (let i = 1; i < SIGNATURE_THROTTLE.maxFailures; i++) expect((await decide(ceo.auth, c.id, { decision: 'report', rationale: RATIONALE, password: 'wrong' })).status).toBe(401);
    expect(await failures(ceo.user.id)).toBe(SIGNATURE_THROTTLE.maxFailures - 1);
    expect((await decide(ceo.auth, c.id, { decision: 'no_report', rationale: RATIONALE, password: TEST_PASSWORD })).status).toBe(201);
    expect(await failures(ceo.user.id)).toBe(SIGNATURE_THROTTLE.maxFailures - 1);
    expect((await decide(ceo.auth, c.id, { decision: 'report', rationale: RATIONALE, password: 'wrong' })).status).toBe(401);
  });
});
