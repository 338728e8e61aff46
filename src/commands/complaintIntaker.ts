import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { QueryTypes, type Model } from 'sequelize';
import { sequelize, transaction } from '../db';
import { intakeClocks, nextDueAt } from '../domain/clocks';
import { clockMarks, measureOfKind } from '../domain/clockMarks';
import { legalClocks, stageDueAt } from '../domain/deadlines';
import { formatReference, type Category, type Channel, type Harm, type Kind, type Severity } from '../domain/entries';
import { RECURRENCE_FIELDS, type RecurrenceCriterion } from '../domain/recurrence';
import { badRequest, fieldError, validationFailed, type FieldError } from '../lib/errors';
import { CaseClock, Complaint, ComplaintStage, Customer } from '../models';
import type { Recurrence, RecurrenceMatch } from '../models/Complaint';
import { insertAudited, prepareInsert, type PreparedInsert } from '../models/audited';
import { clockContext, recurrenceSetting, stageTarget } from '../queries/policy';
import { entryReceivedEffect } from '../outbox/entryReceived';
import { enqueueWith } from '../outbox/outbox';
import { checkAssignee } from './assignee';
import { complaintSearchText, createCustomer, type CustomerInput } from './customers';
import * as clock from '../lib/clock';

export interface IntakeInput {
  kind: Kind;
  customerId?: string;
  customer?: CustomerInput;
  channel: Channel;
  receivedAt?: Date;
  incidentDate: string;
  category: Category;
  subject: string;
  description: string;
  severity: Severity;
  harm?: Harm;
  safetyImpact?: boolean;
  brandImpact?: boolean;
  productRef?: string | null;
  lotRef?: string | null;
  supplierRef?: string | null;
  assigneeId?: string | null;
}

/** Clocks drift; a receipt a few minutes "in the future" is a skewed clock, not an error. */
const CLOCK_SKEW_MS = 5 * 60_000;

/** Takes the next number of (kind, year). The row lock is held until commit: no gaps, no duplicates. */
async function takeNumber(kind: Kind, year: number): Promise<number> {
  const [row] = await sequelize().query<{ n: number }>(
    `INSERT INTO reference_counters (kind, year, last_number) VALUES (:kind, :year, 1)
     ON CONFLICT (kind, year) DO UPDATE SET last_number = reference_counters.last_number + 1
     RETURNING last_number AS n`,
    { replacements: { kind, year }, type: QueryTypes.SELECT },
  );
  return row.n;
}

const RECURRENCE_LIMIT = 20;
/** The column each criterion compares; each has its own `(column, received_at DESC)` index (0002, 0006). */
const RECURRENCE_COLUMNS: Record<RecurrenceCriterion, string> = { customer: 'customer_id', product: 'product_ref', lot: 'lot_ref', supplier: 'supplier_ref' };

type RecurrenceValues = Record<RecurrenceCriterion, string | null>;

type RecurrenceRow = { id: string; reference: string; received_at: Date | string; customer_id: string; product_ref: string | null; lot_ref: string | null; supplier_ref: string | null };
type RecurrenceEntry = { customerId: string; productRef: string | null; lotRef: string | null; supplierRef: string | null; receivedAt: Date };

/**
 * Earlier complaints of the same customer, product, lot or supplier within the configured period,
 * newest first, each with the criteria it matched and the values it matched on. One
 * `ORDER BY … LIMIT` branch per criterion, each served by its own `(…, received_at DESC)` index,
 * merged: no row estimate can turn it into a scan of the whole period (as a single `OR` query
 * becomes on a table without statistics yet). The category is no criterion (see domain/recurrence).
 * The query is returned with its parameters added to `bind`, for the caller to send (alone, or
 * inside the customer's lookup); `toRecurrence` reads its rows. Null: no criterion applies.
 */
