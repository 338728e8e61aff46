import { signedInAgent, useTestApp } from '../support/app';
import { buildComplaint } from '../support/factories';

const t = useTestApp();

describe("the case page's documents", () => {
  it('offers the dispute file to legal and auditor, the 8D report to every reader', async () => {
    const c = await buildComplaint();
    for (const roles of [['legal'], ['auditor']] as const) {
      const { agent } = await signedInAgent(t.app, [...roles]);
      const page = await agent.get(`/complaints/${c.id}`).query({ lang: 'vi' });
      expect(page.status).toBe(200);
      expect(page.text).toContain(`href="/api/v1/complaints/${c.id}/dispute-file" role="button" download data-testid="dispute-file-button"`);
      expect(page.text).toContain('Tải hồ sơ tranh chấp (ZIP)');
      expect(page.text).toContain(`href="/api/v1/complaints/${c.id}/8d.pdf"`);
    }
    for (const roles of [['quality'], ['intake'], ['cs_director']] as const) {
      const { agent } = await signedInAgent(t.app, [...roles]);
      const page = await agent.get(`/complaints/${c.id}`).query({ lang: 'en' });
      expect(page.status).toBe(200);
      expect(page.text).not.toContain('data-testid="dispute-file-button"');
      expect(page.text).toContain('8D report (PDF)');
    }
  });

  it('shows nothing of the kind on a page the user may not open', async () => {
    const c = await buildComplaint();
    const { agent } = await signedInAgent(t.app, ['sysadmin']);
    const page = await agent.get(`/complaints/${c.id}`);
    expect(page.status).toBe(403);
    expect(page.text).not.toContain('data-testid="case-documents"');
    const anonymous = await t.request().get(`/complaints/${c.id}`);
    expect(anonymous.status).toBe(303);
  });
});
