import { Complaint } from '../../src/models';
import { useTestApp } from '../support/app';
import { buildComplaint, buildCustomer, signedIn } from '../support/factories';

const t = useTestApp();

const refs = (body: { items: Array<{ reference: string }> }) => body.items.map((i) => i.reference);

describe('GET /api/v1/complaints', () => {
  it('finds "máy lọc nước" by "may loc nuoc", and by customer name and reference, ignoring case and diacritics', async () => {
    const { auth } = await signedIn(['auditor']);
    const customer = await buildCustomer({ name: 'Trần Thị Ánh Tuyết' });
    const a = await buildComplaint({ subject: 'Máy lọc nước Đà Nẵng bị rò rỉ', customerId: customer.id });
    const b = await buildComplaint({ subject: 'Giao hàng chậm', description: 'Đơn hàng giao trễ 5 ngày.' });
    expect(refs((await t.request().get('/api/v1/complaints').query({ q: 'may loc nuoc' }).set(auth)).body)).toContain(a.reference);
    expect(refs((await t.request().get('/api/v1/complaints').query({ q: 'MÁY LỌC' }).set(auth)).body)).toContain(a.reference);
    expect(refs((await t.request().get('/api/v1/complaints').query({ q: 'anh tuyet' }).set(auth)).body)).toEqual([a.reference]);
    expect(refs((await t.request().get('/api/v1/complaints').query({ q: b.reference }).set(auth)).body)).toEqual([b.reference]);
    // A reference's beginning, any case, finds the references that start with it (and only those).
    const prefix = b.reference.slice(0, -1).toLowerCase();
    const byPrefix = refs((await t.request().get('/api/v1/complaints').query({ q: ` ${prefix} ` }).set(auth)).body);
    expect(byPrefix).toContain(b.reference);
    expect(byPrefix.every((r: string) => r.startsWith(prefix.toUpperCase()))).toBe(true);
    expect(refs((await t.request().get('/api/v1/complaints').query({ q: 'da nang' }).set(auth)).body)).not.toContain(b.reference);
    expect((await t.request().get('/api/v1/complaints').query({ q: '100%_' }).set(auth)).body.items).toEqual([]);
  });

  it('lists overdue entries only with overdue=true', async () => {
    const { auth } = await signedIn(['quality']);
    const customer = await buildCustomer();
    const late = await buildComplaint({ customerId: customer.id, receivedAt: new Date(Date.now() - 3 * 3600_000) });
    const fresh = await buildComplaint({ customerId: customer.id });
    const res = await t.request().get('/api/v1/complaints').query({ overdue: 'true', customerId: customer.id }).set(auth);
    expect(refs(res.body)).toEqual([late.reference]);
    expect(res.body.items[0].overdue).toBe(true);
    const all = await t.request().get('/api/v1/complaints').query({ customerId: customer.id }).set(auth);
    expect(refs(all.body).sort()).toEqual([late.reference, fresh.reference].sort());
  });

  it('sorts the queue by the earliest pending deadline with keyset pages that neither skip nor repeat', async () => {
    const { auth } = await signedIn(['quality']);
    const customer = await buildCustomer();
    const made: Complaint[] = [];
    for (let i = 0; i < 7; i++) made.push(await buildComplaint({ customerId: customer.id, receivedAt: new Date(Date.now() - (i * 7 + 1) * 60_000), severity: i % 2 ? 'high' : 'low' }));
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await t.request().get('/api/v1/complaints').query({ customerId: customer.id, sort: 'due', limit: 3, ...(cursor ? { cursor } : {}) }).set(auth);
      expect(res.status).toBe(200);
      seen.push(...refs(res.body));
      cursor = res.body.nextCursor ?? undefined;
    } while (cursor);
    const expected = [...made].sort((a, b) => a.nextDueAt!.getTime() - b.nextDueAt!.getTime() || a.id.localeCompare(b.id)).map((c) => c.reference);
    expect(seen).toEqual(expected);
  });

  it('pages newest first by default and filters by status, kind, severity and receipt dates', async () => {
    const { auth } = await signedIn(['legal']);
    const customer = await buildCustomer();
    const oct = await buildComplaint({ customerId: customer.id, receivedAt: new Date('2026-10-10T03:00:00Z'), incidentDate: '2026-10-09', severity: 'critical' });
    const nov = await buildComplaint({ customerId: customer.id, receivedAt: new Date('2026-11-10T03:00:00Z'), incidentDate: '2026-11-09', kind: 'feedback' });
    const base = { customerId: customer.id };
    const page1 = await t.request().get('/api/v1/complaints').query({ ...base, limit: 1 }).set(auth);
    expect(refs(page1.body)).toEqual([nov.reference]);
    const page2 = await t.request().get('/api/v1/complaints').query({ ...base, limit: 1, cursor: page1.body.nextCursor }).set(auth);
    expect(refs(page2.body)).toEqual([oct.reference]);
    expect(page2.body.nextCursor).toBeNull();
    expect(refs((await t.request().get('/api/v1/complaints').query({ ...base, kind: 'feedback' }).set(auth)).body)).toEqual([nov.reference]);
    expect(refs((await t.request().get('/api/v1/complaints').query({ ...base, severity: 'critical,high' }).set(auth)).body)).toEqual([oct.reference]);
    expect(refs((await t.request().get('/api/v1/complaints').query({ ...base, status: 'intake' }).set(auth)).body)).toHaveLength(2);
    expect(refs((await t.request().get('/api/v1/complaints').query({ ...base, status: 'closed' }).set(auth)).body)).toEqual([]);
    expect(refs((await t.request().get('/api/v1/complaints').query({ ...base, receivedFrom: '2026-11-01', receivedTo: '2026-11-30' }).set(auth)).body)).toEqual([nov.reference]);
    // 2026-10-10 10:00 in Hà Nội is inside "2026-10-10" there.
    expect(refs((await t.request().get('/api/v1/complaints').query({ ...base, receivedFrom: '2026-10-10', receivedTo: '2026-10-10' }).set(auth)).body)).toEqual([oct.reference]);
  });

  it.each([
    [{ status: 'open' }, 'status'],
    [{ severity: 'urgent' }, 'severity'],
    [{ overdue: 'yes' }, 'overdue'],
    [{ receivedFrom: '2026-13-01' }, 'receivedFrom'],
    [{ customerId: 'abc' }, 'customerId'],
    [{ limit: '201' }, 'limit'],
    [{ sort: 'random' }, 'sort'],
    [{ cursor: 'bm9wZQ' }, 'cursor'],
    [{ page: '2' }, '(body)'],
  ])('answers 400 for the bad filter %j', async (query, path) => {
    const { auth } = await signedIn(['quality']);
    const res = await t.request().get('/api/v1/complaints').query(query).set(auth);
    expect(res.status).toBe(400);
    const paths: string[] = res.body.errors.map((e: { path: string }) => e.path);
    expect(paths.some((p) => p === path || p.startsWith(`${path}.`))).toBe(true);
  });

  it('answers 401 anonymous and 403 for the sysadmin, who sees no case content', async () => {
    expect((await t.request().get('/api/v1/complaints')).status).toBe(401);
    expect((await t.request().get('/api/v1/complaints').set((await signedIn(['sysadmin'])).auth)).status).toBe(403);
  });
});

