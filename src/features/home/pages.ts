import { Router, type Request } from 'express';
import { DateTime } from 'luxon';
import { requireSignIn } from '../../http/auth';
import type { RoleKey } from '../../domain/roles';
import type { AppAbility } from '../../policies/ability';
import { auditTotals } from '../../queries/audit';
import { dashboardCounts, type DashboardFigure } from '../../queries/dashboard';
import { dueText } from '../../presenters/time';
import { myWork, type WorkItem } from '../../queries/myWork';
import { countUsers } from '../../queries/users';
import * as clock from '../../lib/clock';

interface Card {
  role: RoleKey;
  stats: Array<{ key: string; value: number | string }>;
  links: Array<{ href: string; key: string }>;
}

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

/**
 * The home page's cards, each shown because of what the ability allows, never because of a role
 * name: a card is named after the duty (the role whose work it shows) and appears when the user
 * may do that duty's distinctive thing. A card whose work a broader one already covers is not
 * repeated (someone who may hold and archive cases gets the quality card, not also the intake
 * card of logging entries). In ROLE_KEYS order, as the roles are listed everywhere.
 */
type Link = Card['links'][number];
type Content = Pick<Card, 'stats' | 'links'>;

interface CardDef {
  role: RoleKey;
  shows(ability: AppAbility): boolean;
  /** Case figures the card watches, each with a link to the queue showing them… */
  figures?: DashboardFigure[];
  /** …after these links; */
  lead?(ability: AppAbility): Link[];
  /** or figures of its own. */
  build?(req: Request, zone: string, today: string): Promise<Content>;
}

const CARDS: CardDef[] = [
  // Logs entries, but does not run the cases.
  {
    role: 'intake',
    shows: (a) => a.can('create', 'Complaint') && !a.can('hold', 'Complaint'),
    figures: ['loggedToday', 'inIntake', 'acknowledgeOverdue'],
    lead: (a) => (a.can('create', 'Complaint') ? [{ href: '/complaints/new', key: 'nav.newEntry' }] : []),
  },
  // Runs the cases: holds and archives them.
  { role: 'quality', shows: (a) => a.can('hold', 'Complaint'), figures: ['open', 'overdue', 'onHold', 'inWork'] },
  // Answers on cases it does not run.
  { role: 'dept_head', shows: (a) => a.can('respond', 'Complaint') && !a.can('update', 'Complaint'), figures: ['open', 'disputed', 'regulatoryOpen'] },
  { role: 'cs_director', shows: (a) => a.can('review', 'Complaint'), figures: ['awaitingReview', 'overdue'] },
  { role: 'ceo', shows: (a) => a.can('sign', 'RegulatoryReview'), figures: ['open', 'disputed', 'regulatoryOpen'] },
  { role: 'admin_officer', shows: (a) => a.can('file', 'RegulatoryReview'), figures: ['open', 'disputed', 'regulatoryOpen'] },
  { role: 'legal', shows: (a) => a.can('hold', 'Archive'), figures: ['open', 'disputed', 'regulatoryOpen'] },
  {
    role: 'auditor',
    shows: (a) => a.can('verify', 'AuditEvent'),
    async build(req, zone, today) {
      const [totals, counts] = await Promise.all([auditTotals(), dashboardCounts(req.ability, ['loggedThisYear'], zone)]);
      const links: Link[] = [
        { href: '/audit', key: 'nav.audit' },
        { href: '/audit/verify', key: 'audit.verify.run' },
      ];
      if (req.ability.can('read', 'Complaint')) links.push({ href: `/complaints?sort=received&receivedFrom=${today.slice(0, 4)}-01-01`, key: 'queue.figures.link.loggedThisYear' });
      return {
        stats: [
          { key: 'stats.auditEvents', value: totals.events },
          { key: 'stats.auditChains', value: totals.chains },
          { key: 'queue.figures.loggedThisYear', value: counts.loggedThisYear },
        ],
        links,
      };
    },
  },
  {
    role: 'sysadmin',
    shows: (a) => a.can('create', 'User'),
    async build(req) {
      const counts = await countUsers();
      const links: Link[] = [{ href: '/admin/users', key: 'nav.users' }];
      if (req.ability.can('create', 'Department')) links.push({ href: '/admin/departments', key: 'nav.departments' });
      return {
        stats: [
          { key: 'stats.activeUsers', value: counts.active },
          { key: 'stats.inactiveUsers', value: counts.inactive },
          { key: 'stats.departments', value: counts.departments },
        ],
        links,
      };
    },
  },
];

/** The cards this ability shows, by duty (exported for the test of the demo roles' cards). */
export function homeCards(ability: AppAbility): RoleKey[] {
  return CARDS.filter((def) => def.shows(ability)).map((def) => def.role);
}

async function cardFor(req: Request, def: CardDef, zone: string): Promise<Card> {
  const today = DateTime.now().setZone(zone).toISODate()!;
  if (def.build) return { role: def.role, ...(await def.build(req, zone, today)) };
  const figures = def.figures ?? [];
  if (figures.length === 0 || !req.ability.can('read', 'Complaint')) return { role: def.role, stats: [], links: [] };
  const counts = await dashboardCounts(req.ability, figures, zone);
  const links = [
    ...(def.lead?.(req.ability) ?? []),
    ...figures.flatMap((f) => {
      const href = queueLink(f, today);
      return href ? [{ href, key: `queue.figures.link.${f}` }] : [];
    }),
  ];
  return { role: def.role, stats: figures.map((f) => ({ key: `queue.figures.${f}`, value: counts[f] })), links };
}

/** Where each kind of work is done. */
function hrefOf(item: WorkItem): string {
  const c = `/complaints/${item.complaint.id}`;
  switch (item.kind) {
    case 'case':
      return c;
    case 'assignment':
      return `${c}#meeting-${item.meetingId}`;
    case 'action':
      return `/actions/${item.id}`;
    case 'signature':
      return `${c}/regulatory/sign`;
    case 'filing':
      return `${c}#regulatory`;
    case 'disposal':
      return '/disposals';
  }
}

/** What waits for the user now (src/queries/myWork.ts), soonest due first, each with the time left and where it is done. */
async function workOf(req: Request) {
  const now = clock.now();
  const work = await myWork(req.ability, { id: req.user!.id, departmentId: req.user!.departmentId ?? null });
  const tasks = work.items.map((item) => {
    const due = item.dueAt ? dueText(item.dueAt, now, req.t) : null;
    return { ...item, href: hrefOf(item), overdue: due?.overdue ?? false, left: due?.text ?? null };
  });
  const queueHref = work.moreCases ? `/complaints?status=${work.caseStages.join(',')}&sort=due` : null;
  return { tasks, queueHref };
}

export function homePages(): Router {
  const r = Router();
  r.get('/', requireSignIn, async (req, res) => {
    // The organisation's zone, as pageLocals set it from the config: "today" starts at its midnight.
    const zone = String(res.locals.timezone ?? 'Asia/Ho_Chi_Minh');
    const [cards, work] = await Promise.all([Promise.all(CARDS.filter((def) => def.shows(req.ability)).map((def) => cardFor(req, def, zone))), workOf(req)]);
    res.render('home/index', { title: req.t('home.title'), cards, tasks: work.tasks, queueHref: work.queueHref });
  });
  return r;
}
