import { ROLE_KEYS, type RoleKey } from '../../src/domain/roles';
import { homeCards } from '../../src/features/home/pages';
import { defineAbilityFor } from '../../src/policies/ability';

/** The home page's cards come from the ability (src/features/home/pages.ts): each demo role sees its own card only. */
const abilityOf = (...roles: RoleKey[]) => defineAbilityFor({ id: 'u1', roles, departmentId: 'd1', active: true });

describe('home-page cards', () => {
  it.each(ROLE_KEYS)('shows the %s card, and only it, to a user with that role', (role) => {
    expect(homeCards(abilityOf(role))).toEqual([role]);
  });

  it('shows each duty once for several roles, a broader card covering a narrower one', () => {
    expect(homeCards(abilityOf('auditor', 'sysadmin'))).toEqual(['auditor', 'sysadmin']);
    expect(homeCards(abilityOf('legal', 'cs_director'))).toEqual(['cs_director', 'legal']);
    // Holding and archiving cases (quality) covers logging them (intake).
    expect(homeCards(abilityOf('intake', 'quality'))).toEqual(['quality']);
  });

  it('shows nothing to an anonymous or deactivated user', () => {
    expect(homeCards(defineAbilityFor(null))).toEqual([]);
    expect(homeCards(defineAbilityFor({ id: 'u', roles: ['quality'], departmentId: null, active: false }))).toEqual([]);
  });
});
