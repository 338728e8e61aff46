import { Complaint } from '../../src/models';
import { useTestApp } from '../support/app';
import { buildComplaint, buildCustomer, signedIn } from '../support/factories';
import { moveTestCase } from '../support/procedure';

const t = useTestApp();

let quality: Awaited<ReturnType<typeof signedIn>>;
let legal: Awaited<ReturnType<typeof signedIn>>;
beforeAll(async () => {
  quality = await signedIn(['quality']);
  legal = await signedIn(['legal']);
});

const post = (id: string, path: string, body: Record<string, unknown>, auth = quality.auth) => t.request().post(`/api/v1/complaints/${id}/${path}`).set(auth).send(body);
const letterPaths = (res: { body: { errors?: Array<{ path: string }> } }) => (res.body.errors ?? []).map((e) => e.path).filter((p) => p === 'letters');

describe('the letters guards, through the transitions endpoint', () => {
  it('closes a time-barred complaint answered as time-barred only once the time-barred letter is issued', async () => {
    const c = await buildComplaint({ incidentDate: '2025-01-01' });
    expect(c.timeBarred).toBe(true);
    const body = { to: 'closed', acknowledgedVia: 'phone', timeBarredDecision: 'answer_time_barred', note: 'Đã trả lời khách hàng: khiếu nại quá thời hạn.' };
    const refused = await post(c.id, 'transitions', body);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('invalid_transition');
    expect(refused.body.errors).toEqual([{ path: 'letters', message: 'Issue the time-barred answer to the customer.' }]);
    // Another kind of letter does not answer it.
    expect((await post(c.id, 'letters', { template: 'first_reply', channel: 'post' })).status).toBe(201);
    expect(letterPaths(await post(c.id, 'transitions', body))).toEqual(['letters']);
    expect((await post(c.id, 'letters', { template: 'time_barred', channel: 'post' })).status).toBe(201);
    const closed = await post(c.id, 'transitions', body);
    expect(closed.status).toBe(200);
    expect(closed.body.status).toBe('closed');
  });

  it("takes the customer's acceptance in round 1 only with the resolution letter of round 1", async () => {
    const start = await buildComplaint({ customerId: (await buildCustomer({ email: 'khach1@example.vn' })).id });
    const c = await moveTestCase(start, ['investigation', 'solution', 'review', 'response']);
    expect(c).toMatchObject({ status: 'response', round: 1 });
    const refused = await post(c.id, 'customer-response', { accepted: true });
    expect(refused.status).toBe(409);
    expect(letterPaths(refused)).toEqual(['letters']);
    expect(refused.body.errors.find((e: { path: string }) => e.path === 'letters').message).toBe('Issue the resolution letter (round 1) to the customer.');
    expect((await post(c.id, 'letters', { template: 'resolution', channel: 'post' })).status).toBe(201);
    const accepted = await post(c.id, 'customer-response', { accepted: true });
    expect(accepted.status).toBe(200);
    expect((await Complaint.findByPk(c.id))!.status).toBe('follow_up');
  });

  it('in round 2 needs the second-round letter issued in round 2 (a round-1 letter does not count)', async () => {
    const start = await buildComplaint({ customerId: (await buildCustomer({ email: 'khach2@example.vn' })).id });
    let c = await moveTestCase(start, ['investigation', 'solution', 'review', 'response']);
    expect((await post(c.id, 'letters', { template: 'second_round', channel: 'post' }, legal.auth)).status).toBe(201);
    expect((await post(c.id, 'customer-response', { accepted: false, reason: 'Khách hàng muốn được đổi sản phẩm mới.' })).status).toBe(200);
    c = await moveTestCase((await Complaint.findByPk(c.id))!, ['review', 'response']);
    expect(c).toMatchObject({ status: 'response', round: 2 });
    const refused = await post(c.id, 'customer-response', { accepted: true });
    expect(refused.status).toBe(409);
    expect(refused.body.errors.find((e: { path: string }) => e.path === 'letters').message).toBe('Issue the second-round letter to the customer.');
    expect((await post(c.id, 'letters', { template: 'resolution', channel: 'post' })).status).toBe(201);
    expect(letterPaths(await post(c.id, 'customer-response', { accepted: true }))).toEqual(['letters']);
    const letter = await post(c.id, 'letters', { template: 'second_round', channel: 'post' }, legal.auth);
    expect(letter.body.round).toBe(2);
    expect((await post(c.id, 'customer-response', { accepted: true })).status).toBe(200);
    expect((await Complaint.findByPk(c.id))!.status).toBe('follow_up');
  });
});
