import type { Express } from 'express';
import request from 'supertest';
import type { Complaint } from '../../src/models';
import { bigJpeg, PDF, uploadVia } from '../evidence/helpers';
import { buildComplaint, buildDepartment, signedIn, TEST_PASSWORD } from '../support/factories';
import { moveTestCase } from '../support/procedure';

type Auth = Record<string, string>;

export const SOLUTION_SUMMARY = 'Đổi máy lọc nước mới cho khách hàng và chi trả chi phí điều trị.';
export const CONTAINMENT = 'Thu hồi toàn bộ máy lọc nước lô L-2611 còn trong kho.';

export interface DisputedCase {
  complaint: Complaint;
  /** The evidence as uploaded: original name → bytes (the two `ảnh.jpg` differ). */
  evidence: Array<{ filename: string; bytes: Buffer }>;
  rootCause: string;
  responsiblePerson: string;
  disciplinaryMeasure: string;
  signatureSha256: string;
  attendee: string;
}

/**
 * A serious case in investigation with what issue 9 records: three pieces of evidence (two named
 * `ảnh.jpg`), substantiated findings naming a responsible person and a disciplinary measure, an
 * approved meeting, and the CEO's signed regulatory decision — all through the API.
 */
export async function disputedCase(app: Express, options: { evidenceBytes?: number } = {}): Promise<DisputedCase> {
  const quality = await signedIn(['quality'], { name: 'Trần Thị Hồng Nhung' });
  const director = await signedIn(['cs_director'], { name: 'Lê Văn Giám' });
  const ceo = await signedIn(['ceo'], { name: 'Nguyễn Văn Tổng' });
  const complaint = await moveTestCase(await buildComplaint({ harm: 'serious_injury', subject: 'Máy lọc nước rò điện gây bỏng', lotRef: 'L-2611' }, quality.user), ['investigation']);
  const post = (path: string, auth: Auth, body: object) => request(app).post(path).set(auth).send(body);
  const size = options.evidenceBytes ?? 40_000;
  const evidence = [
    { filename: 'ảnh.jpg', bytes: bigJpeg(size, 1) },
    { filename: 'ảnh.jpg', bytes: bigJpeg(size, 2) },
    { filename: 'Biên bản kiểm tra hiện trường.pdf', bytes: PDF },
  ];
  for (const e of evidence) {
    const res = await uploadVia(app, quality.auth, complaint.id, e.filename, e.bytes, 'Ảnh chụp chỗ rò điện');
    if (res.status !== 201) throw new Error(`upload: ${res.status} ${JSON.stringify(res.body)}`);
  }
  const rootCause = 'Dây nguồn bị dập trong khi vận chuyển, lớp cách điện hở.';
  const responsiblePerson = 'Phạm Văn Vận';
  const disciplinaryMeasure = 'Khiển trách bằng văn bản';
  const transport = await buildDepartment({ code: `VC${Date.now().toString(36)}`, name: 'Vận chuyển' });
  const findings = await post(`/api/v1/complaints/${complaint.id}/findings`, quality.auth, {
    substantiated: true,
    rootCause,
    responsibleDepartment: transport.code,
    responsiblePerson,
    disciplinaryMeasure,
  });
  if (findings.status !== 201) throw new Error(`findings: ${findings.status} ${JSON.stringify(findings.body)}`);
  const attendee = 'Phòng Kinh doanh (P.KD)';
  const meeting = await post(`/api/v1/complaints/${complaint.id}/meetings`, quality.auth, {
    heldAt: new Date(Date.now() - 3600_000).toISOString(),
    attendees: [quality.user.id, attendee],
    agenda: 'Sự cố rò điện lô L-2611.',
    minutes: 'Kho xác nhận dây nguồn bị dập.',
    decisions: 'Thu hồi lô L-2611; đổi máy cho khách.',
    assignments: [],
  });
  if (meeting.status !== 201) throw new Error(`meeting: ${meeting.status} ${JSON.stringify(meeting.body)}`);
  const approved = await post(`/api/v1/meetings/${meeting.body.id}/approve`, director.auth, { version: meeting.body.version });
  if (approved.status !== 200) throw new Error(`approve: ${approved.status}`);
  const submitted = await post(`/api/v1/complaints/${complaint.id}/regulatory/submit`, quality.auth, { summary: 'Khách hàng bị bỏng nhẹ ở tay do máy rò điện.' });
  if (submitted.status !== 201) throw new Error(`submit: ${submitted.status} ${JSON.stringify(submitted.body)}`);
  const decided = await post(`/api/v1/complaints/${complaint.id}/regulatory/decision`, ceo.auth, { decision: 'report', rationale: 'Có tổn hại nghiêm trọng, phải báo cáo.', password: TEST_PASSWORD });
  if (decided.status !== 201) throw new Error(`decision: ${decided.status} ${JSON.stringify(decided.body)}`);
  // Issue 10's records: the solution with its containment action, approved by the CS director, and the resolution letter.
  const ok = async (what: string, status: number, res: request.Response) => {
    if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  };
  await ok('to solution', 200, await post(`/api/v1/complaints/${complaint.id}/transitions`, quality.auth, { to: 'solution' }));
  await ok('solution', 201, await post(`/api/v1/complaints/${complaint.id}/solution`, quality.auth, {
    summary: SOLUTION_SUMMARY,
    actions: [{ type: 'containment', description: CONTAINMENT, ownerDepartment: transport.code, dueAt: new Date(Date.now() + 86_400_000).toISOString() }],
  }));
  await ok('to review', 200, await post(`/api/v1/complaints/${complaint.id}/transitions`, quality.auth, { to: 'review' }));
  await ok('review', 200, await post(`/api/v1/complaints/${complaint.id}/review`, director.auth, { approved: true, comment: 'Đồng ý phương án đổi máy.' }));
  await ok('letter', 201, await post(`/api/v1/complaints/${complaint.id}/letters`, quality.auth, { template: 'resolution', channel: 'post' }));
  return { complaint, evidence, rootCause, responsiblePerson, disciplinaryMeasure, signatureSha256: decided.body.signature.contentSha256 as string, attendee };
}
