import { subject } from '@casl/ability';
import { ACTIONS, SUBJECTS, defineAbilityFor, type SubjectRecord } from '../../src/policies/ability';
import { ROLE_KEYS } from '../../src/domain/roles';

/**
 * The whole permission matrix, role × action × subject, as a table. The snapshot is committed:
 * any change to who may do what shows up as a diff in review.
 *   ✓ allowed   ~ allowed on some records only (a condition)   · refused
 */
function matrix(): string {
  const abilities = ROLE_KEYS.map((role) => defineAbilityFor({ id: 'u1', roles: [role], departmentId: 'd1', active: true }));
  const header = ['subject.action'.padEnd(28), ...ROLE_KEYS.map((r) => r.slice(0, 6).padEnd(6))].join(' ');
  const lines = [header];
  for (const s of SUBJECTS) {
    for (const a of ACTIONS) {
      const cells = abilities.map((ability) => {
        if (!ability.can(a, s)) return '·';
        return ability.relevantRuleFor(a, s)?.conditions ? '~' : '✓';
      });
      if (cells.every((c) => c === '·')) continue;
      lines.push([`${s}.${a}`.padEnd(28), ...cells.map((c) => c.padEnd(6))].join(' ').trimEnd());
    }
  }
  return lines.join('\n');
}

describe('permission matrix', () => {
  it('is exactly the committed table', () => {
    const table = matrix();
    console.log(table);
    expect(table).toMatchSnapshot();
  });

  it('gives a deactivated or anonymous user nothing at all', () => {
    expect(defineAbilityFor(null).rules).toEqual([]);
    expect(defineAbilityFor({ id: 'u', roles: ['sysadmin'], departmentId: null, active: false }).rules).toEqual([]);
  });

  it('lets a department head update only actions their department owns', () => {
    const ability = defineAbilityFor({ id: 'u', roles: ['dept_head'], departmentId: 'sx', active: true });
    expect(ability.can('update', subject('Action', { ownerDepartmentId: 'sx' } as SubjectRecord))).toBe(true);
    expect(ability.can('update', subject('Action', { ownerDepartmentId: 'kd' } as SubjectRecord))).toBe(false);
  });

  it('keeps case content away from the sysadmin', () => {
    const ability = defineAbilityFor({ id: 'u', roles: ['sysadmin'], departmentId: null, active: true });
    for (const s of ['Complaint', 'Customer', 'Evidence', 'Finding', 'AuditEvent'] as const) expect(ability.can('read', s)).toBe(false);
  });

  it('unions the rules of several roles', () => {
    const ability = defineAbilityFor({ id: 'u', roles: ['auditor', 'sysadmin'], departmentId: null, active: true });
    expect(ability.can('read', 'AuditEvent')).toBe(true);
    expect(ability.can('create', 'User')).toBe(true);
  });
});
