import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PDFParse } from 'pdf-parse';
import { verifyAuditTrail } from '../../src/commands/auditVerifier';
import { AuditEvent } from '../../src/models';
import { useTestApp } from '../support/app';
import { signedIn } from '../support/factories';
import { asBytes } from '../support/pdf';
import { CONTAINMENT, disputedCase, SOLUTION_SUMMARY, type DisputedCase } from './fixture';
import { parseCsv, sha256, unzip, verifyBundle } from './zip';

const t = useTestApp();
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

type Auth = Record<string, string>;
const download = (auth: Auth, id: string) => asBytes(t.request().get(`/api/v1/complaints/${id}/dispute-file`).set(auth));

async function textOf(pdf: Buffer): Promise<string> {
  const parser = new PDFParse({ data: new Uint8Array(pdf) });
  try {
    return (await parser.getText()).text.replace(/\s+/g, ' ');
  } finally {
    await parser.destroy();
  }
}

let legal: Awaited<ReturnType<typeof signedIn>>;
let auditor: Awaited<ReturnType<typeof signedIn>>;
let quality: Awaited<ReturnType<typeof signedIn>>;
let intake: Awaited<ReturnType<typeof signedIn>>;
let fixture: DisputedCase;
beforeAll(async () => {
  legal = await signedIn(['legal'], { name: 'Đỗ Thị Pháp' });
  auditor = await signedIn(['auditor'], { name: 'Bùi Thị Mai' });
  quality = await signedIn(['quality']);
  intake = await signedIn(['intake']);
  fixture = await disputedCase(t.app);
});

