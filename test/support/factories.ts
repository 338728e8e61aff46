import { randomUUID } from 'node:crypto';
import { transaction } from '../../src/db';
import type { RoleKey } from '../../src/domain/roles';
import { hashPassword } from '../../src/lib/passwords';
import { newToken } from '../../src/lib/tokens';
import { createCustomer, type CustomerInput } from '../../src/commands/customers';
import { intakeComplaint, type IntakeInput } from '../../src/commands/complaintIntaker';
import { AuthToken, Complaint, Customer, Department, User } from '../../src/models';
import { asActor } from './context';

export const TEST_PASSWORD = 'correct horse battery staple';
let passwordHash: Promise<string> | undefined;

let seq = 0;
const unique = () => `${Date.now().toString(36)}${(seq++).toString(36)}${randomUUID().slice(0, 4)}`;

export async function buildDepartment(overrides: Partial<{ code: string; name: string; active: boolean }> = {}): Promise<Department> {
  return asActor(() => transaction(() => Department.create({ code: `D${unique()}`.slice(0, 32), name: 'Phòng Thử nghiệm', ...overrides })));
}

/** A user with `roles` (and a department of their own unless given), password TEST_PASSWORD. */
export async function buildUser(
  overrides: Partial<{ roles: RoleKey[]; email: string; name: string; departmentId: string | null; active: boolean; locale: string | null }> = {},
): Promise<User> {
  passwordHash ??= hashPassword(TEST_PASSWORD);
  const departmentId = overrides.departmentId !== undefined ? overrides.departmentId : (await buildDepartment()).id;
  return asActor(async () =>
    transaction(async () =>
      User.create({
        email: overrides.email ?? `user-${unique()}@example.vn`,
        name: overrides.name ?? 'Nguyễn Văn Thử',
        roles: overrides.roles ?? ['quality'],
        departmentId,
        passwordHash: await passwordHash!,
        passwordChangedAt: new Date(),
        active: overrides.active ?? true,
        locale: overrides.locale ?? null,
      }),
    ),
  );
}

/** An API token for `user`, made directly (the login route is tested on its own and is rate limited). */
export async function tokenFor(user: User, kind: 'api' | 'session' = 'api', expiresAt = new Date(Date.now() + 3600_000)): Promise<string> {
  const { token, hash } = newToken();
  await AuthToken.create({ userId: user.id, kind, tokenHash: hash, expiresAt, revokedAt: null, lastUsedAt: null, ip: null, userAgent: null });
  return token;
}

/** A user with `roles` and a bearer header for them. */
export async function signedIn(roles: RoleKey[], overrides: Parameters<typeof buildUser>[0] = {}) {
  const user = await buildUser({ ...overrides, roles });
  const token = await tokenFor(user);
  return { user, token, auth: { Authorization: `Bearer ${token}` } };
}

let customerSeq = 0;

/** A customer (person by default, no email unless given). */
export async function buildCustomer(overrides: Partial<CustomerInput> = {}): Promise<Customer> {
  return asActor(() => createCustomer({ name: `Khách hàng ${++customerSeq} ${unique()}`, type: 'person', ...overrides }));
}

/** A complaint logged as `by` (a quality user by default), with sensible content unless overridden. */
/** A valid `POST /api/v1/complaints` body for `customerId`: a hotline complaint received 2 Nov 2026, 10:00 Hà Nội. */
export function entryBody(customerId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const receivedAt = (extra.receivedAt as string | undefined) ?? '2026-11-02T10:00:00+07:00';
  return {
    kind: 'complaint',
    customerId,
    channel: 'hotline',
    receivedAt,
    incidentDate: extra.receivedAt ? receivedAt.slice(0, 10) : '2026-10-30',
    category: 'service_quality',
    subject: 'Máy lọc nước rò rỉ',
    description: 'Nước rò ra sàn sau 3 ngày.',
    severity: 'medium',
    ...extra,
  };
}

export async function buildComplaint(overrides: Partial<IntakeInput> = {}, by?: User): Promise<Complaint> {
  const actor = by ?? (await buildUser({ roles: ['quality'] }));
  const customerId = overrides.customerId ?? (overrides.customer ? undefined : (await buildCustomer()).id);
  return asActor(
    () =>
      intakeComplaint(
        {
          kind: 'complaint',
          channel: 'hotline',
          incidentDate: new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10),
          category: 'service_quality',
          subject: 'Máy lọc nước bị rò rỉ',
          description: 'Khách hàng báo máy lọc nước rò rỉ sau 3 ngày sử dụng.',
          severity: 'medium',
          ...overrides,
          customerId,
        },
        { userId: actor.id },
        'Asia/Ho_Chi_Minh',
      ),
    { userId: actor.id, roles: [...actor.roles] },
  );
}

/**
 * Seals a case as the archive will (until the archive command exists): its status set to
 * `archived` through the audited model, so the trail and the record still agree.
 */
export async function sealCase(id: string): Promise<void> {
  await asActor(() =>
    transaction(async () => {
      const c = await Complaint.findByPk(id, { rejectOnEmpty: true });
      await c.update({ status: 'archived', heldStatus: null }, { auditAction: 'complaint.archived' } as object);
    }),
  );
}
