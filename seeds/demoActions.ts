/**
 * Corrective actions of the demo cases (made through the real commands): a substantiated case gets
 * its containment / corrective actions before review, a case about to close has them done, and
 * the newest water-filter leak links the containment of the earlier wet-floor claim (same lot
 * L2611-07): one action answering two complaints, beside the supplier Tân Phát's long-term fix
 * still open on the register after the dispute.
 */
import { subject } from '@casl/ability';
import { createCaseActions, linkAction, updateActionStatus, type ActionInput, type ActionsActor } from '../src/commands/actions';
import { transaction } from '../src/db';
import { ActionCase, Complaint, CorrectiveAction, type User } from '../src/models';
import type { AppAbility, SubjectRecord } from '../src/policies/ability';

const inDays = (n: number) => new Date(Date.now() + n * 86_400_000);

/** By the demo case's subject: the actions quality opens before its review. */
const PLANS: Record<string, ActionInput[]> = {
  'Hóa đơn GTGT sai mã số thuế': [
    { type: 'corrective', description: 'Bổ sung bước đối chiếu mã số thuế với hồ sơ khách hàng trước khi phát hành hóa đơn.', ownerDepartment: 'KD', dueAt: inDays(10) },
  ],
  'Nhân viên lắp đặt thái độ không đúng mực': [
    { type: 'corrective', description: 'Đào tạo lại quy tắc ứng xử tại nhà khách hàng cho đội lắp đặt.', ownerDepartment: 'CSKH', dueAt: inDays(-3) },
    { type: 'preventive', description: 'Bổ sung tiêu chí ứng xử vào phiếu đánh giá sau lắp đặt.', ownerDepartment: 'CSKH', dueAt: inDays(20) },
  ],
  'Yêu cầu bồi thường do máy hỏng làm ướt sàn gỗ': [
    { type: 'containment', description: 'Thay gioăng tạm thời cho các máy lọc nước lô L2611-07 đã bán.', ownerDepartment: 'SX', dueAt: inDays(3) },
    {
      type: 'supplier_long_term',
      description: 'Nhà cung cấp Tân Phát thay vật liệu gioăng khớp nối đạt độ đàn hồi.',
      ownerDepartment: 'SX',
      dueAt: inDays(45),
      supplier: { name: 'Công ty TNHH Tân Phát', ref: 'NCC-TANPHAT', countermeasureDoneAt: inDays(-5), longTermDueAt: inDays(45) },
    },
  ],
  'Lõi lọc giao sai chủng loại': [{ type: 'corrective', description: 'Tách vị trí kệ hai mã lõi số 2 và số 3, dán nhãn màu.', ownerDepartment: 'KD', dueAt: inDays(5) }],
};
/** By the demo case's subject: the subject of the earlier case whose containment it links instead of a twin. */
const LINKS: Record<string, string> = { 'Máy lọc nước rò rỉ sau 3 ngày sử dụng': 'Yêu cầu bồi thường do máy hỏng làm ướt sàn gỗ' };

export function demoActions(quality: { user: User; ability: AppAbility }, asQuality: <T>(fn: () => Promise<T>) => Promise<T>) {
  const actor: ActionsActor = {
    userId: quality.user.id,
    reads: () => true,
    can: (right, a) => quality.ability.can(right, a ? subject('Action', { ownerDepartmentId: a.ownerDepartmentId } as SubjectRecord) : 'Action'),
  };
  const actionsOf = async (c: Complaint) => {
    const links = await ActionCase.findAll({ where: { complaintId: c.id }, attributes: ['actionId'] });
    return links.length ? CorrectiveAction.findAll({ where: { id: links.map((l) => l.actionId) }, order: [['createdAt', 'ASC']] }) : [];
  };
  return {
    /** Before a move to review: the case's planned actions, once. */
    async beforeReview(c: Complaint): Promise<void> {
      const plan = PLANS[c.subject];
      if (!plan || (await actionsOf(c)).length) return;
      await asQuality(() => transaction(async () => createCaseActions((await Complaint.findByPk(c.id, { lock: true }))!, plan, actor, { prefix: '' })));
    },
    /** Before closing: every action but a supplier's long-term fix done. */
    async beforeClose(c: Complaint): Promise<void> {
      for (let a of await actionsOf(c)) {
        if (a.type === 'supplier_long_term') continue;
        for (const status of ['in_progress', 'done'] as const) a = await asQuality(() => updateActionStatus(a.id, { status }, a.version, actor));
      }
    },
    /** After intake: link the earlier case's containment that answers this one too. */
    async afterIntake(c: Complaint): Promise<void> {
      const earlier = LINKS[c.subject] && (await Complaint.findOne({ where: { subject: LINKS[c.subject] } }));
      const containment = earlier && (await actionsOf(earlier)).find((a) => a.type === 'containment');
      if (containment) await asQuality(() => linkAction(c.id, containment.id, actor));
    },
  };
}