async function recurrenceQuery(entry: RecurrenceEntry, bind: unknown[]) {
  const setting = await recurrenceSetting();
  const since = new Date(entry.receivedAt.getTime() - setting.periodDays * 86_400_000);
  const values: RecurrenceValues = { customer: entry.customerId, product: entry.productRef, lot: entry.lotRef, supplier: entry.supplierRef };
  const criteria = setting.match.filter((m) => values[m] !== null);
  if (criteria.length === 0) return null;
  const from = bind.push(since);
  const to = bind.push(entry.receivedAt);
  const branches = criteria.map((m) => {
    bind.push(values[m]);
    return `(SELECT id, reference, received_at, customer_id, product_ref, lot_ref, supplier_ref FROM complaints
       WHERE ${RECURRENCE_COLUMNS[m]} = $${bind.length} AND kind = 'complaint' AND received_at >= $${from} AND received_at <= $${to}
       ORDER BY received_at DESC LIMIT ${RECURRENCE_LIMIT})`;
  });
  const sql = `SELECT * FROM (${branches.join(' UNION ')}) m ORDER BY received_at DESC, id DESC LIMIT ${RECURRENCE_LIMIT}`;
  const toRecurrence = (rows: RecurrenceRow[]): Recurrence | null => {
    if (rows.length === 0) return null;
    const earlier = rows.map((r): RecurrenceMatch => {
      const found: RecurrenceValues = { customer: r.customer_id, product: r.product_ref, lot: r.lot_ref, supplier: r.supplier_ref };
      const on = criteria.filter((m) => found[m] === values[m]);
      const match: RecurrenceMatch = { id: r.id, reference: r.reference, receivedAt: new Date(r.received_at).toISOString(), matchedBy: on };
      for (const m of on) match[RECURRENCE_FIELDS[m]] = values[m]!;
      return match;
    });
    return { periodDays: setting.periodDays, matchedBy: criteria.filter((m) => earlier.some((e) => e.matchedBy.includes(m))), earlier };
  };
  return { sql, toRecurrence };
}

async function findRecurrence(entry: RecurrenceEntry): Promise<Recurrence | null> {
  const bind: unknown[] = [];
  const query = await recurrenceQuery(entry, bind);
  if (!query) return null;
  return query.toRecurrence(await sequelize().query<RecurrenceRow>(query.sql, { bind, type: QueryTypes.SELECT }));
}

/**
 * An existing customer and the entry's recurrence in one round trip (intake's hot path): the
 * customer's row, with the recurrence query's rows as JSON beside it. Null: no such customer.
 */
async function customerWithRecurrence(customerId: string, entry: Omit<RecurrenceEntry, 'customerId'>): Promise<{ customer: Customer; recurrence: Recurrence | null } | null> {
  const bind: unknown[] = [customerId];
  const query = await recurrenceQuery({ ...entry, customerId }, bind);
  const recurrenceColumn = query ? `, (SELECT COALESCE(json_agg(r), '[]'::json) FROM (${query.sql}) r) AS "recurrenceRows"` : '';
  const [customer] = await sequelize().query<Customer>(`SELECT c.*${recurrenceColumn} FROM customers c WHERE c.id = $1`, {
    bind,
    model: Customer,
    mapToModel: true,
  });
  if (!customer) return null;
  const values = customer.dataValues as Record<string, unknown>;
  const rows = (values.recurrenceRows ?? []) as RecurrenceRow[];
  delete values.recurrenceRows;
  return { customer, recurrence: query ? query.toRecurrence(rows) : null };
}

function checkDates(input: IntakeInput, receivedAt: Date, zone: string, now: Date): void {
  const errors: FieldError[] = [];
  if (receivedAt.getTime() > now.getTime() + CLOCK_SKEW_MS) errors.push(fieldError('receivedAt', 'errors.receivedInFuture'));
  const today = DateTime.fromJSDate(now, { zone }).toISODate()!;
  const receivedDay = DateTime.fromJSDate(receivedAt, { zone }).toISODate()!;
  if (input.incidentDate > today) errors.push(fieldError('incidentDate', 'errors.incidentInFuture'));
  else if (input.incidentDate > receivedDay) errors.push(fieldError('incidentDate', 'errors.incidentAfterReceipt'));
  if (errors.length) throw validationFailed(errors);
}

/**
 * Logs an entry in the feedback log book. Nothing is refused for being late: a complaint
 * filed after its window is logged and flagged `timeBarred`. The number, the entry, its first
 * stage visit and their audit events commit together or not at all.
 */
