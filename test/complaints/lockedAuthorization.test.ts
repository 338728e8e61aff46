import { AbilityBuilder, createMongoAbility, subject } from '@casl/ability';
import { recordCustomerAnswer, transitionCase, type Actor } from '../../src/commands/caseTransitioner';
import { recordFirstReply, updateComplaint } from '../../src/commands/complaints';
import { transaction } from '../../src/db';
import { currentTransaction } from '../../src/lib/context';
import { Complaint } from '../../src/models';
import type { AppAbility, SubjectRecord } from '../../src/policies/ability';
import { useTestApp } from '../support/app';
import { asActor } from '../support/context';
import { buildComplaint, buildUser, signedIn } from '../support/factories';
import { proposeTestSolution, recordTestFindings } from '../support/procedure';

const t = useTestApp();
const ZONE = 'Asia/Ho_Chi_Minh';

/** Anyone may do anything: sets the scene (as a real user, whom the stage visits name). */
let everything: Actor;
beforeAll(async () => {
  everything = { userId: (await buildUser({ roles: ['quality'] })).id, can: () => true };
});

interface Seen {
  action: string;
  assigneeId: string | null;
  version: number;
  inTransaction: boolean;
}

/**
 * An actor whose rights are scoped to the cases assigned to them (a rule the landed roles do not
 * have, built the way src/policies/ability.ts builds rules). It records every row it was asked
 * about and whether the question came from inside the command's transaction.
 */
function assigneeScoped(userId: string): { actor: Actor; seen: Seen[] } {
  const { can, build } = new AbilityBuilder<AppAbility>(createMongoAbility);
  can(['update', 'transition', 'respond', 'hold'], 'Complaint', { assigneeId: userId });
  const ability = build();
  const seen: Seen[] = [];
  return {
    seen,
    actor: {
      userId,
      can(action, c) {
        seen.push({ action, assigneeId: c.assigneeId, version: c.version, inTransaction: currentTransaction() !== undefined });
        return ability.can(action, subject('Complaint', c.get({ plain: true }) as SubjectRecord));
      },
    },
  };
}

/**
 * Reassigns the case in a transaction that holds its row lock for a moment, as a slow concurrent
 * writer would, while `during` starts. On PostgreSQL `during` waits on the FOR UPDATE lock; on the
 * one-connection embedded database it waits for the connection — either way it must see the new assignee.
 */
async function reassignWhile<T>(id: string, assigneeId: string, during: () => Promise<T>): Promise<T> {
  let locked!: () => void;
  const lockTaken = new Promise<void>((resolve) => (locked = resolve));
  const writer = asActor(() =>
    transaction(async () => {
      const row = (await Complaint.findByPk(id, { lock: true }))!;
      locked();
      await row.update({ assigneeId });
      // Hold the lock while the command arrives (a test stand-in for a slow writer).
      await new Promise((r) => setTimeout(r, 150));
    }),
  );
  await lockTaken;
  const result = during();
  // The command may be refused before this test has seen the writer commit (on PostgreSQL the
  // lock is released by the commit, and the two replies race): handle it now, so the refusal is
  // not an unhandled rejection that ends the test process; the caller still sees it on `result`.
  result.catch(() => undefined);
  await writer;
  return result;
}

