import { AuditEvent, Complaint, ComplaintHold, ComplaintStage } from '../../src/models';
import { useTestApp } from '../support/app';
import { loadedClock } from '../support/clocks';
import { buildComplaint, buildCustomer, signedIn } from '../support/factories';
import { proposeTestSolution, recordTestFindings, recordTestFollowUp } from '../support/procedure';
import { issueTestLetter } from '../support/letters';

const t = useTestApp();

async function move(auth: Record<string, string>, id: string, body: Record<string, unknown>) {
  return t.request().post(`/api/v1/complaints/${id}/transitions`).set(auth).send(body);
}

describe('POST /api/v1/complaints/:id/transitions', () => {
  it('leaves intake only with the acknowledgment recorded, and lists what is missing', async () => {
    const { auth, user } = await signedIn(['intake']);
    const c = await buildComplaint({ customerId: (await buildCustomer({ email: null })).id });
    const refused = await move(auth, c.id, { to: 'investigation' });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('invalid_transition');
    expect(refused.body.errors).toEqual([{ path: 'acknowledgedVia', message: expect.stringContaining('acknowledged') }]);
    const ok = await move(auth, c.id, { to: 'investigation', acknowledgedVia: 'phone', version: c.version });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: 'investigation', acknowledgedAt: expect.any(String) });
    expect(ok.body.due.stageAt).toBe(new Date(new Date(ok.body.acknowledgedAt).getTime() + 12 * 3600_000).toISOString());
    const stages = await ComplaintStage.findAll({ where: { complaintId: c.id }, order: [['enteredAt', 'ASC']] });
    expect(stages.map((s) => [s.stage, s.exitedBy, s.exitedAt !== null])).toEqual([
      ['intake', user.id, true],
      ['investigation', null, false],
    ]);
    const event = await AuditEvent.findOne({ where: { entityId: c.id, action: 'complaint.transitioned' } });
    expect(event!.meta).toMatchObject({ from: 'intake', to: 'investigation' });
    expect(event!.changes).toMatchObject({ before: { status: 'intake' }, after: { status: 'investigation' } });
  });

  it('acknowledges by email automatically when the customer has one', async () => {
    const { auth } = await signedIn(['quality']);
    const c = await buildComplaint({ customerId: (await buildCustomer({ email: 'hoa@example.vn' })).id });
    const ok = await move(auth, c.id, { to: 'investigation' });
    expect(ok.status).toBe(200);
    expect((await Complaint.findByPk(c.id))!.acknowledgedVia).toBe('email');
  });

  it('refuses an acknowledgment "by email" for a customer without an address, naming acknowledgedVia', async () => {
    const { auth } = await signedIn(['intake']);
    const noEmail = await buildCustomer({ email: null });
    const c = await buildComplaint({ customerId: noEmail.id });
    const refused = await move(auth, c.id, { to: 'investigation', acknowledgedVia: 'email', version: c.version });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('invalid_transition');
    expect(refused.body.errors).toEqual([{ path: 'acknowledgedVia', message: expect.stringContaining('email') }]);
    expect((await Complaint.findByPk(c.id))!).toMatchObject({ status: 'intake', acknowledgedAt: null, acknowledgedVia: null, version: c.version });
    // Feedback closed on the spot records the channel as acknowledgment and reply: refused alike.
    const feedback = await buildComplaint({ kind: 'feedback', customerId: noEmail.id });
    const closing = await move(auth, feedback.id, { to: 'closed', note: 'Đã trả lời qua email.', acknowledgedVia: 'email' });
    expect(closing.status).toBe(409);
    expect(closing.body.errors.map((e: { path: string }) => e.path)).toEqual(['acknowledgedVia']);
    expect((await Complaint.findByPk(feedback.id))!).toMatchObject({ status: 'intake', firstReplyVia: null });
    // A time-barred complaint answered as time-barred, likewise.
    const late = await buildComplaint({ customerId: noEmail.id, incidentDate: '2025-01-01' });
    await issueTestLetter(late.id, 'time_barred');
    const answer = await move(auth, late.id, { to: 'closed', acknowledgedVia: 'email', timeBarredDecision: 'answer_time_barred', note: 'Quá hạn.' });
    expect(answer.body.errors.map((e: { path: string }) => e.path)).toEqual(['acknowledgedVia']);
    // The channel it really went by is accepted; a customer with an address may be acknowledged by email.
    expect((await move(auth, c.id, { to: 'investigation', acknowledgedVia: 'phone' })).body).toMatchObject({ status: 'investigation', acknowledgedVia: 'phone' });
    const withEmail = await buildComplaint({ customerId: (await buildCustomer({ email: 'lan@example.vn' })).id });
    expect((await move(auth, withEmail.id, { to: 'investigation', acknowledgedVia: 'email' })).body).toMatchObject({ status: 'investigation', acknowledgedVia: 'email' });
  });

  it('lets a time-barred complaint proceed only with a recorded decision', async () => {
    const { auth } = await signedIn(['quality']);
    const c = await buildComplaint({ incidentDate: '2025-01-01' });
    expect(c.timeBarred).toBe(true);
    const refused = await move(auth, c.id, { to: 'investigation', acknowledgedVia: 'phone' });
    expect(refused.body.errors.map((e: { path: string }) => e.path)).toEqual(['timeBarredDecision']);
    // Closing as time-barred needs the note and the time-barred letter issued.
    const unanswered = await move(auth, c.id, { to: 'closed', acknowledgedVia: 'phone', timeBarredDecision: 'answer_time_barred' });
    expect(unanswered.body.errors.map((e: { path: string }) => e.path)).toEqual(['note', 'letters']);
    await issueTestLetter(c.id, 'time_barred');
    const answer = await move(auth, c.id, { to: 'closed', acknowledgedVia: 'phone', timeBarredDecision: 'answer_time_barred' });
    expect(answer.body.errors.map((e: { path: string }) => e.path)).toEqual(['note']);
    const closed = await move(auth, c.id, { to: 'closed', acknowledgedVia: 'phone', timeBarredDecision: 'answer_time_barred', note: 'Đã trả lời khách hàng: khiếu nại quá thời hạn 90 ngày.' });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', timeBarredDecision: 'answer_time_barred', closedAt: expect.any(String), resolvedAt: expect.any(String) });
  });

  it('closes feedback from intake with the on-the-spot answer', async () => {
    const { auth } = await signedIn(['intake']);
    const c = await buildComplaint({ kind: 'feedback' });
    expect((await move(auth, c.id, { to: 'investigation' })).status).toBe(409);
    expect((await move(auth, c.id, { to: 'closed' })).body.errors[0].path).toBe('note');
    const res = await move(auth, c.id, { to: 'closed', note: 'Đã hướng dẫn khách vệ sinh lõi lọc.', acknowledgedVia: 'in_person' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'closed', resolution: 'Đã hướng dẫn khách vệ sinh lõi lọc.', firstRepliedAt: expect.any(String), nextDueAt: null });
  });

  it('refuses an edge the stage table does not have, naming the allowed ones', async () => {
    const { auth } = await signedIn(['quality']);
    const c = await buildComplaint();
    const res = await move(auth, c.id, { to: 'follow_up' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('invalid_transition');
    expect(res.body.errors[0]).toMatchObject({ path: 'to', message: expect.stringContaining('investigation') });
  });

  it('answers 409 conflict for a stale version, 404 for an unknown case, 400 for a bad body', async () => {
    const { auth } = await signedIn(['quality']);
    const c = await buildComplaint({ customerId: (await buildCustomer({ email: 'a@b.vn' })).id });
    const stale = await move(auth, c.id, { to: 'investigation', version: c.version + 3 });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('conflict');
    expect((await Complaint.findByPk(c.id))!.status).toBe('intake');
    expect((await move(auth, '00000000-0000-4000-8000-000000000000', { to: 'investigation' })).status).toBe(404);
    expect((await move(auth, c.id, { to: 'archived' })).status).toBe(400);
    expect((await move(auth, c.id, { to: 'investigation', extra: 1 })).status).toBe(400);
    expect((await t.request().post(`/api/v1/complaints/${c.id}/transitions`).send({ to: 'investigation' })).status).toBe(401);
  });

  it('runs the whole procedure, with each edge taken by the role PRODUCT.md gives it', async () => {
    const quality = await signedIn(['quality']);
    const director = await signedIn(['cs_director']);
    const legal = await signedIn(['legal']);
    const intake = await signedIn(['intake']);
    const c = await buildComplaint({ customerId: (await buildCustomer({ email: 'k@h.vn' })).id });
    expect((await move(quality.auth, c.id, { to: 'investigation' })).status).toBe(200);
    await recordTestFindings(c.id);
    expect((await move(intake.auth, c.id, { to: 'solution' })).status).toBe(403);
    expect((await move(quality.auth, c.id, { to: 'solution' })).status).toBe(200);
    await proposeTestSolution(c.id);
    expect((await move(quality.auth, c.id, { to: 'review' })).status).toBe(200);
    expect((await move(quality.auth, c.id, { to: 'response' })).status).toBe(403);
    expect((await move(director.auth, c.id, { to: 'solution' })).body.errors[0].path).toBe('reason');
    expect((await move(director.auth, c.id, { to: 'solution', reason: 'Thiếu biện pháp phòng ngừa.' })).status).toBe(200);
    await proposeTestSolution(c.id);
    await move(quality.auth, c.id, { to: 'review' });
    expect((await move(director.auth, c.id, { to: 'response' })).status).toBe(200);
    const rejected = await move(quality.auth, c.id, { to: 'solution', reason: 'Khách hàng không đồng ý mức bồi thường.' });
    expect(rejected.body).toMatchObject({ status: 'solution', round: 2, resolvedAt: null });
    await proposeTestSolution(c.id);
    await move(quality.auth, c.id, { to: 'review' });
    await move(director.auth, c.id, { to: 'response' });
    expect((await move(quality.auth, c.id, { to: 'solution', reason: 'x' })).body.errors[0].path).toBe('round');
    const disputed = await move(quality.auth, c.id, { to: 'disputed', reason: 'Khách hàng khởi kiện.' });
    expect(disputed.body).toMatchObject({ status: 'disputed', resolvedAt: expect.any(String) });
    expect((await move(quality.auth, c.id, { to: 'closed', note: 'x' })).status).toBe(403);
    const closed = await move(legal.auth, c.id, { to: 'closed', note: 'Hòa giải thành tại tòa.' });
    expect(closed.body).toMatchObject({ status: 'closed', closedAt: expect.any(String) });
    const detail = await t.request().get(`/api/v1/complaints/${c.id}`).set(legal.auth);
    expect(detail.body.timeline.map((s: { stage: string; round: number }) => `${s.stage}/${s.round}`)).toEqual([
      'intake/1', 'investigation/1', 'solution/1', 'review/1', 'solution/1', 'review/1', 'response/1', 'solution/2', 'review/2', 'response/2', 'disputed/2', 'closed/2',
    ]);
    expect(detail.body.timeline[1]).toMatchObject({ enteredBy: { id: quality.user.id }, exitedBy: { id: quality.user.id } });
  });

  it('goes from response to follow-up when the customer accepts, which counts as resolved', async () => {
    const quality = await signedIn(['quality']);
    const director = await signedIn(['cs_director']);
    const c = await buildComplaint({ customerId: (await buildCustomer({ email: 'k@h.vn' })).id });
    for (const to of ['investigation', 'solution', 'review']) {
      if (to === 'solution') await recordTestFindings(c.id);
      if (to === 'review') await proposeTestSolution(c.id);
      await move(quality.auth, c.id, { to });
    }
    await move(director.auth, c.id, { to: 'response' });
    // The customer's acceptance needs the resolution letter issued.
    expect((await move(quality.auth, c.id, { to: 'follow_up' })).body.errors).toEqual([expect.objectContaining({ path: 'letters' })]);
    await issueTestLetter(c.id, 'resolution');
    const res = await move(quality.auth, c.id, { to: 'follow_up' });
    expect(res.body).toMatchObject({ status: 'follow_up', resolvedAt: expect.any(String) });
    const local = new Date(new Date(res.body.resolvedAt).getTime() + 7 * 3600_000);
    local.setUTCDate(local.getUTCDate() + 7);
    expect(res.body.due.stageAt).toBe(`${local.toISOString().slice(0, 10)}T16:59:59.999Z`);
  });

  it('puts a case on hold with a reason: the stage clock stops and resumes later, the legal limits never move', async () => {
    const { auth } = await signedIn(['quality']);
    const c = await buildComplaint({ customerId: (await buildCustomer({ email: 'k@h.vn' })).id });
    await move(auth, c.id, { to: 'investigation' });
    expect((await move(auth, c.id, { to: 'on_hold' })).body.errors[0].path).toBe('reason');
    const held = await move(auth, c.id, { to: 'on_hold', reason: 'Chờ nhà cung cấp gửi kết quả kiểm nghiệm.' });
    expect(held.body).toMatchObject({ status: 'on_hold', heldStatus: 'investigation', due: { stageAt: null } });
    expect(held.body.due.resolutionAt).toBe(loadedClock(c, 'resolution').dueAt!.toISOString());
    expect((await move(auth, c.id, { to: 'solution' })).status).toBe(409);
    // Pretend the stage began three hours ago and the hold two hours ago: the deadline moves out by two hours.
    const enteredAt = new Date(Date.now() - 3 * 3600_000);
    await ComplaintStage.update({ enteredAt }, { where: { complaintId: c.id, stage: 'investigation' }, hooks: false });
    await ComplaintHold.update({ startedAt: new Date(Date.now() - 2 * 3600_000) }, { where: { complaintId: c.id }, hooks: false });
    const resumed = await move(auth, c.id, { to: 'investigation' });
    expect(resumed.body.status).toBe('investigation');
    const expected = enteredAt.getTime() + 12 * 3600_000 + 2 * 3600_000;
    expect(Math.abs(new Date(resumed.body.due.stageAt).getTime() - expected)).toBeLessThan(5_000);
    const detail = await t.request().get(`/api/v1/complaints/${c.id}`).set(auth);
    expect(detail.body.holds).toEqual([expect.objectContaining({ stage: 'investigation', reason: 'Chờ nhà cung cấp gửi kết quả kiểm nghiệm.', endedAt: expect.any(String), minutes: 120 })]);
  });

  it('refuses to close a serious-harm case without a signed regulatory decision', async () => {
    const quality = await signedIn(['quality']);
    const director = await signedIn(['cs_director']);
    const c = await buildComplaint({ harm: 'serious_injury', customerId: (await buildCustomer({ email: 'k@h.vn' })).id });
    for (const to of ['investigation', 'solution', 'review']) {
      if (to === 'solution') await recordTestFindings(c.id);
      if (to === 'review') await proposeTestSolution(c.id);
      await move(quality.auth, c.id, { to });
    }
    await move(director.auth, c.id, { to: 'response' });
    await issueTestLetter(c.id, 'resolution');
    await move(quality.auth, c.id, { to: 'follow_up' });
    await recordTestFollowUp(c.id);
    const res = await move(quality.auth, c.id, { to: 'closed' });
    expect(res.status).toBe(409);
    expect(res.body.errors).toEqual([{ path: 'regulatory', message: expect.stringContaining('CEO') }]);
  });
});

