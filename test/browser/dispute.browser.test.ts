import { readFile } from 'node:fs/promises';
import { AuditEvent } from '../../src/models';
import { disputedCase } from '../dispute/fixture';
import { sha256, unzip, verifyBundle } from '../dispute/zip';
import { buildUser, TEST_PASSWORD } from '../support/factories';
import { signIn, useBrowserApp } from './support';

const b = useBrowserApp();

describe('legal downloads the dispute file of a case', () => {
  it('opens the case, clicks the dispute-file button, and gets a ZIP whose manifest matches every file', async () => {
    const fixture = await disputedCase(b.app);
    const counsel = await buildUser({ roles: ['legal'], name: 'Đỗ Thị Pháp' });
    const page = await b.newPage();
    await signIn(page, counsel.email, TEST_PASSWORD);
    await page.goto(`/complaints/${fixture.complaint.id}`);
    await page.getByTestId('case-documents').waitFor();
    expect(await page.getByTestId('dispute-file-button').textContent()).toContain('Tải hồ sơ tranh chấp (ZIP)');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('dispute-file-button').click()]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^ho-so-tranh-chap_${fixture.complaint.reference}_\\d{8}-\\d{4}\\.zip$`));
    const zip = await readFile((await download.path())!);
    const entries = await unzip(zip);
    const { manifest, files, problems } = verifyBundle(entries);
    expect(problems).toEqual([]);
    expect(manifest.reference).toBe(fixture.complaint.reference);
    expect(manifest.files.map((f) => f.path)).toEqual(expect.arrayContaining(['dossier.pdf', 'audit-trail.csv', 'README.txt', 'SHA256SUMS', 'evidence/ảnh.jpg', 'evidence/ảnh (2).jpg']));
    expect(files.get('evidence/ảnh (2).jpg')!.equals(fixture.evidence[1].bytes)).toBe(true);
    // The manifest the browser received is the one the export's audit event names.
    const event = await AuditEvent.findOne({ where: { action: 'complaint.dispute_file_exported', complaintId: fixture.complaint.id, actorId: counsel.id } });
    expect(event?.meta).toMatchObject({ manifestSha256: sha256(files.get('manifest.json')!) });
    // The page is still the case page: the download did not navigate away.
    expect(new URL(page.url()).pathname).toBe(`/complaints/${fixture.complaint.id}`);
  });
});
