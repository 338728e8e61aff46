import { randomUUID } from 'node:crypto';
import cliProgress from 'cli-progress';
import pg from 'pg';
import { customerSearchText, complaintSearchText } from '../src/commands/customers';
import { nextDueAt, outcomeOf, type ClockKind, type ClockState } from '../src/domain/clocks';
import type { StageTarget } from '../src/domain/deadlines';
import { formatReference, SEVERITIES, TIERS, type CustomerType, type Kind, type Severity, type Tier } from '../src/domain/entries';
import { SLA_STAGES, type Stage } from '../src/domain/workflow';
import { clockContext, recurrenceSetting, stageTarget } from '../src/queries/policy';
import { memoClocks } from './clocks';
import { rng, sampleCustomer, sampleEntry, type Rand } from './corpus';

/**
 * Bulk seeder for the query benchmark (pg-copy-streams is not a dependency, so no COPY): customers
 * and entries inserted in batches of 4,000 rows, each batch one `INSERT … SELECT FROM
 * json_to_recordset($1)` statement (its own transaction) on one of two sessions while the next
 * batch is being built; secondary indexes dropped during the load and rebuilt from their own
 * definitions after it; foreign-key triggers off during the load and the references checked in one
 * query afterwards; then VACUUM ANALYZE.
 *
 * Every row is what the app would have written for that history: numbers gapless per kind and
 * year in order of receipt, search text made by the app's own `complaintSearchText`, clocks from
 * the app's own deadline functions and SLA policy table (`stageDueAt`, `nextDueAt`, the legal
 * limits) written as the case's clock rows, recurrence computed as intake computes it (earlier complaints of the same customer,
 * product, lot or supplier in the configured period, newest 20). Cases move through the stages with
 * sampled durations, so nearly all old ones are closed, recent ones are spread across the stages,
 * a few are stuck (overdue) or on hold.
 *
 * Not written: audit events (the trail of bulk-seeded rows is not part of any list query), and of
 * each case's stage timeline only its current visit (plus the open hold of a case on hold).
 */

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;
const BATCH = 4000;

export interface SeedOptions {
  entries: number;
  customers: number;
  /** Entries are received over this many days up to `now`. */
  days: number;
  now: Date;
  zone: string;
  userIds: { intake: string[]; quality: string[] };
}

export interface SeedSummary {
  entries: number;
  customers: number;
  open: number;
  overdue: number;
  byStatus: Record<string, number>;
  seconds: number;
}

type Col = readonly [name: string, type: string];

/**
 * Inserts rows as one statement per batch (its own transaction):
 * `INSERT INTO t (cols) SELECT cols FROM json_to_recordset($1) AS x(col type, …)`. One JSON
 * parameter per batch: V8's JSON.stringify and PostgreSQL's JSON parser are the fastest pair
 * available without COPY.
 */
class RowBatch {
  private rows: Array<Record<string, unknown>> = [];
  readonly sql: string;
  constructor(table: string, cols: readonly Col[]) {
    // jsonb columns travel as JSON text (made once in JS) and are cast: cheaper for PostgreSQL than nested objects.
    const names = cols.map((c) => c[0]).join(', ');
    const select = cols.map((c) => (c[1] === 'jsonb' ? `${c[0]}::jsonb` : c[0])).join(', ');
    const types = cols.map((c) => `${c[0]} ${c[1] === 'jsonb' ? 'text' : c[1]}`).join(', ');
    this.sql = `INSERT INTO ${table} (${names}) SELECT ${select} FROM json_to_recordset($1::json) AS x(${types})`;
  }
  get length(): number {
    return this.rows.length;
  }
  push(row: Record<string, unknown>): void {
    this.rows.push(row);
  }
  /** The rows pushed so far, taken out of the batch (to send later with `send`). */
  take(): Array<Record<string, unknown>> {
    const rows = this.rows;
    this.rows = [];
    return rows;
  }
  send(client: pg.Client, rows: Array<Record<string, unknown>>): Promise<number> {
    if (rows.length === 0) return Promise.resolve(0);
    return client.query(this.sql, [JSON.stringify(rows)]).then(() => rows.length);
  }
  /** Sends the batch; the returned promise settles when PostgreSQL has committed it. */
  flush(client: pg.Client): Promise<number> {
    return this.send(client, this.take());
  }
}

