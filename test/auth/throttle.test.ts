import { LOGIN_THROTTLE } from '../../src/commands/authenticator';
import { AuditEvent, LoginAttempt } from '../../src/models';
import { useTestApp } from '../support/app';
import { buildUser, TEST_PASSWORD } from '../support/factories';

// Behind a reverse proxy on loopback, as in production: the client address comes from X-Forwarded-For.
const t = useTestApp({ TRUST_PROXY: 'loopback' });

let net = 0;
/** A fresh client address for each test, so tests do not share counters. */
const address = () => `198.18.${Math.floor(++net / 250)}.${(net % 250) + 1}`;

async function login(email: string, password: string, ip: string) {
  const started = Date.now();
  const res = await t.request().post('/api/v1/auth/login').set('X-Forwarded-For', ip).send({ email, password });
  return { res, ms: Date.now() - started };
}

/**
 * How long the throttle held a successful sign-in, as its audit event records it: "at once" is
 * asserted on this figure, not on wall-clock time (a busy CI machine must not fail a test).
 * Lower bounds (a hold really happened) are still asserted on elapsed time: a sleep cannot end early.
 */
async function heldMs(login: { res: { body: { user?: { id: string }; token?: string } } }): Promise<number> {
  const userId = login.res.body.user!.id;
  const event = await AuditEvent.findOne({ where: { action: 'auth.login', entityId: userId }, order: [['position', 'DESC']] });
  return (event!.meta as { heldMs: number }).heldMs;
}

/** Pushes the recorded attempts of `email` (from `ip`, if given) back in time by `minutes`. */
async function age(email: string, minutes: number, ip?: string) {
  await LoginAttempt.sequelize!.query(
    `UPDATE login_attempts SET attempted_at = attempted_at - make_interval(mins => :minutes) WHERE lower(email) = :email ${ip ? 'AND ip = :ip' : ''}`,
    { replacements: { email: email.toLowerCase(), minutes, ip: ip ?? null } },
  );
}


describe('sign-in throttling by address across accounts', () => {
  it('slows the failures of an address that guesses many accounts, but a correct password from it succeeds at once', async () => {
    const x = address();
    const victims = await Promise.all([1, 2, 3, 4, 5].map(() => buildUser()));
    const emails = [...victims.map((v) => v.email), ...[1, 2, 3, 4, 5].map((i) => `guess-${i}-${x}@example.vn`)];
    // 30 wrong passwords from X against 10 accounts (3 each, under the per-account limit), sent together.
    const failures = await Promise.all(Array.from({ length: 30 }, (_, i) => login(emails[i % emails.length], `wrong-guess-${i}`, x)));
    expect(failures.map((f) => f.res.status)).toEqual(Array(30).fill(401));

    const b = await buildUser();
    const ok = await login(b.email, TEST_PASSWORD, x);
    expect(ok.res.status).toBe(200);
    expect(await heldMs(ok)).toBe(0);
    // One of the victims, with the right password, from the same address: also at once.
    const victim = await login(victims[0].email, TEST_PASSWORD, x);
    expect(victim.res.status).toBe(200);
    expect(await heldMs(victim)).toBe(0);

    // …while another failure from X is answered only after the longest delay.
    const slow = await login(`guess-late-${x}@example.vn`, 'wrong-guess-late', x);
    expect(slow.res.status).toBe(401);
    expect(slow.ms).toBeGreaterThanOrEqual(LOGIN_THROTTLE.failureDelayMaxMs - 50);
    expect(await AuditEvent.count({ where: { action: 'auth.rate_limited' } })).toBe(0);
  });
});

