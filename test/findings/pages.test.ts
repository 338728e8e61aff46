import { Finding } from '../../src/models';
import { csrfFrom, signedInAgent, useTestApp } from '../support/app';
import { buildComplaint, buildCustomer, buildDepartment } from '../support/factories';
import { moveTestCase, recordTestFindings } from '../support/procedure';

const t = useTestApp();

type Agent = Awaited<ReturnType<typeof signedInAgent>>['agent'];
const decoded = (html: string) => html.replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');

async function submit(agent: Agent, id: string, fields: Record<string, string | string[]>) {
  const form = await agent.get(`/complaints/${id}/findings`).query({ lang: 'vi' });
  return agent.post(`/complaints/${id}/findings`).type('form').send({ _csrf: csrfFrom(form.text), ...fields });
}

describe('the findings on the case page', () => {
  it('offers the form to quality during the investigation, prefilled from the recurrence detection, in Vietnamese', async () => {
    const { agent } = await signedInAgent(t.app, ['quality']);
    const customer = await buildCustomer();
    const earlier = await buildComplaint({ customerId: customer.id, productRef: 'MLN-200' });
    const c = await moveTestCase(await buildComplaint({ customerId: customer.id, productRef: 'MLN-200' }), ['investigation']);
    const page = await agent.get(`/complaints/${c.id}`).query({ lang: 'vi' });
    expect(page.text).toContain('data-testid="findings-panel"');
    expect(page.text).toContain('Chưa có kết luận điều tra.');
    expect(page.text).toContain(`href="/complaints/${c.id}/findings" data-testid="findings-record">Ghi kết luận điều tra`);

    const form = await agent.get(`/complaints/${c.id}/findings`).query({ lang: 'vi' });
    expect(form.status).toBe(200);
    expect(form.text).toContain('Nguyên nhân gốc');
    expect(form.text).toContain('Có cơ sở');
    expect(form.text).toMatch(/name="recurring" value="on" role="switch" checked/);
    expect(form.text).toContain(`name="recurringWith" value="${earlier.id}" checked`);
    expect(form.text).toContain('Người chịu trách nhiệm');
  });

  it('records through the form: 303 back to the case with a notice, the findings shown there; a second recording keeps the first in the history', async () => {
    const { agent } = await signedInAgent(t.app, ['quality']);
    const department = await buildDepartment({ code: 'KHO2', name: 'Kho miền Nam' });
    const c = await moveTestCase(await buildComplaint(), ['investigation']);
    const res = await submit(agent, c.id, {
      substantiated: 'true',
      rootCause: 'Thủ kho xếp hàng sai quy cách, thùng bị móp.',
      responsibleDepartment: department.id,
      responsiblePerson: 'Trần Văn Kho',
      disciplinaryMeasure: 'Khiển trách',
    });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/complaints/${c.id}#findings`);
    const page = decoded((await agent.get(`/complaints/${c.id}`).query({ lang: 'vi' })).text);
    expect(page).toContain('Đã ghi kết luận điều tra.');
    expect(page).toContain('data-testid="findings-substantiated">Có cơ sở');
    expect(page).toContain('Thủ kho xếp hàng sai quy cách, thùng bị móp.');
    expect(page).toContain('Kho miền Nam (KHO2)');
    expect(page).toContain('data-testid="findings-responsible-person">Trần Văn Kho');

    // The form opens with the current version; a revision is a new version, the old one in the history.
    const revise = await agent.get(`/complaints/${c.id}/findings`).query({ lang: 'vi' });
    expect(revise.text).toContain('Thủ kho xếp hàng sai quy cách, thùng bị móp.</textarea>');
    await submit(agent, c.id, { substantiated: 'false', rootCause: 'Do đơn vị vận chuyển làm rơi hàng.', noEvidenceReason: 'Không có ảnh.' });
    const after = decoded((await agent.get(`/complaints/${c.id}`).query({ lang: 'vi' })).text);
    expect(after).toContain('data-testid="findings-substantiated">Không có cơ sở');
    expect(after).toMatch(/data-testid="findings-history">\s*<summary>1 phiên bản trước/);
    expect(await Finding.count({ where: { complaintId: c.id } })).toBe(2);
  });

  it('gives the form back with every value typed and the fields to fix, writing nothing', async () => {
    const { agent } = await signedInAgent(t.app, ['quality']);
    const c = await moveTestCase(await buildComplaint(), ['investigation']);
    const res = await submit(agent, c.id, { substantiated: 'true', rootCause: '', responsiblePerson: 'Phạm Thị Lan', noEvidenceReason: 'Khách không gửi ảnh.' });
    expect(res.status).toBe(400);
    const html = decoded(res.text);
    expect(html).toMatch(/id="field-rootCause" aria-invalid="true"/);
    expect(html).toMatch(/id="field-responsibleDepartment" aria-invalid="true"/);
    expect(html).toContain('value="Phạm Thị Lan"');
    expect(html).toContain('Khách không gửi ảnh.</textarea>');
    expect(html).toMatch(/name="substantiated" value="true" checked/);
    expect(await Finding.count({ where: { complaintId: c.id } })).toBe(0);
  });

  it('hides the responsible person from roles that may not read it, and offers no form to them', async () => {
    const c = await moveTestCase(await buildComplaint(), ['investigation']);
    await recordTestFindings(c.id, { substantiated: true, responsiblePerson: 'Ngô Thị Bí Mật', disciplinaryMeasure: 'Cảnh cáo' });
    const { agent } = await signedInAgent(t.app, ['intake']);
    const page = decoded((await agent.get(`/complaints/${c.id}`).query({ lang: 'vi' })).text);
    expect(page).toContain('data-testid="findings-current"');
    expect(page).not.toContain('Ngô Thị Bí Mật');
    expect(page).not.toContain('Cảnh cáo');
    expect(page).not.toContain('data-testid="findings-record"');
    expect((await agent.get(`/complaints/${c.id}/findings`)).status).toBe(403);
    const { agent: auditor } = await signedInAgent(t.app, ['auditor']);
    expect(decoded((await auditor.get(`/complaints/${c.id}`)).text)).toContain('Ngô Thị Bí Mật');
  });

  it('sends a case that is not in the investigation back to its page with a notice', async () => {
    const { agent } = await signedInAgent(t.app, ['quality']);
    const c = await buildComplaint();
    const res = await agent.get(`/complaints/${c.id}/findings`).query({ lang: 'vi' });
    expect([res.status, res.headers.location]).toEqual([303, `/complaints/${c.id}#findings`]);
    const page = decoded((await agent.get(`/complaints/${c.id}`).query({ lang: 'vi' })).text);
    expect(page).toContain('Kết luận điều tra chỉ được ghi ở bước xác thực và điều tra hoặc đưa ra giải pháp.');
    expect(page).not.toContain('data-testid="findings-record"');
  });
});
