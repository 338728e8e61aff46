import { Op, type WhereOptions } from 'sequelize';
import { sequelize } from '../db';
import { foldText, type Category, type Channel, type Kind, type Severity } from '../domain/entries';
import type { Stage } from '../domain/workflow';
import { decodeCursor, toPage, type Page } from '../lib/pagination';
import { z } from '../lib/zod';
import { CaseClock, Complaint, ComplaintHold, ComplaintStage, Customer, User } from '../models';
import type { AppAbility } from '../policies/ability';
import { accessibleWhere } from '../policies/accessible';
import { caseFacts, nextStages, procedure } from '../procedure';
import * as clock from '../lib/clock';
import { attachClocks } from './clocks';

export interface ComplaintFilter {
  status?: Stage[];
  kind?: Kind;
  severity?: Severity[];
  category?: Category;
  channel?: Channel;
  q?: string;
  overdue?: boolean;
  customerId?: string;
  receivedFrom?: Date;
  receivedTo?: Date;
  sort: 'received' | 'due';
  limit: number;
  cursor?: string;
}

const ReceivedCursor = z.object({ r: z.string().datetime(), i: z.string().uuid() });
const DueCursor = z.object({ d: z.string().datetime().nullable(), i: z.string().uuid() });

const LIST_EXCLUDED = ['recurrence', 'searchText'];
/** The customer fields a list row presents (presentComplaint). */
const LIST_CUSTOMER_ATTRIBUTES = ['id', 'code', 'name', 'type', 'tier', 'email', 'phone'];

/** What a typed reference looks like, whole or its beginning: KN-2026, KN-2026-0001, ph-2025-000045. */
const REFERENCE_QUERY = /^(?:KN|PH)-\d{4}(?:-\d{0,6})?$/i;

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The log book and the queue. Every filter has an index behind it: the open-case queue index for
 * `sort=due` and `overdue`, trigrams over the diacritic-free search column for `q`, and keyset
 * pagination so page 1000 costs what page 1 costs.
 */
export async function listComplaints<T>(ability: AppAbility, filter: ComplaintFilter, present: (c: Complaint) => T, now = clock.now()): Promise<Page<T>> {
  const allowed = accessibleWhere(ability, 'read', 'Complaint');
  if (!allowed) return { items: [], nextCursor: null };
  const s = sequelize();
  const and: WhereOptions[] = [allowed];
  if (filter.status) and.push({ status: { [Op.in]: filter.status } });
  if (filter.kind) and.push({ kind: filter.kind });
  if (filter.severity) and.push({ severity: { [Op.in]: filter.severity } });
  if (filter.category) and.push({ category: filter.category });
  if (filter.channel) and.push({ channel: filter.channel });
  if (filter.customerId) and.push({ customerId: filter.customerId });
  if (filter.receivedFrom) and.push({ receivedAt: { [Op.gte]: filter.receivedFrom } });
  if (filter.receivedTo) and.push({ receivedAt: { [Op.lte]: filter.receivedTo } });
  if (filter.q) {
    const reference = REFERENCE_QUERY.exec(filter.q.trim());
    const folded = foldText(filter.q);
    // A reference (or its beginning) is looked up by prefix; anything else by substring, diacritics ignored.
    if (reference) and.push({ reference: { [Op.like]: `${reference[0].toUpperCase()}%` } });
    else if (folded) and.push({ searchText: { [Op.like]: `%${likeEscape(folded)}%` } });
  }
  const open = { status: { [Op.notIn]: ['closed', 'archived'] } };
  if (filter.overdue) and.push(open, { nextDueAt: { [Op.lt]: now } });
  if (filter.sort === 'due') and.push(open);

  let order: Array<[string, string]>;
  let keyOf: (c: Complaint) => Record<string, unknown>;
  if (filter.sort === 'due') {
    order = [['nextDueAt', 'ASC NULLS LAST'], ['id', 'ASC']];
    keyOf = (c) => ({ d: c.nextDueAt?.toISOString() ?? null, i: c.id });
    const after = decodeCursor(filter.cursor, DueCursor);
    if (after) {
      and.push(
        after.d === null
          ? { nextDueAt: null, id: { [Op.gt]: after.i } }
          : { [Op.or]: [{ nextDueAt: { [Op.gt]: new Date(after.d) } }, { nextDueAt: new Date(after.d), id: { [Op.gt]: after.i } }, { nextDueAt: null }] },
      );
    }
  } else {
    order = [['receivedAt', 'DESC'], ['id', 'DESC']];
    keyOf = (c) => ({ r: c.receivedAt.toISOString(), i: c.id });
    const after = decodeCursor(filter.cursor, ReceivedCursor);
    if (after) and.push(s.literal(`("Complaint".received_at, "Complaint".id) < (${s.escape(after.r)}::timestamptz, ${s.escape(after.i)}::uuid)`));
  }
  const rows = await Complaint.findAll({
    // A list shows neither the recurrence list (~3 KB of jsonb per recurring entry) nor the search column.
    attributes: { exclude: LIST_EXCLUDED },
    where: { [Op.and]: and },
    include: [{ model: Customer, as: 'customer', attributes: LIST_CUSTOMER_ATTRIBUTES }],
    order,
    limit: filter.limit + 1,
  });
  // The page's clocks (its `due.*`) in one more query, not one per row.
  await attachClocks(rows.slice(0, filter.limit));
  return toPage(rows, filter.limit, present, keyOf);
}

