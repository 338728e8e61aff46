import { Router, type Request } from 'express';
import { DateTime } from 'luxon';
import { requireSignIn } from '../auth/middleware';
import { ROLE_KEYS, type RoleKey } from '../../domain/roles';
import { auditTotals } from '../../queries/audit';
import { dashboardCounts, type DashboardFigure } from '../../queries/dashboard';
import { countUsers } from '../../queries/users';

interface Card {
  role: RoleKey;
  stats: Array<{ key: string; value: number | string }>;
  links: Array<{ href: string; key: string }>;
}

/** The case figures each role watches, and the queue pre-filtered to match. */
const CASE_FIGURES: Partial<Record<RoleKey, DashboardFigure[]>> = {
  intake: ['loggedToday', 'inIntake', 'acknowledgeOverdue'],
  quality: ['open', 'overdue', 'onHold', 'inWork'],
  cs_director: ['awaitingReview', 'overdue'],
  dept_head: ['open', 'disputed', 'regulatoryOpen'],
  ceo: ['open', 'disputed', 'regulatoryOpen'],
  admin_officer: ['open', 'disputed', 'regulatoryOpen'],
  legal: ['open', 'disputed', 'regulatoryOpen'],
};

/** Where a figure's link goes: the queue showing exactly those entries (when the queue can filter so). */
function queueLink(figure: DashboardFigure, today: string): string | null {
  switch (figure) {
    case 'loggedToday':
      return `/complaints?sort=received&receivedFrom=${today}`;
    case 'inIntake':
      return '/complaints?status=intake';
    case 'acknowledgeOverdue':
      return '/complaints?status=intake&overdue=true';
    case 'open':
      return '/complaints';
    case 'overdue':
      return '/complaints?overdue=true';
    case 'onHold':
      return '/complaints?status=on_hold';
    case 'inWork':
      return '/complaints?status=investigation,solution';
    case 'awaitingReview':
      return '/complaints?status=review';
    case 'disputed':
      return '/complaints?status=disputed';
    default:
      return null;
  }
}

/** Per-role figures on the home page. */
async function cardFor(req: Request, role: RoleKey, zone: string): Promise<Card> {
  const today = DateTime.now().setZone(zone).toISODate()!;
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
      const [totals, counts] = await Promise.all([auditTotals(), dashboardCounts(req.ability, ['loggedThisYear'], zone)]);
      return {
        role,
        stats: [
          { key: 'stats.auditEvents', value: totals.events },
          { key: 'stats.auditChains', value: totals.chains },
          { key: 'queue.figures.loggedThisYear', value: counts.loggedThisYear },
        ],
        links: [
          { href: '/audit', key: 'nav.audit' },
          { href: '/audit/verify', key: 'audit.verify.run' },
          { href: `/complaints?sort=received&receivedFrom=${today.slice(0, 4)}-01-01`, key: 'queue.figures.link.loggedThisYear' },
        ],
      };
    }
    default: {
      const figures = CASE_FIGURES[role] ?? [];
      if (figures.length === 0) return { role, stats: [], links: [] };
      const counts = await dashboardCounts(req.ability, figures, zone);
      const links = figures.flatMap((f) => {
        const href = queueLink(f, today);
        return href ? [{ href, key: `queue.figures.link.${f}` }] : [];
      });
      if (role === 'intake') links.unshift({ href: '/complaints/new', key: 'nav.newEntry' });
      return { role, stats: figures.map((f) => ({ key: `queue.figures.${f}`, value: counts[f] })), links };
    }
  }
}

export function homePages(): Router {
  const r = Router();
  r.get('/', requireSignIn, async (req, res) => {
    // The organisation's zone, as pageLocals set it from the config: "today" starts at its midnight.
    const zone = String(res.locals.timezone ?? 'Asia/Ho_Chi_Minh');
    const roles = ROLE_KEYS.filter((role) => req.user!.roles.includes(role));
    const cards = await Promise.all(roles.map((role) => cardFor(req, role, zone)));
    res.render('home/index', { title: req.t('home.title'), cards });
  });
  return r;
}