describe('customers API', () => {
  it('creates, finds without diacritics, edits with a version, and refuses duplicates and bad input', async () => {
    const { auth } = await signedIn(['intake']);
    const created = await t.request().post('/api/v1/customers').set(auth).send({ name: 'Công ty Cổ phần Đông Á', type: 'company', tier: 'vip', phone: '+84 24 3826 1234', contacts: [{ name: 'Chị Hương', role: 'Kế toán', phone: '0912 345 678' }] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ code: expect.stringMatching(/^KH-\d{6}$/), tier: 'vip', contacts: [{ name: 'Chị Hương' }] });
    const found = await t.request().get('/api/v1/customers').query({ q: 'dong a' }).set(auth);
    expect(found.body.items.map((c: { id: string }) => c.id)).toContain(created.body.id);
    const renamed = await t.request().patch(`/api/v1/customers/${created.body.id}`).set(auth).send({ name: 'Công ty CP Đông Á Mới', version: created.body.version });
    expect(renamed.status).toBe(200);
    expect((await t.request().patch(`/api/v1/customers/${created.body.id}`).set(auth).send({ name: 'x', version: created.body.version })).status).toBe(409);
    expect((await t.request().post('/api/v1/customers').set(auth).send({ name: 'A', type: 'company', code: created.body.code })).status).toBe(409);
    for (const bad of [{ name: 'A', type: 'alien' }, { name: '', type: 'person' }, { name: 'A', type: 'person', tier: 'gold' }, { name: 'A', type: 'person', email: 'nope' }, { name: 'A', type: 'person', phone: 'call me' }])
      expect((await t.request().post('/api/v1/customers').set(auth).send(bad)).status).toBe(400);
    expect((await t.request().post('/api/v1/customers').set((await signedIn(['auditor'])).auth).send({ name: 'A', type: 'person' })).status).toBe(403);
    expect((await t.request().get('/api/v1/customers/00000000-0000-4000-8000-000000000000').set(auth)).status).toBe(404);
  });

  it('carries a new customer name into the search of their entries', async () => {
    const { auth } = await signedIn(['quality']);
    const customer = await buildCustomer({ name: 'Lê Văn Cũ' });
    const c = await buildComplaint({ customerId: customer.id });
    await t.request().patch(`/api/v1/customers/${customer.id}`).set(auth).send({ name: 'Lê Văn Mới', version: customer.version });
    expect(refs((await t.request().get('/api/v1/complaints').query({ q: 'le van moi' }).set(auth)).body)).toEqual([c.reference]);
  });
});
