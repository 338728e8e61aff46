import { Router } from 'express';
import { requireSignIn } from '../auth/middleware';
import { ROLE_KEYS, type RoleKey } from '../../domain/roles';
import { auditTotals } from '../../queries/audit';
import { countUsers } from '../../queries/users';

interface Card {
  role: RoleKey;
  stats: Array<{ key: string; value: number | string }>;
  links: Array<{ href: string; key: string }>;
}

/** Per-role figures on the home page. Roles whose records arrive in later issues show their duties for now. */
async function cardFor(role: RoleKey): Promise<Card> {
  switch (role) {
    case 'sysadmin': {
      const counts = await countUsers();
      return {
        role,
        stats: [
          { key: 'stats.activeUsers', value: counts.active },
          { key: 'stats.inactiveUsers', value: counts.inactive },
          { key: 'stats.departments', value: counts.departments },
        ],
        links: [
          { href: '/admin/users', key: 'nav.users' },
          { href: '/admin/departments', key: 'nav.departments' },
        ],
      };
    }
    case 'auditor': {
      const totals = await auditTotals();
      return {
        role,
        stats: [
          { key: 'stats.auditEvents', value: totals.events },
          { key: 'stats.auditChains', value: totals.chains },
        ],
        links: [
          { href: '/audit', key: 'nav.audit' },
          { href: '/audit/verify', key: 'audit.verify.run' },
        ],
      };
    }
    default:
      return { role, stats: [], links: [] };
  }
}

export function homePages(): Router {
  const r = Router();
  r.get('/', requireSignIn, async (req, res) => {
    const roles = ROLE_KEYS.filter((role) => req.user!.roles.includes(role));
    const cards = await Promise.all(roles.map(cardFor));
    res.render('home/index', { title: req.t('home.title'), cards });
  });
  return r;
}
