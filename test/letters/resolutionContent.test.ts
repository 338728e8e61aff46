/**
 * The resolution letter tells the customer what the CS director approved and what the case's
 * corrective actions have fixed and still leave pending (PRODUCT.md "Corrective actions and
 * supplier fixes": a letter that lists what has been fixed and what is still pending) — proposed
 * with the solution in one request (POST /solution {summary, actions}).
 */
import { resetClock } from '../../src/lib/clock';
import { useTestApp } from '../support/app';
import { useFixedClock } from '../support/clock';
import { buildComplaint, buildCustomer, buildDepartment, signedIn } from '../support/factories';
import { asBytes, pdfText } from '../support/pdf';
import { moveTestCase, recordTestFindings } from '../support/procedure';

const t = useTestApp();

afterAll(() => resetClock());

it('carries the approved solution, the fixed and the pending items and the supplier\'s long-term fix with its due date', async () => {
  // 10:00 in Hà Nội on 2 November 2026.
  useFixedClock('2026-11-02T03:00:00Z');
  const quality = await signedIn(['quality'], { name: 'Phạm Quốc Việt' });
  const director = await signedIn(['cs_director'], { name: 'Lê Quang Vinh' });
  const warehouse = await buildDepartment({ name: 'Phòng Kho vận' });
  const c = await buildComplaint({ customerId: (await buildCustomer({ name: 'Lê Thị Ngọc Ánh', email: 'anh.le@example.vn' })).id, incidentDate: '2026-10-30' }, quality.user);
  await moveTestCase(c, ['investigation']);
  await recordTestFindings(c.id, { substantiated: true, rootCause: 'Gioăng cửa tủ của nhà cung cấp bị hở.', responsibleDepartment: warehouse.id });
  const toSolution = await t.request().post(`/api/v1/complaints/${c.id}/transitions`).set(quality.auth).send({ to: 'solution' });
  expect(toSolution.status).toBe(200);

  // The solution and its actions in one request; a bad action refuses the whole proposal.
  const bad = await t.request().post(`/api/v1/complaints/${c.id}/solution`).set(quality.auth).send({ summary: 'Thay gioăng.', actions: [{ type: 'corrective', description: 'x', ownerDepartment: 'KHONG-CO', dueAt: '2026-11-10' }] });
  expect(bad.status).toBe(400);
  expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(['actions.0.ownerDepartment']);
  const noType = await t.request().post(`/api/v1/complaints/${c.id}/solution`).set(quality.auth).send({ summary: 'Thay gioăng.', actions: [{ description: 'x', ownerDepartment: warehouse.code, dueAt: '2026-11-10' }] });
  expect(noType.status).toBe(400);
  expect(noType.body.errors.map((e: { path: string }) => e.path)).toContain('actions.0.type');
  expect((await t.request().get(`/api/v1/complaints/${c.id}`).set(quality.auth)).body.solutions).toEqual([]);

  const proposed = await t.request().post(`/api/v1/complaints/${c.id}/solution`).set(quality.auth).send({
    summary: 'Thay gioăng cửa tủ lạnh miễn phí tại nhà khách hàng.',
    actions: [
      { type: 'containment', description: 'Thay gioăng cửa tại nhà khách hàng.', ownerDepartment: warehouse.code, dueAt: '2026-11-04' },
      { type: 'corrective', description: 'Kiểm tra gioăng của lô hàng còn trong kho.', ownerDepartment: warehouse.code, dueAt: '2026-11-20' },
      { type: 'supplier_long_term', description: 'Nhà cung cấp đổi vật liệu gioăng.', ownerDepartment: warehouse.code, dueAt: '2026-11-30', supplier: { name: 'Công ty Cao su Sao Vàng', longTermDueAt: '2026-12-31' } },
    ],
  });
  expect(proposed.status).toBe(201);
  const actions = (await t.request().get(`/api/v1/complaints/${c.id}`).set(quality.auth)).body.actions as Array<{ id: string; type: string; version: number }>;
  expect(actions.map((a) => a.type).sort()).toEqual(['containment', 'corrective', 'supplier_long_term']);
  const containment = actions.find((a) => a.type === 'containment')!;
  const started = await t.request().patch(`/api/v1/actions/${containment.id}`).set(quality.auth).send({ status: 'in_progress', version: containment.version });
  expect(started.status).toBe(200);
  expect((await t.request().patch(`/api/v1/actions/${containment.id}`).set(quality.auth).send({ status: 'done', version: started.body.version })).status).toBe(200);

  expect((await t.request().post(`/api/v1/complaints/${c.id}/transitions`).set(quality.auth).send({ to: 'review' })).status).toBe(200);
  expect((await t.request().post(`/api/v1/complaints/${c.id}/review`).set(director.auth).send({ approved: true, comment: 'Đồng ý.' })).status).toBe(200);

  const res = await asBytes(t.request().post(`/api/v1/complaints/${c.id}/letters/preview`).set(quality.auth).send({ template: 'resolution', channel: 'post' }));
  expect(res.status).toBe(200);
  const text = (await pdfText(res)).replace(/\s+/g, ' ');
  expect(text).toContain('Thay gioăng cửa tủ lạnh miễn phí tại nhà khách hàng.');
  const fixed = text.indexOf('Những việc đã khắc phục');
  const pending = text.indexOf('Những việc chưa khắc phục');
  expect(fixed).toBeGreaterThan(-1);
  expect(pending).toBeGreaterThan(fixed);
  // Done: under "fixed"; still to do: under "pending", with its due date; the supplier's fix names the supplier and its long-term date.
  expect(text.indexOf('Thay gioăng cửa tại nhà khách hàng.')).toBeGreaterThan(fixed);
  expect(text.indexOf('Thay gioăng cửa tại nhà khách hàng.')).toBeLessThan(pending);
  expect(text.indexOf('Kiểm tra gioăng của lô hàng còn trong kho.')).toBeGreaterThan(pending);
  expect(text).toContain('ngày 20 tháng 11 năm 2026');
  expect(text).toContain('Công ty Cao su Sao Vàng');
  expect(text).toContain('ngày 31 tháng 12 năm 2026');
});
