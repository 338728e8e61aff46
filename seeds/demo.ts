import { Op } from 'sequelize';
import { transaction } from '../src/db';
import type { RoleKey } from '../src/domain/roles';
import { hashPassword } from '../src/lib/passwords';
import { runWithContext, systemContext } from '../src/lib/context';
import { Department, User } from '../src/models';

export const DEMO_PASSWORD = 'casebook-demo';
export const DEMO_DOMAIN = 'demo.casebook.local';

export const DEMO_DEPARTMENTS = [
  { code: 'KD', name: 'Phòng Kinh doanh' },
  { code: 'HCTH', name: 'Phòng Hành chính tổng hợp' },
  { code: 'QA', name: 'Phòng Quản lý chất lượng (MSO)' },
  { code: 'CSKH', name: 'Phòng Chăm sóc khách hàng' },
  { code: 'SX', name: 'Phòng Sản xuất' },
  { code: 'PC', name: 'Phòng Pháp chế' },
  { code: 'BGD', name: 'Ban Giám đốc' },
  { code: 'KTNB', name: 'Kiểm toán nội bộ' },
  { code: 'CNTT', name: 'Phòng Công nghệ thông tin' },
] as const;

/** One user per role, `<role>@demo.casebook.local`, as the start banner announces. */
export const DEMO_USERS: Array<{ role: RoleKey; name: string; department: string }> = [
  { role: 'intake', name: 'Nguyễn Thị Lan', department: 'KD' },
  { role: 'quality', name: 'Trần Văn Minh', department: 'QA' },
  { role: 'dept_head', name: 'Lê Hoàng Nam', department: 'SX' },
  { role: 'cs_director', name: 'Phạm Thu Hà', department: 'CSKH' },
  { role: 'ceo', name: 'Đặng Quốc Bảo', department: 'BGD' },
  { role: 'admin_officer', name: 'Vũ Thị Hạnh', department: 'HCTH' },
  { role: 'legal', name: 'Hoàng Đức Anh', department: 'PC' },
  { role: 'auditor', name: 'Bùi Thị Mai', department: 'KTNB' },
  { role: 'sysadmin', name: 'Đỗ Văn Tùng', department: 'CNTT' },
];

export const demoEmail = (role: RoleKey) => `${role}@${DEMO_DOMAIN}`;

/**
 * Loads the demo organisation. Idempotent: departments and users that already exist are left
 * as they are, so it is safe to run on every start in demo mode and by `npm run seed`.
 * Returns how many users were created.
 */
export async function seedDemo(): Promise<number> {
  return runWithContext(systemContext('seed'), () =>
    transaction(async () => {
      const codes = DEMO_DEPARTMENTS.map((d) => d.code);
      const existing = await Department.findAll({ where: { code: { [Op.in]: codes } } });
      const byCode = new Map(existing.map((d) => [d.code, d]));
      for (const d of DEMO_DEPARTMENTS) if (!byCode.has(d.code)) byCode.set(d.code, await Department.create({ ...d }));

      const emails = DEMO_USERS.map((u) => demoEmail(u.role));
      const present = new Set((await User.findAll({ where: { email: { [Op.in]: emails } } })).map((u) => u.email));
      const missing = DEMO_USERS.filter((u) => !present.has(demoEmail(u.role)));
      if (missing.length === 0) return 0;
      // One hash for all: argon2 is deliberately slow, and these accounts share a published password anyway.
      const passwordHash = await hashPassword(DEMO_PASSWORD);
      for (const u of missing) {
        await User.create({
          email: demoEmail(u.role),
          name: u.name,
          roles: [u.role],
          departmentId: byCode.get(u.department)!.id,
          passwordHash,
          passwordChangedAt: new Date(),
          locale: null,
        });
      }
      return missing.length;
    }),
  );
}

/** True when the database holds no user at all: the signal for demo mode to seed. */
export async function isEmpty(): Promise<boolean> {
  return (await User.count()) === 0;
}
