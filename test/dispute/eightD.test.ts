import { createTestAction } from '../support/actions';
import { useTestApp } from '../support/app';
import { buildComplaint, signedIn } from '../support/factories';
import { asBytes, pdfText } from '../support/pdf';
import { disputedCase, type DisputedCase } from './fixture';

const t = useTestApp();
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

type Auth = Record<string, string>;
const report = (auth: Auth, id: string) => asBytes(t.request().get(`/api/v1/complaints/${id}/8d.pdf`).set(auth));
const textOf = async (auth: Auth, id: string) => {
  const res = await report(auth, id);
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe('application/pdf');
  return (await pdfText(res)).replace(/\s+/g, ' ');
};

let fixture: DisputedCase;
beforeAll(async () => {
  fixture = await disputedCase(t.app);
});

describe('GET /api/v1/complaints/:id/8d.pdf', () => {
  it('refuses 401 without credentials, 403 for sysadmin (no case content), 404 for an unknown case', async () => {
    expect((await t.request().get(`/api/v1/complaints/${fixture.complaint.id}/8d.pdf`)).status).toBe(401);
    const admin = await signedIn(['sysadmin']);
    const refused = await t.request().get(`/api/v1/complaints/${fixture.complaint.id}/8d.pdf`).set(admin.auth);
    expect(refused.status).toBe(403);
    const quality = await signedIn(['quality']);
    const unknown = await t.request().get(`/api/v1/complaints/${UNKNOWN}/8d.pdf`).set(quality.auth);
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('not_found');
  });

  it('fills D1 … D8 from the case, in Vietnamese with the English D-labels, restricted findings fields for quality', async () => {
    const quality = await signedIn(['quality']);
    const res = await report(quality.auth, fixture.complaint.id);
    expect(res.headers['content-disposition']).toContain(`bao-cao-8d_${fixture.complaint.reference}.pdf`);
    const text = (await pdfText(res)).replace(/\s+/g, ' ');
    for (const label of ['D1 Team', 'D2 Problem', 'D3 Containment', 'D4 Root cause', 'D5 Corrective actions', 'D6 Verification', 'D7 Prevention', 'D8 Closure', 'BÁO CÁO 8D']) expect(text).toContain(label);
    for (const fact of [fixture.complaint.reference, fixture.complaint.subject, 'L-2611', fixture.rootCause, fixture.attendee, 'Trần Thị Hồng Nhung', 'Thương tích nghiêm trọng', 'Chưa ghi nhận', 'Trang 1/']) expect(text).toContain(fact);
    expect(text).toContain(fixture.responsiblePerson);
    expect(text).toContain(fixture.disciplinaryMeasure);
  });

  it('leaves out the responsible person and the disciplinary measure for a reader who may not read them (intake, dept_head)', async () => {
    for (const roles of [['intake'], ['dept_head']] as const) {
      const reader = await signedIn([...roles]);
      const text = await textOf(reader.auth, fixture.complaint.id);
      expect(text).toContain(fixture.rootCause);
      expect(text).not.toContain(fixture.responsiblePerson);
      expect(text).not.toContain(fixture.disciplinaryMeasure);
      expect(text).not.toContain('Người chịu trách nhiệm');
    }
  });

  it("prints the case's actions under D3 (containment), D5 (corrective), D7 (preventive) and their verification under D6", async () => {
    const c = await buildComplaint({ subject: 'Vỏ máy nứt khi giao' });
    await createTestAction(c.id, { type: 'containment', description: 'Cách ly lô L-77 tại kho.' });
    await createTestAction(c.id, { type: 'corrective', description: 'Thay nhà cung cấp thùng carton.' });
    await createTestAction(c.id, { type: 'preventive', description: 'Thêm bước thử rơi vào quy trình đóng gói.' });
    const reader = await signedIn(['auditor']);
    const text = await textOf(reader.auth, c.id);
    const between = (from: string, to: string) => text.slice(text.indexOf(from), text.indexOf(to));
    expect(between('D3 Containment', 'D4 Root cause')).toContain('Cách ly lô L-77 tại kho.');
    expect(between('D5 Corrective actions', 'D6 Verification')).toContain('Thay nhà cung cấp thùng carton.');
    expect(between('D6 Verification', 'D7 Prevention')).toContain('Chưa xác nhận');
    expect(between('D7 Prevention', 'D8 Closure')).toContain('Thêm bước thử rơi vào quy trình đóng gói.');
  });

  it('prints "none recorded" for a fresh complaint with no findings, meetings or actions', async () => {
    const c = await buildComplaint({ subject: 'Hóa đơn sai mã số thuế' });
    const reader = await signedIn(['cs_director']);
    const text = await textOf(reader.auth, c.id);
    expect(text).toContain('Hóa đơn sai mã số thuế');
    expect(text.match(/Chưa ghi nhận/g)!.length).toBeGreaterThanOrEqual(5);
  });
});