describe('GET /api/v1/complaints/:id/dispute-file', () => {
  it('refuses 401 without credentials, 403 for quality and intake, 404 for an unknown case', async () => {
    const { complaint } = fixture;
    const anonymous = await t.request().get(`/api/v1/complaints/${complaint.id}/dispute-file`);
    expect(anonymous.status).toBe(401);
    for (const who of [quality, intake]) {
      const refused = await t.request().get(`/api/v1/complaints/${complaint.id}/dispute-file`).set(who.auth);
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('forbidden');
    }
    const unknown = await t.request().get(`/api/v1/complaints/${UNKNOWN}/dispute-file`).set(legal.auth);
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('not_found');
    const bad = await t.request().get('/api/v1/complaints/not-a-uuid/dispute-file').set(legal.auth);
    expect([400, 404]).toContain(bad.status);
    // HEAD says it would be served, builds and records nothing.
    const head = await t.request().head(`/api/v1/complaints/${complaint.id}/dispute-file`).set(legal.auth);
    expect(head.status).toBe(200);
    expect(head.headers['content-type']).toBe('application/zip');
    expect(await AuditEvent.count({ where: { action: 'complaint.dispute_file_exported', complaintId: complaint.id } })).toBe(0);
  });

  it('streams a ZIP the receiver can verify without Casebook, and audits the export with the manifest hash', async () => {
    const { complaint } = fixture;
    const eventsBefore = await AuditEvent.findAll({ where: { complaintId: complaint.id }, order: [['position', 'ASC']] });
    const res = await download(legal.auth, complaint.id);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(res.headers['content-disposition']).toMatch(new RegExp(`^attachment; filename="ho-so-tranh-chap_${complaint.reference}_\\d{8}-\\d{4}\\.zip"`));
    const entries = await unzip(res.body as Buffer);
    const { manifest, files, problems } = verifyBundle(entries);
    expect(problems).toEqual([]);
    expect(res.headers['x-manifest-sha256']).toBe(sha256(files.get('manifest.json')!));

    // Every other file is listed with its hash and size; the folders are there, letters/ empty today.
    const names = entries.map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(['README.txt', 'manifest.json', 'SHA256SUMS', 'dossier.pdf', 'audit-trail.csv', 'evidence/', 'letters/']));
    expect(names.filter((n) => n.startsWith('letters/'))).toEqual(['letters/', `letters/01_resolution_${complaint.reference}.pdf`]);
    expect(manifest.files.map((f) => f.path).sort()).toEqual([...files.keys()].filter((n) => n !== 'manifest.json').sort());
    expect(manifest.reference).toBe(complaint.reference);

    // The evidence, byte for byte, under its Vietnamese names (UTF-8 flagged), both `ảnh.jpg` kept.
    expect(names.filter((n) => n.startsWith('evidence/') && n !== 'evidence/').sort()).toEqual(['evidence/Biên bản kiểm tra hiện trường.pdf', 'evidence/ảnh (2).jpg', 'evidence/ảnh.jpg'].sort());
    expect(files.get('evidence/ảnh.jpg')!.equals(fixture.evidence[0].bytes)).toBe(true);
    expect(files.get('evidence/ảnh (2).jpg')!.equals(fixture.evidence[1].bytes)).toBe(true);
    expect(files.get('evidence/Biên bản kiểm tra hiện trường.pdf')!.equals(fixture.evidence[2].bytes)).toBe(true);
    for (const e of entries.filter((x) => /[^\x20-\x7e]/.test(x.name))) expect(e.utf8).toBe(true);

    // dossier.pdf: the reference, the stages in Vietnamese, the finding, the signature's hash, the evidence hashes.
    const dossier = await textOf(files.get('dossier.pdf')!);
    for (const text of [complaint.reference, 'HỒ SƠ VỤ VIỆC', 'Tiếp nhận', 'Xác thực và điều tra', fixture.rootCause, fixture.signatureSha256, sha256(fixture.evidence[0].bytes), fixture.attendee, 'Trang 1/']) {
      expect(dossier).toContain(text);
    }
    // Issue 10's records: the solution with the CS director's review, its action, the resolution letter.
    for (const text of ['Giải pháp và xem xét', SOLUTION_SUMMARY, 'Đã phê duyệt', 'Đồng ý phương án đổi máy.', 'Hành động khắc phục, phòng ngừa', 'Biện pháp tạm thời']) expect(dossier).toContain(text);
    expect(dossier.replace(/\s+/g, ' ')).toContain(CONTAINMENT);
    // Legal reads the restricted findings fields, so the dossier carries them.
    expect(dossier).toContain(fixture.responsiblePerson);
    expect(dossier).toContain(fixture.disciplinaryMeasure);

    // audit-trail.csv: UTF-8 with a BOM, every event of the case before the export, with hash and signature.
    const csvBytes = files.get('audit-trail.csv')!;
    expect(csvBytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(true);
    const [header, ...rows] = parseCsv(csvBytes.toString('utf8').slice(1));
    expect(header).toEqual(expect.arrayContaining(['Thời điểm (UTC)', 'Thời điểm (Asia/Ho_Chi_Minh)', 'Người thực hiện', 'Hành động', 'Hash sự kiện', 'Chữ ký']));
    expect(rows.map((r) => r[0])).toEqual(eventsBefore.map((e) => String(e.position)));
    const at = (name: string) => header.indexOf(name);
    expect(rows.map((r) => r[at('Hash sự kiện')])).toEqual(eventsBefore.map((e) => e.hash));
    expect(rows.map((r) => r[at('Chữ ký')])).toEqual(eventsBefore.map((e) => e.signature));
    expect(rows.map((r) => r[at('Mã hành động')])).toEqual(expect.arrayContaining(['complaint.created', 'evidence.uploaded', 'finding.created', 'signature.signed', 'regulatory_review.decided']));
    expect(rows.find((r) => r[at('Mã hành động')] === 'complaint.created')![at('Hành động')]).toBe('Tiếp nhận hồ sơ');

    // `sha256sum -c SHA256SUMS` itself, in the unzipped folder, as the README tells the receiver.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casebook-dispute-'));
    try {
      for (const [name, bytes] of files) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        fs.writeFileSync(path.join(dir, name), bytes);
      }
      const { stdout } = await promisify(execFile)('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir });
      expect(stdout).toContain('evidence/ảnh (2).jpg: OK');
      expect(stdout.trim().split('\n').every((line) => line.endsWith(': OK'))).toBe(true);
      expect(stdout.trim().split('\n')).toHaveLength(files.size - 2);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }

    // README in both languages, on sha256sum.
    const readme = files.get('README.txt')!.toString('utf8');
    expect(readme).toContain('sha256sum -c SHA256SUMS');
    expect(readme).toContain('Kiểm tra tính toàn vẹn');
    expect(readme).toContain('Verifying it');

    // The export itself is on the case's trail: who, when, the manifest's hash.
    const exported = await AuditEvent.findAll({ where: { action: 'complaint.dispute_file_exported', complaintId: complaint.id } });
    expect(exported).toHaveLength(1);
    expect(exported[0]).toMatchObject({ actorId: legal.user.id, entityType: 'Complaint', entityId: complaint.id });
    expect(exported[0].meta).toMatchObject({ manifestSha256: sha256(files.get('manifest.json')!), files: manifest.files.length + 1 });
    expect((await verifyAuditTrail()).ok).toBe(true);
  });

  it('lets the auditor export too, and the next export carries the earlier export in its trail', async () => {
    const res = await download(auditor.auth, fixture.complaint.id);
    expect(res.status).toBe(200);
    const { files, problems } = verifyBundle(await unzip(res.body as Buffer));
    expect(problems).toEqual([]);
    const codes = parseCsv(files.get('audit-trail.csv')!.toString('utf8').slice(1)).map((r) => r[6]);
    expect(codes).toContain('complaint.dispute_file_exported');
  });

  it('runs four exports of one case side by side while another user reads it: every ZIP is whole and carries the same files', async () => {
    const { complaint } = fixture;
    const before = await AuditEvent.count({ where: { action: 'complaint.dispute_file_exported', complaintId: complaint.id } });
    const [reads, ...zips] = await Promise.all([
      Promise.all([1, 2, 3].map(() => t.request().get(`/api/v1/complaints/${complaint.id}`).set(quality.auth))),
      ...[1, 2, 3, 4].map(() => download(legal.auth, complaint.id)),
    ]);
    for (const r of reads) expect(r.status).toBe(200);
    const bundles = await Promise.all(zips.map(async (z) => {
      expect(z.status).toBe(200);
      return verifyBundle(await unzip(z.body as Buffer));
    }));
    for (const b of bundles) expect(b.problems).toEqual([]);
    // Identical content except what depends on the export's time (dossier.pdf, README, the trail, the sums over them).
    const stable = (b: (typeof bundles)[number]) => b.manifest.files.filter((f) => f.path.startsWith('evidence/')).map((f) => `${f.path} ${f.sha256} ${f.size}`);
    for (const b of bundles) expect(stable(b)).toEqual(stable(bundles[0]));
    expect(stable(bundles[0])).toHaveLength(3);
    expect(await AuditEvent.count({ where: { action: 'complaint.dispute_file_exported', complaintId: complaint.id } })).toBe(before + 4);
  });
});