describe('sign-in throttling per account and address', () => {
  it('stops guesses at A from X after 5 failures (429 + Retry-After, right password too), while A from a known address and B from X succeed at once', async () => {
    const a = await buildUser();
    const b = await buildUser();
    const [x, y] = [address(), address()];
    expect((await login(a.email, TEST_PASSWORD, y)).res.status).toBe(200); // Y is an address A's owner has used

    for (let i = 0; i < LOGIN_THROTTLE.pairMaxFailures; i++) {
      expect((await login(a.email, `wrong-${i}-password`, x)).res.status).toBe(401);
    }
    const attempts = await LoginAttempt.count();
    const refused = await login(a.email, TEST_PASSWORD, x);
    expect(refused.res.status).toBe(429);
    expect(refused.res.body.code).toBe('rate_limited');
    const retryAfter = Number(refused.res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(LOGIN_THROTTLE.windowMinutes * 60 - 60);
    expect(retryAfter).toBeLessThanOrEqual(LOGIN_THROTTLE.windowMinutes * 60);
    expect(await LoginAttempt.count()).toBe(attempts); // a refusal is not an attempt: it does not extend the lock
    const audit = await AuditEvent.findAll({ where: { action: 'auth.rate_limited', entityId: a.email } });
    expect(audit).toHaveLength(1);
    expect(audit[0].meta).toMatchObject({ scope: 'account_address' });

    const owner = await login(a.email, TEST_PASSWORD, y);
    expect(owner.res.status).toBe(200);
    expect(await heldMs(owner)).toBe(0);
    const other = await login(b.email, TEST_PASSWORD, x);
    expect(other.res.status).toBe(200);
    expect(await heldMs(other)).toBe(0);
  });

  it('lets A be tried from X again once the failures leave the 15-minute window', async () => {
    const a = await buildUser();
    const x = address();
    for (let i = 0; i < LOGIN_THROTTLE.pairMaxFailures; i++) await login(a.email, `wrong-${i}-password`, x);
    expect((await login(a.email, TEST_PASSWORD, x)).res.status).toBe(429);
    await age(a.email, LOGIN_THROTTLE.windowMinutes, x);
    expect((await login(a.email, TEST_PASSWORD, x)).res.status).toBe(200);
  });

  it('counts the failures for A from X only since X last signed in to A', async () => {
    const a = await buildUser();
    const x = address();
    for (let i = 0; i < LOGIN_THROTTLE.pairMaxFailures - 1; i++) await login(a.email, `wrong-${i}-password`, x);
    expect((await login(a.email, TEST_PASSWORD, x)).res.status).toBe(200);
    for (let i = 0; i < LOGIN_THROTTLE.pairMaxFailures - 1; i++) {
      expect((await login(a.email, `wrong-${i}-again`, x)).res.status).toBe(401);
    }
    expect((await login(a.email, TEST_PASSWORD, x)).res.status).toBe(200);
  });

  it('throttles unknown emails the same way (no hint whether the account exists)', async () => {
    const x = address();
    for (let i = 0; i < LOGIN_THROTTLE.pairMaxFailures; i++) await login('nobody-here@example.vn', `wrong-${i}-password`, x);
    expect((await login('nobody-here@example.vn', 'wrong-again-password', x)).res.status).toBe(429);
  });
});

describe('an account under attack from many addresses', () => {
  it('holds attempts from addresses new to the account for at most 2 s, never refuses its owner, and never holds a known address', async () => {
    const a = await buildUser();
    const [y, z, w] = [address(), address(), address()];
    expect((await login(a.email, TEST_PASSWORD, y)).res.status).toBe(200);
    // The record 25 botnet addresses leave, one wrong password each (no address reaches its own
    // limit); written directly, since 25 password checks would only make the test slow.
    await LoginAttempt.bulkCreate(Array.from({ length: 25 }, (_, i) => ({ email: a.email.toLowerCase(), ip: `203.0.113.${i + 1}`, succeeded: false })));

    const hold = LOGIN_THROTTLE.accountHoldMaxMs;
    // The owner on a new network (Z) and one more attacker (W) start together; the owner at a
    // known address (Y) starts while they are held, and finishes first: a hold keeps no
    // database connection.
    const ownerNew = login(a.email, TEST_PASSWORD, z);
    const attacker = login(a.email, 'botnet-late-guess', w);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const ownerKnown = await login(a.email, TEST_PASSWORD, y);
    expect(ownerKnown.res.status).toBe(200);
    expect(await heldMs(ownerKnown)).toBe(0);

    const [owner, guess] = await Promise.all([ownerNew, attacker]);
    expect(owner.res.status).toBe(200);
    expect(owner.ms).toBeGreaterThanOrEqual(hold - 50);
    expect(await heldMs(owner)).toBe(hold);
    expect(guess.res.status).toBe(401);
    expect(guess.ms).toBeGreaterThanOrEqual(hold - 50);
    expect(await AuditEvent.count({ where: { action: 'auth.rate_limited', entityId: a.email } })).toBe(0);

    // Having signed in from Z, the owner is no longer held there.
    const again = await login(a.email, TEST_PASSWORD, z);
    expect(again.res.status).toBe(200);
    expect(await heldMs(again)).toBe(0);
  });

  it('does not hold anyone while the account has only a few failures', async () => {
    const a = await buildUser();
    await LoginAttempt.bulkCreate(
      Array.from({ length: LOGIN_THROTTLE.accountHoldFrom - 1 }, () => ({ email: a.email.toLowerCase(), ip: address(), succeeded: false })),
    );
    const fresh = await login(a.email, TEST_PASSWORD, address());
    expect(fresh.res.status).toBe(200);
    expect(await heldMs(fresh)).toBe(0);
  });
});