describe('GET /api/v1/complaints/:id', () => {
  it('shows the transitions the reader may take', async () => {
    const quality = await signedIn(['quality']);
    const auditor = await signedIn(['auditor']);
    const c = await buildComplaint();
    expect((await t.request().get(`/api/v1/complaints/${c.id}`).set(quality.auth)).body.allowedTransitions.sort()).toEqual(['investigation', 'on_hold']);
    expect((await t.request().get(`/api/v1/complaints/${c.id}`).set(auditor.auth)).body.allowedTransitions).toEqual([]);
    expect((await t.request().get(`/api/v1/complaints/${c.id}`).set((await signedIn(['sysadmin'])).auth)).status).toBe(403);
  });
});

describe('POST /api/v1/complaints/:id/first-reply', () => {
  it('meets the 48-hour clock and starts the negotiation', async () => {
    const { auth } = await signedIn(['quality']);
    const c = await buildComplaint();
    const res = await t.request().post(`/api/v1/complaints/${c.id}/first-reply`).set(auth).send({ via: 'post' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ firstRepliedAt: expect.any(String), acknowledgedAt: expect.any(String), negotiationStartedAt: expect.any(String) });
    expect((await t.request().post(`/api/v1/complaints/${c.id}/first-reply`).set(auth).send({ via: 'post' })).status).toBe(409);
    expect((await t.request().post(`/api/v1/complaints/${c.id}/first-reply`).set(auth).send({ via: 'pigeon' })).status).toBe(400);
  });
});

