import { transitionCase } from '../src/commands/caseTransitioner';
import { intakeComplaint, type IntakeInput } from '../src/commands/complaintIntaker';
import { recordFirstReply } from '../src/commands/complaints';
import { addEvidence } from '../src/commands/evidence';
import { recordFindings, type FindingsInput } from '../src/commands/findings';
import { issueLetter } from '../src/commands/letters';
import type { LetterChannel, LetterKind } from '../src/models/Letter';
import { proposeSolution, recordFollowUp } from '../src/commands/solutions';
import { spoolToTempFile } from '../src/storage/spool';
import { Readable } from 'node:stream';
import { createCustomer, type CustomerInput } from '../src/commands/customers';
import type { TransitionInput } from '../src/domain/workflow';
import { runWithContext, systemContext, type Actor } from '../src/lib/context';
import { Complaint, Customer, User } from '../src/models';
import { defineAbilityFor } from '../src/policies/ability';
import { subject } from '@casl/ability';
import type { SubjectRecord } from '../src/policies/ability';
import { demoActions } from './demoActions';
import { demoEmail } from './demo';
import { demoServices } from './demoServices';

const CUSTOMERS: CustomerInput[] = [
  { name: 'Nguyễn Thị Hoa', type: 'person', phone: '0912 345 678', email: 'hoa.nguyen@example.vn', tier: 'loyal' },
  { name: 'Trần Văn Khải', type: 'person', phone: '0987 654 321', tier: 'new' },
  { name: 'Công ty TNHH Thương mại Đông Á', type: 'company', email: 'cskh@donga.example.vn', phone: '024 3826 1234', tier: 'vip', contacts: [{ name: 'Chị Phạm Thu Hương', role: 'Trưởng phòng mua hàng', phone: '0903 111 222' }] },
  { name: 'Lê Minh Tuấn', type: 'person', email: 'tuan.le@example.vn', tier: 'potential' },
  { name: 'Công ty Cổ phần Phân phối Hòa Bình', type: 'company', email: 'lienhe@hoabinh.example.vn', tier: 'agent_1' },
  { name: 'Phạm Quỳnh Anh', type: 'person', phone: '0978 222 333', tier: 'vip' },
  { name: 'Hoàng Gia Bảo', type: 'person', tier: 'negative' },
];

interface DemoCase {
  customer: number;
  daysAgo: number;
  input: Partial<IntakeInput> & Pick<IntakeInput, 'subject' | 'description'>;
  /** Evidence quality files right after intake: small text records (call notes, site reports). */
  evidence?: Array<{ filename: string; description: string; sourceDepartment?: string; text: string }>;
  /** The findings quality records before the case leaves the investigation (a default when not given). */
  findings?: FindingsInput;
  /** The solution quality proposes before each move to review (a default when not given). */
  solution?: string;
  /** Steps after intake: [role, transition] pairs, or a first reply. */
  steps?: Array<['intake' | 'quality' | 'cs_director' | 'legal', TransitionInput] | ['reply', 'email' | 'post' | 'phone' | 'in_person']>;
}

const day = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

/**
 * Recurrence to look at: the newest water-filter leak (customer 0, MLN-200, lot L2611-07) recurs
 * with the same customer's error-E3 case and, through product and lot alone, with customer 6's
 * claim for the wet floor (another customer), as the E3 case does; customers 1 and 3 recur by
 * customer only.
 */