describe('case commands authorize against the row they locked', () => {
  it('updateComplaint: a case reassigned while the command waited for the lock is refused 403, before the stale version shows', async () => {
    const a = await buildUser({ roles: ['quality'] });
    const b = await buildUser({ roles: ['quality'] });
    const c = await buildComplaint();
    await asActor(() => updateComplaint(c.id, undefined, { assigneeId: a.id }, ZONE, everything));
    // What a route would have read before the command (unlocked): assigned to A.
    const earlier = (await Complaint.findByPk(c.id))!;
    expect(earlier.assigneeId).toBe(a.id);
    const { actor, seen } = assigneeScoped(a.id);
    const refused = reassignWhile(c.id, b.id, () => asActor(() => updateComplaint(c.id, earlier.version, { severity: 'high' }, ZONE, actor)));
    await expect(refused).rejects.toMatchObject({ status: 403, code: 'forbidden' });
    // Asked once, inside the transaction, about the locked row: B's, at its new version.
    const now = (await Complaint.findByPk(c.id))!;
    expect(seen).toEqual([{ action: 'update', assigneeId: b.id, version: now.version, inTransaction: true }]);
    expect(now).toMatchObject({ severity: 'medium', assigneeId: b.id });
    // Once the row is A's again, A is authorized — and only then learns the version is stale (409).
    await asActor(() => updateComplaint(c.id, undefined, { assigneeId: a.id }, ZONE, everything));
    await expect(asActor(() => updateComplaint(c.id, earlier.version, { severity: 'high' }, ZONE, actor))).rejects.toMatchObject({ status: 409, code: 'conflict' });
    const ok = await asActor(() => updateComplaint(c.id, undefined, { severity: 'high' }, ZONE, actor));
    expect(ok.severity).toBe('high');
  });

  it('recordFirstReply and transitionCase: the same, on the row they locked', async () => {
    const a = await buildUser({ roles: ['quality'] });
    const b = await buildUser({ roles: ['quality'] });
    const c = await buildComplaint();
    await asActor(() => updateComplaint(c.id, undefined, { assigneeId: a.id }, ZONE, everything));
    const reply = assigneeScoped(a.id);
    await expect(reassignWhile(c.id, b.id, () => asActor(() => recordFirstReply(c.id, undefined, { via: 'post' }, reply.actor)))).rejects.toMatchObject({ status: 403 });
    expect(reply.seen).toEqual([expect.objectContaining({ action: 'update', assigneeId: b.id, inTransaction: true })]);
    expect((await Complaint.findByPk(c.id))!.firstRepliedAt).toBeNull();

    await asActor(() => updateComplaint(c.id, undefined, { assigneeId: a.id }, ZONE, everything));
    const move = assigneeScoped(a.id);
    const stale = (await Complaint.findByPk(c.id))!.version - 1;
    await expect(
      reassignWhile(c.id, b.id, () => asActor(() => transitionCase(c.id, stale, { to: 'investigation', acknowledgedVia: 'phone' }, move.actor, ZONE))),
    ).rejects.toMatchObject({ status: 403, code: 'forbidden' });
    expect(move.seen.every((s) => s.assigneeId === b.id && s.inTransaction)).toBe(true);
    expect((await Complaint.findByPk(c.id))!.status).toBe('intake');
  });

  it('recordCustomerAnswer: the round that decides the target is the locked row\'s', async () => {
    const c = await buildComplaint();
    for (const to of ['investigation', 'solution', 'review', 'response'] as const) {
      if (to === 'solution') await recordTestFindings(c.id);
      if (to === 'review') await proposeTestSolution(c.id);
      await asActor(() => transitionCase(c.id, undefined, { to, acknowledgedVia: 'phone' }, everything, ZONE));
    }
    const round1 = await asActor(() => recordCustomerAnswer(c.id, undefined, { accepted: false, reason: 'Chưa đồng ý.' }, everything, ZONE));
    expect(round1).toMatchObject({ status: 'solution', round: 2 });
    await proposeTestSolution(c.id);
    for (const to of ['review', 'response'] as const) await asActor(() => transitionCase(c.id, undefined, { to }, everything, ZONE));
    const round2 = await asActor(() => recordCustomerAnswer(c.id, undefined, { accepted: false, reason: 'Khởi kiện.' }, everything, ZONE));
    expect(round2).toMatchObject({ status: 'disputed', round: 2 });
  });
});

describe('PATCH /api/v1/complaints/:id and first-reply: authorized in the command', () => {
  it('refuses the intake officer whose case left intake while the request waited for the lock (403, not a write)', async () => {
    const intake = await signedIn(['intake']);
    const c = await buildComplaint();
    const patch = () => t.request().patch(`/api/v1/complaints/${c.id}`).set(intake.auth).send({ severity: 'high', version: c.version }).then((r) => r);
    let locked!: () => void;
    const lockTaken = new Promise<void>((resolve) => (locked = resolve));
    const mover = asActor(() =>
      transaction(async () => {
        await Complaint.findByPk(c.id, { lock: true });
        locked();
        await Complaint.update({ status: 'investigation' }, { where: { id: c.id }, hooks: false });
        await new Promise((r) => setTimeout(r, 150));
      }),
    );
    await lockTaken;
    const pending = patch();
    await mover;
    const res = await pending;
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 403, code: 'forbidden' });
    expect((await Complaint.findByPk(c.id))!).toMatchObject({ status: 'investigation', severity: 'medium' });
  });

  it('keeps 401 unauthenticated, 403 forbidden, 400 invalid and 409 conflict, in that order', async () => {
    const c = await buildComplaint();
    const quality = await signedIn(['quality']);
    const auditor = await signedIn(['auditor']);
    const intake = await signedIn(['intake']);
    const patch = (auth: Record<string, string>, body: object) => t.request().patch(`/api/v1/complaints/${c.id}`).set(auth).send(body);
    const reply = (auth: Record<string, string>, body: object) => t.request().post(`/api/v1/complaints/${c.id}/first-reply`).set(auth).send(body);
    expect((await t.request().patch(`/api/v1/complaints/${c.id}`).send({ severity: 'high', version: c.version })).status).toBe(401);
    expect((await t.request().post(`/api/v1/complaints/${c.id}/first-reply`).send({ via: 'post' })).status).toBe(401);
    // A role that may update no case: 403 whatever the body or the version.
    expect((await patch(auditor.auth, { severity: 'nonsense', version: c.version + 9 })).body.code).toBe('forbidden');
    expect((await reply(auditor.auth, { via: 'post', version: c.version + 9 })).body.code).toBe('forbidden');
    // A role that may: the body is checked, then the version.
    expect((await patch(quality.auth, { severity: 'nonsense', version: c.version })).body.code).toBe('validation_failed');
    expect((await patch(quality.auth, { severity: 'high', version: c.version + 9 })).body.code).toBe('conflict');
    expect((await reply(quality.auth, { via: 'post', version: c.version + 9 })).body.code).toBe('conflict');
    // The intake officer's right depends on the case's state: 403 on the locked row, before the stale version.
    await asActor(() => transitionCase(c.id, undefined, { to: 'investigation', acknowledgedVia: 'phone' }, everything, ZONE));
    expect((await patch(intake.auth, { severity: 'high', version: c.version + 9 })).body.code).toBe('forbidden');
    expect((await reply(intake.auth, { via: 'post', version: c.version + 9 })).body.code).toBe('forbidden');
    expect((await Complaint.findByPk(c.id))!).toMatchObject({ severity: 'medium', firstRepliedAt: null });
  });
});