export async function findComplaint(id: string): Promise<Complaint | null> {
  return Complaint.findByPk(id, { include: [{ model: Customer, as: 'customer' }, { model: CaseClock, as: 'clocks' }] });
}

const minutesBetween = (a: Date, b: Date) => Math.round((b.getTime() - a.getTime()) / 60_000);

/** The stage timeline with who moved the case and how late each visit was (the answer to "who caused the delay"). */
export async function caseDetail(complaint: Complaint, now = clock.now()) {
  const stages = await ComplaintStage.findAll({ where: { complaintId: complaint.id }, order: [['enteredAt', 'ASC'], ['createdAt', 'ASC']] });
  const holds = await ComplaintHold.findAll({ where: { complaintId: complaint.id }, order: [['startedAt', 'ASC']] });
  const userIds = [...new Set(stages.flatMap((s) => [s.enteredBy, s.exitedBy]).filter((x): x is string => Boolean(x)))];
  const users = new Map((await User.findAll({ where: { id: userIds }, attributes: ['id', 'name'] })).map((u) => [u.id, { id: u.id, name: u.name }]));
  const timeline = stages.map((s) => {
    const end = s.exitedAt ?? now;
    return {
      stage: s.stage,
      round: s.round,
      enteredAt: s.enteredAt.toISOString(),
      enteredBy: s.enteredBy ? users.get(s.enteredBy) ?? null : null,
      exitedAt: s.exitedAt?.toISOString() ?? null,
      exitedBy: s.exitedBy ? users.get(s.exitedBy) ?? null : null,
      dueAt: s.dueAt?.toISOString() ?? null,
      lateMinutes: s.dueAt && end > s.dueAt ? minutesBetween(s.dueAt, end) : s.dueAt ? 0 : null,
      note: s.note,
      reason: s.reason,
    };
  });
  const holdList = holds.map((h) => ({
    stage: h.stage,
    reason: h.reason,
    startedAt: h.startedAt.toISOString(),
    endedAt: h.endedAt?.toISOString() ?? null,
    minutes: minutesBetween(h.startedAt, h.endedAt ?? now),
  }));
  const recurrenceIds = new Map((complaint.recurrence?.earlier ?? []).map((e) => [e.id, e.matchedBy]));
  const customerEarlier = await Complaint.findAll({
    where: { customerId: complaint.customerId, id: { [Op.ne]: complaint.id }, receivedAt: { [Op.lte]: complaint.receivedAt } },
    attributes: ['id', 'reference', 'receivedAt', 'subject', 'status'],
    order: [['receivedAt', 'DESC']],
    limit: 20,
  });
  const others = recurrenceIds.size
    ? await Complaint.findAll({ where: { id: [...recurrenceIds.keys()].filter((id) => !customerEarlier.some((c) => c.id === id)) }, attributes: ['id', 'reference', 'receivedAt', 'subject', 'status'] })
    : [];
  const earlierEntries = [...customerEarlier, ...others]
    .sort((a, b) => b.receivedAt.getTime() - a.receivedAt.getTime())
    .map((e) => ({
      id: e.id,
      reference: e.reference,
      receivedAt: e.receivedAt.toISOString(),
      subject: e.subject,
      status: e.status,
      matchedBy: recurrenceIds.get(e.id) ?? ['customer'],
    }));
  const context = { complaint, customer: complaint.customer as Customer };
  const facts = await caseFacts(context);
  return {
    timeline,
    holds: holdList,
    earlierEntries,
    edges: nextStages(facts),
    facts,
    evidence: [],
    meetings: [],
    findings: [],
    solutions: [],
    followUps: [],
    actions: [],
    letters: [],
    regulatory: null,
    signatures: [],
    survey: null,
    slaBreaches: [] as unknown[],
    // What each registered capability adds (src/procedure): a later issue's evidence, findings… replace the empty parts above.
    ...(await procedure.detail(context)),
  };
}