const CASES: DemoCase[] = [
  { customer: 0, daysAgo: 0.05, input: { subject: 'Máy lọc nước rò rỉ sau 3 ngày sử dụng', description: 'Nước rò ra sàn bếp từ khớp nối phía dưới máy. Khách đã khóa van.', productRef: 'MLN-200', lotRef: 'L2611-07', severity: 'high', channel: 'hotline' } },
  { customer: 1, daysAgo: 0.2, input: { kind: 'feedback', subject: 'Hỏi cách thay lõi lọc', description: 'Khách hỏi chu kỳ thay lõi số 1.', severity: 'low', channel: 'livechat' }, steps: [['intake', { to: 'closed', note: 'Đã hướng dẫn thay lõi 3 tháng/lần, gửi video hướng dẫn.', acknowledgedVia: 'phone' }]] },
  { customer: 2, daysAgo: 1.5, evidence: [{ filename: 'biên bản giao nhận DH-8891.txt', description: 'Biên bản giao nhận: 200 thùng ký nhận, kho đại lý đếm được 180', sourceDepartment: 'Kho', text: 'BIÊN BẢN GIAO NHẬN HÀNG HÓA\nĐơn hàng: DH-8891\nSố lượng theo phiếu xuất: 200 thùng\nSố lượng thực nhận tại kho đại lý: 180 thùng\nĐại diện bên giao: Nguyễn Văn Tài — Đại diện bên nhận: Chị Phạm Thu Hương\n' }], input: { subject: 'Giao thiếu 20 thùng hàng đơn DH-8891', description: 'Biên bản giao nhận ghi 200 thùng, thực nhận 180 thùng.', category: 'business', severity: 'critical', channel: 'email' }, steps: [['quality', { to: 'investigation' }]] },
  { customer: 3, daysAgo: 3, input: { subject: 'Bình nóng lạnh chập điện, khách bị bỏng nhẹ ở tay', description: 'Khi bật bình, vỏ bình rò điện; khách bị bỏng nhẹ, đã sơ cứu tại chỗ.', productRef: 'BNL-30', harm: 'serious_injury', safetyImpact: true, severity: 'critical', channel: 'hotline' }, steps: [['reply', 'email'], ['quality', { to: 'investigation' }]] },
  { customer: 4, daysAgo: 6, findings: { substantiated: true, rootCause: 'Kế toán nhập sai mã số thuế của đại lý khi lập hóa đơn; không có bước đối chiếu trước khi phát hành.', responsibleDepartment: 'KD', noEvidenceReason: 'Hóa đơn điện tử gốc lưu trên hệ thống của cơ quan thuế.' }, input: { subject: 'Hóa đơn GTGT sai mã số thuế', description: 'Hóa đơn số 0001234 ghi sai MST của đại lý.', category: 'business', severity: 'medium', channel: 'letter' }, steps: [['reply', 'post'], ['quality', { to: 'investigation' }], ['quality', { to: 'solution' }], ['quality', { to: 'review' }]] },
  { customer: 0, daysAgo: 8, input: { subject: 'Máy lọc nước báo lỗi E3 liên tục', description: 'Máy báo lỗi E3, kỹ thuật viên đã đến 1 lần nhưng lỗi tái diễn.', productRef: 'MLN-200', lotRef: 'L2611-07', severity: 'medium', channel: 'web' }, steps: [['reply', 'email'], ['quality', { to: 'investigation' }], ['quality', { to: 'on_hold', reason: 'Chờ nhà cung cấp bo mạch gửi kết quả kiểm tra.' }]] },
  { customer: 5, daysAgo: 12, findings: { substantiated: true, rootCause: 'Nhân viên lắp đặt mới, chưa được đào tạo quy tắc ứng xử tại nhà khách hàng.', responsibleDepartment: 'CSKH', responsiblePerson: 'Nhân viên lắp đặt Đỗ Văn Hùng', disciplinaryMeasure: 'Nhắc nhở, đào tạo lại quy tắc ứng xử', noEvidenceReason: 'Khách phản ánh qua mạng xã hội, không có ảnh hay ghi âm.' }, input: { subject: 'Nhân viên lắp đặt thái độ không đúng mực', description: 'Khách phản ánh nhân viên lắp đặt to tiếng, để lại rác.', severity: 'medium', channel: 'social', brandImpact: true }, steps: [['reply', 'phone'], ['quality', { to: 'investigation' }], ['quality', { to: 'solution' }], ['quality', { to: 'review' }], ['cs_director', { to: 'response' }], ['quality', { to: 'follow_up' }]] },
  { customer: 6, daysAgo: 15, evidence: [{ filename: 'ghi chú cuộc gọi.txt', description: 'Ghi chú cuộc gọi của khách ngày phát hiện rò nước', sourceDepartment: 'P.CSKH', text: 'Khách gọi lúc 7:40: nước rò từ khớp nối dưới máy lọc MLN-200 (lô L2611-07) làm ướt sàn gỗ phòng khách khoảng 6 m². Khách đã khóa van tổng.\n' }], findings: { substantiated: true, rootCause: 'Gioăng khớp nối lô L2611-07 của nhà cung cấp Tân Phát không đạt độ đàn hồi, gây rò nước.', responsibleDepartment: 'SX', noEvidenceReason: 'Biên bản hiện trường được lập trên giấy, chờ số hóa.' }, input: { subject: 'Yêu cầu bồi thường do máy hỏng làm ướt sàn gỗ', description: 'Khách yêu cầu bồi thường 15 triệu đồng chi phí sửa sàn gỗ.', productRef: 'MLN-200', lotRef: 'L2611-07', supplierRef: 'NCC-TANPHAT', severity: 'high', channel: 'in_person' }, steps: [['reply', 'in_person'], ['quality', { to: 'investigation' }], ['quality', { to: 'solution' }], ['quality', { to: 'review' }], ['cs_director', { to: 'response' }], ['quality', { to: 'solution', reason: 'Khách không đồng ý mức bồi thường 5 triệu đồng.' }], ['quality', { to: 'review' }], ['cs_director', { to: 'response' }], ['quality', { to: 'disputed', reason: 'Khách từ chối lần 2 và gửi đơn tới Hội Bảo vệ người tiêu dùng.' }]] },
  { customer: 1, daysAgo: 18, findings: { substantiated: true, rootCause: 'Kho xuất nhầm mã lõi số 3 do hai mã đặt cạnh nhau trên kệ.', responsibleDepartment: 'KD', noEvidenceReason: 'Khách đã gửi trả lõi sai; phiếu xuất kho lưu tại kho.' }, input: { subject: 'Lõi lọc giao sai chủng loại', description: 'Đặt lõi số 2 nhưng nhận lõi số 3.', severity: 'low', channel: 'hotline', category: 'business' }, steps: [['reply', 'phone'], ['quality', { to: 'investigation' }], ['quality', { to: 'solution' }], ['quality', { to: 'review' }], ['cs_director', { to: 'response' }], ['quality', { to: 'follow_up' }], ['quality', { to: 'closed', note: 'Đã đổi đúng lõi, khách hài lòng.' }]] },
  { customer: 3, daysAgo: 2, input: { subject: 'Khiếu nại chất lượng dịch vụ bảo trì năm 2025', description: 'Khách phản ánh lần bảo trì tháng 3/2025 không thay lõi như cam kết.', incidentDate: '2025-03-15', severity: 'low', channel: 'email' } },
];