describe('POST /api/v1/complaints/:id/first-reply by email', () => {
  it('refuses "by email" to a customer without an address with 400 naming via, and records it for one with an address', async () => {
    const { auth } = await signedIn(['quality']);
    const c = await buildComplaint({ customerId: (await buildCustomer({ email: null })).id });
    const refused = await t.request().post(`/api/v1/complaints/${c.id}/first-reply`).set(auth).send({ via: 'email', version: c.version });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('validation_failed');
    expect(refused.body.errors).toEqual([{ path: 'via', message: expect.stringContaining('email') }]);
    expect((await Complaint.findByPk(c.id))!).toMatchObject({ firstRepliedAt: null, acknowledgedVia: null, version: c.version });
    expect((await t.request().post(`/api/v1/complaints/${c.id}/first-reply`).set(auth).send({ via: 'post' })).body).toMatchObject({ firstReplyVia: 'post', acknowledgedVia: 'post' });
    const d = await buildComplaint({ customerId: (await buildCustomer({ email: 'minh@example.vn' })).id });
    expect((await t.request().post(`/api/v1/complaints/${d.id}/first-reply`).set(auth).send({ via: 'email' })).body).toMatchObject({ firstReplyVia: 'email', acknowledgedVia: 'email' });
  });
});

describe('POST /review and /customer-response', () => {
  it('approve, return, accept and reject drive the same stage machine, with the rounds of PRODUCT.md', async () => {
    const quality = await signedIn(['quality']);
    const director = await signedIn(['cs_director']);
    const head = await signedIn(['dept_head']);
    const c = await buildComplaint({ customerId: (await buildCustomer({ email: 'k@h.vn' })).id });
    for (const to of ['investigation', 'solution', 'review']) {
      if (to === 'solution') await recordTestFindings(c.id);
      if (to === 'review') await proposeTestSolution(c.id);
      await move(quality.auth, c.id, { to });
    }
    const review = (body: object, auth = director.auth) => t.request().post(`/api/v1/complaints/${c.id}/review`).set(auth).send(body);
    const answer = (body: object, auth = quality.auth) => t.request().post(`/api/v1/complaints/${c.id}/customer-response`).set(auth).send(body);
    expect((await review({ approved: false })).body.errors[0].path).toBe('comment');
    expect((await review({ approved: true }, quality.auth)).status).toBe(403);
    expect((await review({ approved: false, comment: 'Bổ sung biện pháp phòng ngừa.' })).body).toMatchObject({ status: 'solution', round: 1 });
    await proposeTestSolution(c.id);
    await move(quality.auth, c.id, { to: 'review' });
    expect((await review({ approved: true, comment: 'Đồng ý.' })).body.status).toBe('response');
    expect((await answer({ accepted: false })).status).toBe(400);
    expect((await answer({ accepted: false, reason: 'Không đồng ý.' }, head.auth)).body).toMatchObject({ status: 'solution', round: 2 });
    await proposeTestSolution(c.id);
    await move(quality.auth, c.id, { to: 'review' });
    await review({ approved: true });
    expect((await answer({ accepted: false, reason: 'Vẫn không đồng ý, sẽ khởi kiện.' })).body).toMatchObject({ status: 'disputed', round: 2 });
    expect((await answer({ accepted: true })).status).toBe(409);
  });
});

