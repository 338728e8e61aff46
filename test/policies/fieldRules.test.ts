import { ROLE_KEYS, type RoleKey } from '../../src/domain/roles';
import { defineAbilityFor } from '../../src/policies/ability';
import { FIELD_READ_RULES, redactFields, withheldFields } from '../../src/policies/fieldRules';

/** PRODUCT.md: the responsible person and the disciplinary measure are for these roles only. */
const MAY_READ: RoleKey[] = ['quality', 'cs_director', 'ceo', 'legal', 'auditor'];
const SENSITIVE = ['responsibleUserId', 'responsiblePerson', 'disciplinaryMeasure'];

const abilityOf = (...roles: RoleKey[]) => defineAbilityFor({ id: 'u1', roles, departmentId: 'd1', active: true });
const finding = { id: 'f1', complaintId: 'c1', text: 'Root cause: a mislabelled lot', responsibleUserId: 'u9', responsiblePerson: 'Nguyễn Văn A', disciplinaryMeasure: 'Written warning', version: 0 };

describe('field-level read rules', () => {
  it('declares the findings rule once', () => {
    expect(FIELD_READ_RULES.Finding.flatMap((r) => r.fields)).toEqual(SENSITIVE);
    expect(FIELD_READ_RULES.Finding.flatMap((r) => r.roles)).toEqual(MAY_READ);
  });

  it.each(ROLE_KEYS.filter((r) => r !== 'sysadmin'))('redacts a finding for %s as PRODUCT.md says', (role) => {
    const ability = abilityOf(role);
    const shown = redactFields('Finding', finding, ability);
    if (MAY_READ.includes(role)) {
      expect(shown).toEqual(finding);
      expect(withheldFields('Finding', ability)).toEqual([]);
    } else {
      expect(shown).toEqual({ id: 'f1', complaintId: 'c1', text: finding.text, version: 0 });
      for (const field of SENSITIVE) expect(field in shown).toBe(false);
      expect(withheldFields('Finding', ability)).toEqual(SENSITIVE);
    }
    // The finding itself stays readable: only the fields are withheld.
    expect(ability.can('read', 'Finding')).toBe(true);
  });

  it('gives a user with several roles the union (a permitted role wins over a refused one)', () => {
    for (const roles of [['intake', 'quality'], ['quality', 'intake'], ['dept_head', 'auditor']] as RoleKey[][]) {
      expect(redactFields('Finding', finding, abilityOf(...roles))).toEqual(finding);
    }
    expect(withheldFields('Finding', abilityOf('intake', 'dept_head', 'admin_officer'))).toEqual(SENSITIVE);
  });

  it('withholds everything from a user without an ability, and leaves a subject without rules as it was', () => {
    expect(withheldFields('Finding', defineAbilityFor(null))).toEqual(SENSITIVE);
    const complaint = { id: 'c1', subject: 'Late delivery', assigneeId: 'u2' };
    expect(redactFields('Complaint', complaint, abilityOf('intake'))).toBe(complaint);
  });

  it('does not mutate the record it is given', () => {
    const copy = { ...finding };
    redactFields('Finding', copy, abilityOf('intake'));
    expect(copy).toEqual(finding);
  });
});