const CUSTOMER_COLS: Col[] = [
  ['id', 'uuid'], ['code', 'varchar'], ['name', 'varchar'], ['type', 'varchar'], ['email', 'varchar'], ['phone', 'varchar'],
  ['address', 'varchar'], ['tier', 'varchar'], ['search_text', 'text'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'],
];

const COMPLAINT_COLS: Col[] = [
  ['id', 'uuid'], ['reference', 'varchar'], ['kind', 'varchar'], ['ref_year', 'int'], ['ref_number', 'int'], ['status', 'varchar'],
  ['held_status', 'varchar'], ['round', 'smallint'], ['customer_id', 'uuid'], ['channel', 'varchar'], ['received_at', 'timestamptz'],
  ['incident_date', 'date'], ['category', 'varchar'], ['subject', 'varchar'], ['description', 'text'], ['severity', 'varchar'],
  ['harm', 'varchar'], ['safety_impact', 'boolean'], ['brand_impact', 'boolean'], ['product_ref', 'varchar'], ['lot_ref', 'varchar'],
  ['supplier_ref', 'varchar'], ['time_barred', 'boolean'], ['filing_window_ends_at', 'timestamptz'], ['time_barred_decision', 'varchar'],
  ['regulatory_review_required', 'boolean'], ['meeting_required', 'boolean'], ['recurring', 'boolean'], ['recurrence', 'jsonb'],
  ['next_due_at', 'timestamptz'],
  ['acknowledged_at', 'timestamptz'], ['acknowledged_via', 'varchar'], ['first_replied_at', 'timestamptz'], ['first_reply_via', 'varchar'],
  ['negotiation_started_at', 'timestamptz'], ['resolved_at', 'timestamptz'], ['closed_at', 'timestamptz'], ['resolution', 'text'],
  ['stage_entered_at', 'timestamptz'], ['assignee_id', 'uuid'], ['created_by', 'uuid'], ['search_text', 'text'], ['version', 'int'],
  ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'],
];

const CLOCK_COLS: Col[] = [
  ['complaint_id', 'uuid'], ['kind', 'text'], ['started_at', 'timestamptz'], ['due_at', 'timestamptz'], ['met_at', 'timestamptz'],
  ['outcome', 'text'], ['paused_minutes', 'int'], ['set_by', 'text'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'],
];

interface SeedCustomer {
  id: string;
  name: string;
  type: CustomerType;
  tier: Tier;
  hasEmail: boolean;
}

interface Earlier {
  id: string;
  /** `{"id":…,"reference":…,"receivedAt":…,"matchedBy":` — the start of its item in a recurrence list. */
  json: string;
  receivedMs: number;
  customer: number;
  productRef: string | null;
  lotRef: string | null;
  supplierRef: string | null;
}

/** The newest `max` complaints per key, newest first. */
class Recent {
  private readonly lists = new Map<string | number, Earlier[]>();
  constructor(private readonly max: number) {}
  /** Forgets what fell out of the recurrence period (keeps the heap, and GC time, bounded). */
  prune(sinceMs: number): void {
    for (const [key, l] of this.lists) {
      while (l.length && l[l.length - 1].receivedMs < sinceMs) l.pop();
      if (l.length === 0) this.lists.delete(key);
    }
  }
  get(key: string | number): Earlier[] {
    return this.lists.get(key) ?? [];
  }
  add(key: string | number, e: Earlier): void {
    let l = this.lists.get(key);
    if (!l) this.lists.set(key, (l = []));
    l.unshift(e);
    if (l.length > this.max) l.pop();
  }
}

type Visit = { stage: Stage; hours: number };

/** The path a case takes and how long it spends in each stage (hours), sampled. */
function lifecycle(r: Rand, kind: Kind, timeBarred: boolean): { visits: Visit[]; firstReplyH: number; holdAt: number; holdH: number } {
  const h = (min: number, max: number) => min + (max - min) * r() * r();
  const stuck = r() < 0.004 ? 20 + r() * 40 : 1; // a few cases stall for weeks: the overdue tail
  if (kind === 'feedback') return { visits: [{ stage: 'intake', hours: h(0.05, 2) * stuck }, { stage: 'closed', hours: Infinity }], firstReplyH: NaN, holdAt: -1, holdH: 0 };
  if (timeBarred && r() < 0.3) return { visits: [{ stage: 'intake', hours: h(0.2, 4) }, { stage: 'closed', hours: Infinity }], firstReplyH: NaN, holdAt: -1, holdH: 0 };
  const visits: Visit[] = [
    { stage: 'intake', hours: h(0.1, 2.5) },
    { stage: 'investigation', hours: h(1, 30) },
    { stage: 'solution', hours: h(0.5, 8) },
    { stage: 'review', hours: h(0.5, 8) },
    { stage: 'response', hours: h(0.5, 10) },
  ];
  if (r() < 0.04) visits.push({ stage: 'solution', hours: h(1, 8) }, { stage: 'review', hours: h(0.5, 6) }, { stage: 'response', hours: h(0.5, 8) });
  if (r() < 0.015) visits.push({ stage: 'disputed', hours: h(48, 30 * 24) });
  else visits.push({ stage: 'follow_up', hours: h(24, 8 * 24) });
  visits.push({ stage: 'closed', hours: Infinity });
  const stuckAt = 1 + Math.floor(r() * (visits.length - 2));
  visits[stuckAt].hours *= stuck;
  const hold = r() < 0.03;
  return {
    visits,
    firstReplyH: r() < 0.92 ? h(2, 44) : h(48, 120),
    holdAt: hold ? 1 + Math.floor(r() * 4) : -1,
    holdH: hold ? h(12, 10 * 24) : 0,
  };
}

export async function seedDatabase(url: string, opts: SeedOptions): Promise<SeedSummary> {
  const started = performance.now();
  // Two sessions: PostgreSQL inserts one batch on each while this loop builds the next.
  const clients = [new pg.Client({ connectionString: url }), new pg.Client({ connectionString: url })];
  await Promise.all(clients.map((c) => c.connect()));
  const client = clients[0];
  const bar = new cliProgress.SingleBar(
    // Outside a terminal (a log file, CI) a line every 10 s instead of a redrawn bar.
    { format: '  {task} [{bar}] {percentage}% {value}/{total} | {rate} rows/s | ETA {eta_formatted}', hideCursor: true, etaBuffer: 50, noTTYOutput: true, notTTYSchedule: 10_000 },
    cliProgress.Presets.shades_classic,
  );
  try {
    await Promise.all(clients.map((c) => c.query("SET synchronous_commit = off; SET maintenance_work_mem = '512MB'")));
    // Foreign-key triggers off for the load (rows are valid by construction; checked in one query at the end).
    const replica = (await Promise.all(clients.map((c) => c.query('SET session_replication_role = replica').then(() => true, () => false)))).every(Boolean);
    const ctx = await clockContext(opts.zone);
    const { periodDays, match } = await recurrenceSetting();
    // The SLA policy's target for every (stage, severity, tier), looked up once: the loop below stays synchronous.
    const targets = new Map<string, StageTarget | null>();
    for (const stage of SLA_STAGES) for (const severity of SEVERITIES) for (const tier of TIERS) targets.set(`${stage}/${severity}/${tier}`, await stageTarget(stage, severity, tier));
    const targetOf = (stage: Stage, severity: Severity, tier: Tier) => targets.get(`${stage}/${severity}/${tier}`) ?? null;

    // --- secondary indexes off during the load (rebuilt below from their own definitions)
    const { rows: indexes } = await client.query<{ name: string; def: string }>(
      `SELECT i.relname AS name, pg_get_indexdef(i.oid) AS def
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
        WHERE t.relname IN ('complaints', 'customers', 'complaint_stages', 'case_clocks')
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)`,
    );
    for (const ix of indexes) await client.query(`DROP INDEX ${ix.name}`);

    // --- customers
    const r = rng(20261123);
    const customers: SeedCustomer[] = [];
    const cb = new RowBatch('customers', CUSTOMER_COLS);
    bar.start(opts.customers, 0, { task: 'customers', rate: '—' });
    const since = opts.now.getTime() - opts.days * DAY;
    for (let i = 1; i <= opts.customers; i++) {
      const c = sampleCustomer(r, i);
      const code = `KH-${String(i).padStart(6, '0')}`;
      const id = randomUUID();
      const created = new Date(since - 30 * DAY + Math.floor(r() * opts.days * DAY));
      customers.push({ id, name: c.name, type: c.type, tier: c.tier, hasEmail: c.email !== null });
      cb.push({ id, code, ...c, search_text: customerSearchText({ code, ...c }), created_at: created.toISOString(), updated_at: created.toISOString() });
      if (cb.length >= BATCH) bar.increment(await cb.flush(client));
    }
    bar.increment(await cb.flush(client));
    bar.stop();
    await client.query(`SELECT setval('customer_code_seq', $1)`, [opts.customers]);

    // --- entries, in order of receipt
    const times = new Float64Array(opts.entries);
    for (let i = 0; i < opts.entries; i++) times[i] = since + r() * (opts.days * DAY - 10 * MINUTE);
    times.sort();
    const nowMs = opts.now.getTime();
    const counters = new Map<string, number>();
    const byLot = new Recent(20);
    const bySupplier = new Recent(20);
    const byCustomer = new Recent(20);
    const byProduct = new Recent(20);
    const memo = memoClocks(ctx);
    const status: Record<string, number> = {};
    let open = 0;
    let overdue = 0;
    const holds: Array<{ complaintId: string; stage: Stage; startedMs: number; by: string }> = [];
    const eb = new RowBatch('complaints', COMPLAINT_COLS);
    const kb = new RowBatch('case_clocks', CLOCK_COLS);
    const rate = { t: performance.now(), n: 0, value: '—' };
    const progress = (n: number) => {
      rate.n += n;
      const dt = (performance.now() - rate.t) / 1000;
      if (dt > 2) {
        rate.value = Math.round(rate.n / dt).toLocaleString('en');
        rate.t = performance.now();
        rate.n = 0;
      }
      bar.increment(n, { rate: rate.value });
    };
    const inFlight: Array<Promise<void>> = clients.map(() => Promise.resolve());
    let batches = 0;
    let waitedMs = 0;
    const loopStarted = performance.now();
    bar.start(opts.entries, 0, { task: 'entries  ', rate: '—' });
    // Customers with many entries and customers with one: a skewed pick.
    const pickCustomer = () => Math.floor(Math.pow(r(), 1.6) * customers.length);
    for (let i = 0; i < opts.entries; i++) {
      const receivedMs = times[i];
      const receivedAt = new Date(receivedMs);
      const e = sampleEntry(r);
      const ci = pickCustomer();
      const customer = customers[ci];
      const localDay = memo.localDay(receivedMs);
      const year = Number(localDay.slice(0, 4));
      const ckey = `${e.kind}/${year}`;
      const number = (counters.get(ckey) ?? 0) + 1;
      counters.set(ckey, number);
      const reference = formatReference(e.kind, year, number);
      const id = randomUUID();
      const incidentDate = new Date(Date.parse(localDay) - e.incidentDaysBefore * DAY).toISOString().slice(0, 10);

      // The clocks intake sets (legalClocks, stageDueAt), memoised.
      const legal = memo.legal({ receivedAt, incidentDate, category: e.category, customerType: customer.type });
      const windowEnd = legal.filingWindowEndsAt;
      const timeBarred = legal.timeBarred;
      const dueFirstReplyAt = legal.firstReplyAt;
      const dueResolutionAt = legal.resolutionAt;
      const dueNegotiationStartAt = legal.negotiationStartAt;
      const intakeTarget = targetOf('intake', e.severity, customer.tier) ?? { minutes: 60, mode: 'exact' as const };
      const dueAcknowledgeAt = memo.stageDue(receivedAt, intakeTarget)!;

      // Recurrence as intake finds it: earlier complaints of this customer, product, lot or supplier within the period.
      const sinceMs = receivedMs - periodDays * DAY;
      const candidates = new Map<string, Earlier>();
      if (match.includes('customer')) for (const x of byCustomer.get(ci)) candidates.set(x.id, x);
      if (match.includes('product') && e.productRef) for (const x of byProduct.get(e.productRef)) candidates.set(x.id, x);
      if (match.includes('lot') && e.lotRef) for (const x of byLot.get(e.lotRef)) candidates.set(x.id, x);
      if (match.includes('supplier') && e.supplierRef) for (const x of bySupplier.get(e.supplierRef)) candidates.set(x.id, x);
      const earlier = [...candidates.values()]
        .filter((x) => x.receivedMs >= sinceMs)
        .sort((a, b) => b.receivedMs - a.receivedMs)
        .slice(0, 20);
      let recurrence: string | null = null;
      if (earlier.length) {
        const all = new Set<string>();
        const items = earlier.map((x) => {
          // With the value each criterion matched on, as intake stores it.
          const matchedBy: string[] = [];
          let values = '';
          const on = (criterion: string, field: string, value: string) => {
            matchedBy.push(criterion);
            values += `,"${field}":${JSON.stringify(value)}`;
          };
          if (match.includes('customer') && x.customer === ci) on('customer', 'customerId', customer.id);
          if (match.includes('product') && e.productRef && x.productRef === e.productRef) on('product', 'productRef', e.productRef);
          if (match.includes('lot') && e.lotRef && x.lotRef === e.lotRef) on('lot', 'lotRef', e.lotRef);
          if (match.includes('supplier') && e.supplierRef && x.supplierRef === e.supplierRef) on('supplier', 'supplierRef', e.supplierRef);
          for (const m of matchedBy) all.add(m);
          return `${x.json}${JSON.stringify(matchedBy)}${values}}`;
        });
        recurrence = `{"periodDays":${periodDays},"matchedBy":${JSON.stringify([...all])},"earlier":[${items.join(',')}]}`;
      }
      if (i % 20_000 === 0) for (const l of [byCustomer, byProduct, byLot, bySupplier]) l.prune(sinceMs);
      if (e.kind === 'complaint') {
        const json = `{"id":"${id}","reference":"${reference}","receivedAt":"${receivedAt.toISOString()}","matchedBy":`;
        const me: Earlier = { id, json, receivedMs, customer: ci, productRef: e.productRef, lotRef: e.lotRef, supplierRef: e.supplierRef };
        byCustomer.add(ci, me);
        if (e.productRef) byProduct.add(e.productRef, me);
        if (e.lotRef) byLot.add(e.lotRef, me);
        if (e.supplierRef) bySupplier.add(e.supplierRef, me);
      }

      // Where the case is now: walk its stages until `now`.
      const life = lifecycle(r, e.kind, timeBarred);
      let t = receivedMs;
      let k = 0;
      let round = 1;
      let transitions = 0;
      let onHoldFrom = -1;
      let resolvedMs = -1;
      // The visit before the current one (the stage clock of a case in a stage without an SLA is that visit's, met when it was left).
      let previousMs = t;
      for (; k < life.visits.length - 1; k++) {
        let stay = life.visits[k].hours * HOUR;
        if (k === life.holdAt) {
          const holdStart = t + stay / 2;
          if (nowMs >= holdStart && nowMs < holdStart + life.holdH * HOUR) {
            onHoldFrom = holdStart;
            break;
          }
          stay += life.holdH * HOUR;
        }
        if (t + stay > nowMs) break;
        previousMs = t;
        t += stay;
        transitions++;
        const to = life.visits[k + 1].stage;
        if (life.visits[k].stage === 'response' && to === 'solution') round = 2;
        if (resolvedMs < 0 && (to === 'follow_up' || to === 'disputed' || to === 'closed')) resolvedMs = t;
      }
      const stage = life.visits[k].stage;
      const stageEnteredMs = t;
      const leftIntake = k > 0;
      const ackMs = leftIntake ? receivedMs + life.visits[0].hours * HOUR : -1;
      const closedMs = stage === 'closed' ? stageEnteredMs : -1;
      let firstReplyMs = -1;
      if (e.kind === 'feedback' || (life.visits.length === 2 && leftIntake)) firstReplyMs = closedMs; // answered on the spot / as time-barred
      else if (!Number.isNaN(life.firstReplyH) && receivedMs + life.firstReplyH * HOUR <= Math.min(nowMs, closedMs < 0 ? nowMs : closedMs)) firstReplyMs = receivedMs + life.firstReplyH * HOUR;
      // A closed case was answered at the latest when it was resolved.
      if (firstReplyMs < 0 && closedMs >= 0 && resolvedMs >= 0 && !Number.isNaN(life.firstReplyH)) firstReplyMs = Math.min(receivedMs + life.firstReplyH * HOUR, resolvedMs);
      if (firstReplyMs >= 0 && e.kind === 'complaint' && life.visits.length > 2) transitions++; // POST first-reply saves the entry once more
      const status_: Stage = onHoldFrom >= 0 ? 'on_hold' : stage;
      const stageTargetNow = onHoldFrom >= 0 ? null : targetOf(stage, e.severity, customer.tier);
      let dueStageAt: Date | null = null;
      if (stageTargetNow) {
        const enteredAt = new Date(stageEnteredMs);
        dueStageAt = memo.stageDue(enteredAt, stageTargetNow);
      }
      const via = (ms: number) => (ms < 0 ? null : customer.hasEmail ? 'email' : 'phone');
      // The case's clocks as intake started them and the workflow met them; a finished case's unmet clock is missed.
      const clocks: ClockState[] = [];
      const clockRow = (kind: ClockKind, startedMs: number, dueAt: Date | null, metMs: number, setBy = 'complaint.created') => {
        const metAt = metMs >= 0 ? new Date(metMs) : null;
        clocks.push({ kind, startedAt: new Date(startedMs), dueAt, metAt, outcome: metAt ? outcomeOf(dueAt, metAt) : status_ === 'closed' ? 'missed' : null, pausedMinutes: 0, setBy });
      };
      const stageSetBy = k > 0 ? 'complaint.transitioned' : 'complaint.created';
      clockRow('acknowledge', receivedMs, dueAcknowledgeAt, ackMs);
      clockRow('firstReply', receivedMs, dueFirstReplyAt, firstReplyMs);
      clockRow('resolution', receivedMs, dueResolutionAt, resolvedMs);
      if (dueNegotiationStartAt) clockRow('negotiationStart', receivedMs, dueNegotiationStartAt, firstReplyMs);
      if (onHoldFrom >= 0 || dueStageAt) clockRow('stage', stageEnteredMs, dueStageAt, -1, stageSetBy); // running (paused on hold: no due time)
      else if (k > 0) {
        const before = targetOf(life.visits[k - 1].stage, e.severity, customer.tier);
        clockRow('stage', previousMs, before ? memo.stageDue(new Date(previousMs), before) : null, stageEnteredMs, k > 1 ? 'complaint.transitioned' : 'complaint.created');
      }
      const next = nextDueAt({ status: status_, clocks });
      status[status_] = (status[status_] ?? 0) + 1;
      if (status_ !== 'closed') {
        open++;
        if (next && next.getTime() < nowMs) overdue++;
      }
      if (onHoldFrom >= 0) holds.push({ complaintId: id, stage, startedMs: onHoldFrom, by: opts.userIds.quality[i % opts.userIds.quality.length] });
      const isoMs = (ms: number) => (ms < 0 ? null : new Date(ms).toISOString());
      const lastChange = Math.max(stageEnteredMs, onHoldFrom, firstReplyMs);
      eb.push({
        id,
        reference,
        kind: e.kind,
        ref_year: year,
        ref_number: number,
        status: status_,
        held_status: onHoldFrom >= 0 ? stage : null,
        round,
        customer_id: customer.id,
        channel: e.channel,
        received_at: receivedAt.toISOString(),
        incident_date: incidentDate,
        category: e.category,
        subject: e.subject,
        description: e.description,
        severity: e.severity,
        harm: e.harm,
        safety_impact: e.safetyImpact,
        brand_impact: e.brandImpact,
        product_ref: e.productRef,
        lot_ref: e.lotRef,
        supplier_ref: e.supplierRef,
        time_barred: timeBarred,
        filing_window_ends_at: windowEnd.toISOString(),
        time_barred_decision: timeBarred && leftIntake ? (life.visits.length === 2 ? 'answer_time_barred' : 'accept') : null,
        regulatory_review_required: e.harm === 'serious_injury' || e.harm === 'death',
        meeting_required: e.safetyImpact || e.brandImpact,
        recurring: recurrence !== null,
        recurrence,
        next_due_at: next?.toISOString() ?? null,
        acknowledged_at: isoMs(ackMs),
        acknowledged_via: via(ackMs),
        first_replied_at: isoMs(firstReplyMs),
        first_reply_via: via(firstReplyMs),
        negotiation_started_at: dueNegotiationStartAt && firstReplyMs >= 0 ? new Date(firstReplyMs).toISOString() : null,
        resolved_at: isoMs(resolvedMs),
        closed_at: isoMs(closedMs),
        resolution: closedMs >= 0 ? (e.kind === 'feedback' ? 'Đã giải đáp tại chỗ.' : 'Đã xử lý xong, khách hàng đồng ý với phương án.') : null,
        stage_entered_at: new Date(stageEnteredMs).toISOString(),
        assignee_id: leftIntake && e.kind === 'complaint' ? opts.userIds.quality[i % opts.userIds.quality.length] : null,
        created_by: opts.userIds.intake[i % opts.userIds.intake.length],
        search_text: complaintSearchText({ reference, subject: e.subject, description: e.description }, customer.name),
        version: transitions,
        created_at: receivedAt.toISOString(),
        updated_at: new Date(lastChange).toISOString(),
      });
      const iso = (d: Date | null) => d?.toISOString() ?? null;
      const at = new Date(lastChange).toISOString();
      for (const c of clocks) {
        kb.push({
          complaint_id: id, kind: c.kind, started_at: c.startedAt.toISOString(), due_at: iso(c.dueAt), met_at: iso(c.metAt), outcome: c.outcome,
          paused_minutes: c.pausedMinutes, set_by: c.setBy, created_at: receivedAt.toISOString(), updated_at: at,
        });
      }
      if (eb.length >= BATCH) {
        const slot = batches++ % clients.length;
        const w0 = performance.now();
        await inFlight[slot];
        waitedMs += performance.now() - w0;
        // The batch's clocks after its entries, on the same session (their foreign key).
        const clockRows = kb.take();
        inFlight[slot] = eb.flush(clients[slot]).then(progress).then(() => kb.send(clients[slot], clockRows)).then(() => undefined);
      }
    }
    await Promise.all(inFlight);
    await eb.flush(client).then(progress);
    await kb.flush(client);
    bar.stop();
    const loopS = (performance.now() - loopStarted) / 1000;
    console.log(`  entries: ${loopS.toFixed(0)} s, of which ${(waitedMs / 1000).toFixed(0)} s waiting for PostgreSQL (the rest: building rows in JS)`);

    // --- what goes with the entries: each one's current stage visit, open holds, the counters
    const step = (label: string) => process.stdout.write(`  ${label}… `);
    const done = (t0: number) => console.log(`${((performance.now() - t0) / 1000).toFixed(1)} s`);
    let t0 = performance.now();
    step('current stage visits');
    await client.query(
      `INSERT INTO complaint_stages (complaint_id, stage, round, entered_at, entered_by, target_minutes, sla_mode, due_at, created_at, updated_at)
       SELECT c.id, COALESCE(c.held_status, c.status), c.round, c.stage_entered_at,
              CASE WHEN c.version = 0 THEN c.created_by ELSE COALESCE(c.assignee_id, c.created_by) END,
              p.target_minutes, p.mode, k.due_at, c.stage_entered_at, c.stage_entered_at
         FROM complaints c
         LEFT JOIN case_clocks k ON k.complaint_id = c.id AND k.kind = 'stage' AND k.outcome IS NULL
         LEFT JOIN LATERAL (SELECT target_minutes, mode FROM sla_policies sp
                             WHERE sp.stage = COALESCE(c.held_status, c.status) AND sp.severity IS NULL AND sp.tier IS NULL) p ON true`,
    );
    const hb = new RowBatch('complaint_holds', [['complaint_id', 'uuid'], ['stage', 'varchar'], ['reason', 'text'], ['started_at', 'timestamptz'], ['started_by', 'uuid'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz']]);
    for (const h of holds) {
      const at = new Date(h.startedMs).toISOString();
      hb.push({ complaint_id: h.complaintId, stage: h.stage, reason: 'Chờ kết quả kiểm nghiệm của nhà cung cấp', started_at: at, started_by: h.by, created_at: at, updated_at: at });
    }
    await hb.flush(client);
    await client.query(
      `INSERT INTO reference_counters (kind, year, last_number)
       SELECT kind, ref_year, max(ref_number) FROM complaints GROUP BY kind, ref_year
       ON CONFLICT (kind, year) DO UPDATE SET last_number = EXCLUDED.last_number`,
    );
    done(t0);
    for (const ix of indexes) {
      t0 = performance.now();
      step(`index ${ix.name}`);
      await client.query(ix.def);
      done(t0);
    }
    if (replica) {
      await client.query('SET session_replication_role = DEFAULT');
      t0 = performance.now();
      step('foreign keys check');
      const { rows } = await client.query<{ n: number }>(
        `SELECT (SELECT count(*) FROM complaints c WHERE NOT EXISTS (SELECT 1 FROM customers k WHERE k.id = c.customer_id))
              + (SELECT count(*) FROM complaints c WHERE c.created_by IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = c.created_by))
              + (SELECT count(*) FROM complaint_stages s WHERE NOT EXISTS (SELECT 1 FROM complaints c WHERE c.id = s.complaint_id))
              + (SELECT count(*) FROM case_clocks k WHERE NOT EXISTS (SELECT 1 FROM complaints c WHERE c.id = k.complaint_id)) AS n`,
      );
      if (Number(rows[0].n) !== 0) throw new Error(`seed: ${rows[0].n} rows reference missing rows`);
      done(t0);
    }
    t0 = performance.now();
    step('VACUUM ANALYZE');
    await client.query('VACUUM ANALYZE customers, complaints, complaint_stages, complaint_holds, case_clocks, reference_counters');
    done(t0);
    return { entries: opts.entries, customers: opts.customers, open, overdue, byStatus: status, seconds: (performance.now() - started) / 1000 };
  } finally {
    bar.stop();
    await Promise.all(clients.map((c) => c.end()));
  }
}