export async function intakeComplaint(input: IntakeInput, actor: { userId: string | null }, zone: string): Promise<Complaint> {
  const now = clock.now();
  const receivedAt = input.receivedAt ?? now;
  checkDates(input, receivedAt, zone, now);
  return transaction(async () => {
    const productRef = input.productRef?.trim() || null;
    const lotRef = input.lotRef?.trim() || null;
    const supplierRef = input.supplierRef?.trim() || null;
    let customer: Customer;
    let recurrence: Recurrence | null;
    if (input.customerId) {
      const found = await customerWithRecurrence(input.customerId, { productRef, lotRef, supplierRef, receivedAt });
      if (!found) throw validationFailed([fieldError('customerId', 'errors.unknownCustomer')]);
      ({ customer, recurrence } = found);
    } else if (input.customer) {
      customer = await createCustomer(input.customer);
      recurrence = await findRecurrence({ customerId: customer.id, productRef, lotRef, supplierRef, receivedAt });
    } else {
      throw badRequest('Give customerId or customer.', [fieldError('customerId', 'errors.customerRequired')]);
    }
    if (input.assigneeId) await checkAssignee(input.assigneeId);

    const ctx = await clockContext(zone);
    const legal = legalClocks({ receivedAt, incidentDate: input.incidentDate, category: input.category, customerType: customer.type }, ctx);
    const intakeTarget = (await stageTarget('intake', input.severity, customer.tier)) ?? { minutes: 60, mode: 'exact' as const };
    const dueAcknowledgeAt = stageDueAt(receivedAt, intakeTarget, [], now, ctx)!;
    const harm = input.harm ?? 'none';
    const id = randomUUID();
    // The acknowledgment e-mail (PRODUCT.md stage 1) goes through the outbox: recorded in this
    // transaction (in the entry's own INSERT statement), sent by the delivery worker once it
    // commits, never if it rolls back. The reference is the entry's, read at delivery.
    const effects =
      input.kind === 'complaint' && customer.email
        ? [enqueueWith(entryReceivedEffect({ id, subject: input.subject.trim(), receivedAt, dueFirstReplyAt: legal.firstReplyAt }, { name: customer.name, email: customer.email }))]
        : [];

    const year = DateTime.fromJSDate(receivedAt, { zone }).year;
    const clocks = intakeClocks(receivedAt, dueAcknowledgeAt, legal);
    // Everything that does not depend on the log-book number is built and its audit event signed
    // before the number is taken: the counter's row lock is then held for the complaint's own
    // event, one statement and the commit.
    const stage = ComplaintStage.build({
      complaintId: id,
      stage: 'intake',
      round: 1,
      enteredAt: receivedAt,
      enteredBy: actor.userId,
      exitedAt: null,
      exitedBy: null,
      targetMinutes: intakeTarget.minutes,
      slaMode: intakeTarget.mode,
      dueAt: dueAcknowledgeAt,
      note: null,
      reason: null,
    });
    // Each clock with its SLA marks (80 %/150 % of its measured time, src/domain/clockMarks.ts).
    const clockRows = clocks.map((c) => CaseClock.build({ complaintId: id, ...c, ...clockMarks(c.startedAt, c.dueAt, measureOfKind(c.kind, intakeTarget), [], ctx) }));
    const records: PreparedInsert[] = [stage, ...clockRows].map((r) => prepareInsert<Model>(r));
    const built = Complaint.build({
      id,
      reference: '',
      kind: input.kind,
      refYear: year,
      refNumber: 0,
      heldStatus: null,
      customerId: customer.id,
      channel: input.channel,
      receivedAt,
      incidentDate: input.incidentDate,
      category: input.category,
      subject: input.subject.trim(),
      description: input.description.trim(),
      severity: input.severity,
      harm,
      safetyImpact: input.safetyImpact ?? false,
      brandImpact: input.brandImpact ?? false,
      productRef,
      lotRef,
      supplierRef,
      timeBarred: legal.timeBarred,
      filingWindowEndsAt: legal.filingWindowEndsAt,
      timeBarredDecision: null,
      timeBarredNote: null,
      regulatoryReviewRequired: harm === 'serious_injury' || harm === 'death',
      meetingRequired: Boolean(input.safetyImpact || input.brandImpact),
      recurring: recurrence !== null,
      recurrence,
      status: 'intake',
      nextDueAt: nextDueAt({ status: 'intake', clocks }),
      acknowledgedAt: null,
      acknowledgedVia: null,
      firstRepliedAt: null,
      firstReplyVia: null,
      negotiationStartedAt: null,
      resolvedAt: null,
      closedAt: null,
      resolution: null,
      stageEnteredAt: receivedAt,
      assigneeId: input.assigneeId ?? null,
      createdBy: actor.userId,
      searchText: '',
    });

    const number = await takeNumber(input.kind, year);
    const reference = formatReference(input.kind, year, number);
    built.set({
      reference,
      refNumber: number,
      searchText: complaintSearchText({ reference, subject: input.subject, description: input.description }, customer.name),
    });
    const [complaint] = (await insertAudited<Model>([prepareInsert<Model>(built), ...records], { with: effects })) as [Complaint, ...unknown[]];
    complaint.customer = customer;
    complaint.clocks = clockRows;
    return complaint;
  });
}