describe('authorization comes before the case state (403 before 409)', () => {
  it('a role without the right gets 403 on review, customer-response and transitions, whatever the stage or version', async () => {
    const auditor = await signedIn(['auditor']);
    const quality = await signedIn(['quality']);
    const c = await buildComplaint();
    const stale = c.version + 5;
    const post = (path: string, auth: Record<string, string>, body: object) => t.request().post(`/api/v1/complaints/${c.id}/${path}`).set(auth).send(body);
    // The case is in intake: a review or an answer is impossible there, and the version is stale — neither may show.
    for (const [path, auth, body] of [
      ['review', auditor.auth, { approved: true, version: stale }],
      ['review', quality.auth, { approved: true, version: stale }],
      ['customer-response', auditor.auth, { accepted: true, version: stale }],
      ['transitions', auditor.auth, { to: 'closed', version: stale }],
      ['transitions', auditor.auth, { to: 'investigation', version: stale }],
    ] as const) {
      const res = await post(path, auth, body);
      expect({ path, status: res.status, code: res.body.code }).toEqual({ path, status: 403, code: 'forbidden' });
    }
    // A role that may act still learns about the stale version and the missing edge.
    expect((await post('transitions', quality.auth, { to: 'investigation', acknowledgedVia: 'phone', version: stale })).body.code).toBe('conflict');
    expect((await post('transitions', quality.auth, { to: 'follow_up' })).body.code).toBe('invalid_transition');
    expect((await Complaint.findByPk(c.id))!.status).toBe('intake');
  });
});