/** The role's demo user as a transition actor. */
async function actorFor(role: 'intake' | 'quality' | 'cs_director' | 'legal') {
  const user = (await User.findOne({ where: { email: demoEmail(role) } }))!;
  const ability = defineAbilityFor(user);
  return {
    user,
    ability,
    actor: { userId: user.id, can: (action: Parameters<typeof ability.can>[0], c: Complaint) => ability.can(action, subject('Complaint', c.get({ plain: true }) as SubjectRecord)) },
    context: { userId: user.id, roles: [...user.roles] } as Actor,
  };
}

/**
 * Demo customers and entries in every stage, made through the real commands (numbers, clocks,
 * timeline and audit trail are all genuine). Only when the log book is empty.
 */
export async function seedDemoCases(zone: string): Promise<number> {
  if ((await Complaint.count()) > 0) return 0;
  const intake = await actorFor('intake');
  const roles = { intake, quality: await actorFor('quality'), cs_director: await actorFor('cs_director'), legal: await actorFor('legal') };
  const asUser = <T>(a: { context: Actor }, fn: () => Promise<T>) => runWithContext({ ...systemContext('seed'), actor: a.context }, fn);
  const quality = roles.quality;
  const recordDemoFindings = (c: Complaint, findings: FindingsInput = { substantiated: false, rootCause: 'Chưa xác định được lỗi từ phía công ty.', noEvidenceReason: 'Khách hàng không cung cấp được hình ảnh.' }) =>
    asUser(quality, () => recordFindings(c.id, findings, { userId: quality.user.id, reads: () => true, may: (x) => quality.ability.can('create', subject('Finding', { complaintId: x.id } as SubjectRecord)) }));
  const asQuality = { userId: quality.user.id, reads: () => true, may: () => true };
  const proposeDemoSolution = (c: Complaint, summary = 'Xin lỗi khách hàng, khắc phục tại nhà khách hàng và kiểm tra lại quy trình liên quan.') =>
    asUser(quality, () => proposeSolution(c.id, { summary: c.round > 1 ? `${summary} (vòng ${c.round})` : summary }, asQuality));
  const recordDemoFollowUp = (c: Complaint) =>
    asUser(quality, () => recordFollowUp(c.id, { contactedAt: new Date(), via: 'phone', satisfied: true, note: 'Đã gọi điện cho khách hàng: khách hài lòng với cách giải quyết.' }, asQuality));
  const actions = demoActions(quality, (fn) => asUser(quality, fn));
  // Letters through the real command (rendered, stored, audited): quality's, legal's second-round letters.
  const issueDemoLetter = (c: Complaint, kind: LetterKind, channel: LetterChannel) => {
    const who = kind === 'second_round' ? roles.legal : quality;
    return asUser(who, () => issueLetter(c.id, { template: kind, channel, locale: 'vi' }, { userId: who.user.id, reads: () => true, may: (x, k) => who.ability.can('create', subject('Letter', { complaintId: x.id, kind: k } as SubjectRecord)) }, zone));
  };
  const customers: Customer[] = [];
  for (const c of CUSTOMERS) customers.push(await asUser(intake, () => createCustomer(c)));
  await demoServices(customers, zone, (fn) => asUser(intake, fn));
  for (const demo of [...CASES].sort((a, b) => b.daysAgo - a.daysAgo)) {
    const receivedAt = new Date(Date.now() - demo.daysAgo * 86_400_000);
    let complaint = await asUser(intake, () =>
      intakeComplaint(
        {
          kind: 'complaint',
          channel: 'hotline',
          category: 'service_quality',
          severity: 'medium',
          incidentDate: day(Math.ceil(demo.daysAgo) + 1),
          ...demo.input,
          customerId: customers[demo.customer].id,
          receivedAt,
        },
        { userId: intake.user.id },
        zone,
      ),
    );
    await actions.afterIntake(complaint);
    // A complaint taken in person gets its receipt form (phiếu tiếp nhận).
    if (demo.input.channel === 'in_person') await issueDemoLetter(complaint, 'receipt', 'in_person');
    for (const e of demo.evidence ?? []) {
      const file = await spoolToTempFile(Readable.from([Buffer.from(e.text, 'utf8')]), 1024 * 1024);
      try {
        await asUser(quality, () =>
          addEvidence(complaint.id, { description: e.description, sourceDepartment: e.sourceDepartment ?? null, filename: e.filename }, file, {
            userId: quality.user.id,
            reads: () => true,
            may: (action, x) => quality.ability.can(action, subject('Evidence', { complaintId: x.id } as SubjectRecord)),
          }),
        );
      } finally {
        await file.cleanup();
      }
    }
    for (const step of demo.steps ?? []) {
      if (step[0] === 'reply') {
        const via = step[1];
        complaint = await asUser(roles.quality, () => recordFirstReply(complaint.id, undefined, { via, at: new Date(receivedAt.getTime() + 3600_000) }, roles.quality.actor));
      } else {
        const who = roles[step[0]];
        const input = step[1];
        if (complaint.status === 'investigation' && input.to === 'solution') await recordDemoFindings(complaint, demo.findings);
        if (complaint.status === 'solution' && input.to === 'review') await proposeDemoSolution(complaint, demo.solution);
        if (complaint.status === 'solution' && input.to === 'review') await actions.beforeReview(complaint);
        if (complaint.status === 'follow_up' && input.to === 'closed') await actions.beforeClose(complaint);
        if (complaint.status === 'follow_up' && input.to === 'closed') await recordDemoFollowUp(complaint);
        if (complaint.status === 'response' && input.to === 'follow_up') await issueDemoLetter(complaint, complaint.round > 1 ? 'second_round' : 'resolution', 'post');
        if (complaint.status === 'response' && input.to === 'disputed') await issueDemoLetter(complaint, 'second_round', 'post');
        complaint = await asUser(who, () => transitionCase(complaint.id, undefined, input, who.actor, zone));
      }
    }
  }
  return CASES.length;
}

