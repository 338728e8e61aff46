/**
 * The shape of a capability's registration in the procedure (see `./index.ts`, the one bootstrap,
 * and `./steps.ts`, everything each step requires). No behaviour here: types only.
 */
import type { Kind } from '../domain/entries';
import type { EdgeAction, Stage, SuppliedField, TransitionInput } from '../domain/workflow';
import type { CronJob } from '../jobs/CronJob';
import type { FieldError } from '../lib/errors';
import type { Readable } from 'node:stream';
import type { Translate } from '../lib/i18n';
import type { Complaint, Customer } from '../models';
import type { Action, AppAbility, Subject } from '../policies/ability';
import type { CapabilityName, RequirementId, StepId } from './steps';

/** What every capability's guards may read: the case's place in the stage machine, read by the registry itself. */
export interface CoreFacts {
  kind: Kind;
  status: Stage;
  heldStatus: Stage | null;
  round: number;
}

/** What a fact loader, a detail or a dossier contributor is given: the case locked by the command (or read by the page) and its customer. */
export interface CaseContext {
  complaint: Complaint;
  customer: Customer;
}

/**
 * What a dossier contributor is given beside the case: who reads the dossier (its field rules
 * apply: pass every record through `redactFields(subject, record, reader)`), the translator of the
 * dossier's language (Vietnamese) and the organisation's zone (times are printed there).
 */
export interface DossierContext extends CaseContext {
  reader: AppAbility;
  t: Translate;
  zone: string;
}

/** One block of a dossier section, rendered generically (src/pdf/dossier.ts): every text already in the dossier's language. */
export type DossierBlock =
  /** Label–value lines ("Tiêu đề: …"); an empty value prints "—". */
  | { kind: 'fields'; rows: ReadonlyArray<readonly [label: string, value: string]> }
  /** A table that breaks across pages with its header repeated; `widths` are fractions of the line (default equal). */
  | { kind: 'table'; columns: readonly string[]; rows: ReadonlyArray<readonly string[]>; widths?: readonly number[] }
  /** A paragraph of free text, with an optional bold label above it. */
  | { kind: 'text'; text: string; label?: string }
  /** A sub-heading inside the section (one meeting, one version of the findings). */
  | { kind: 'subheading'; text: string }
  /** A muted remark ("Chưa ghi nhận.", "Đã được thay thế"). */
  | { kind: 'note'; text: string };

/** A titled part of dossier.pdf. Sections print in `order` (intake 10–30, findings 40, actions 45, meetings 50, evidence 60, regulatory 70, letters 80). */
export interface DossierSection {
  order: number;
  title: string;
  blocks: readonly DossierBlock[];
}

/**
 * A file the dispute file carries under `folder/` (evidence/, letters/): its original name (the ZIP
 * writer makes it safe and unique in its folder), the SHA-256 and size its store recorded (the
 * writer verifies both while streaming and aborts the ZIP on a mismatch), and how to read its bytes
 * — called when the file's turn comes, outside any transaction, one file open at a time.
 */
export interface DossierFile {
  folder: 'evidence' | 'letters';
  name: string;
  sha256: string;
  size: number;
  open(): Promise<Readable>;
}

/** What one dossier loader adds: sections of dossier.pdf and files of the ZIP. */
export interface DossierContribution {
  sections: readonly DossierSection[];
  files?: readonly DossierFile[];
}

/** Loads one dossier contribution: short queries (no transaction held), no file I/O. */
export type DossierLoader = (ctx: DossierContext) => Promise<DossierContribution>;

/**
 * Loads a capability's facts. Runs inside the caller's transaction (queries join it through CLS):
 * it must await nothing but the database.
 */
export type FactLoader<F extends object> = (ctx: CaseContext) => F | Promise<F>;

/** What is missing for one requirement (empty = met), as field errors with stable locale keys. */
export type Guard<F extends object> = (facts: Readonly<CoreFacts & F>, input: TransitionInput) => FieldError[];

/**
 * One capability's part of the procedure, registered once in `./index.ts`. `R`: facts another
 * capability loads that its guards read too (the intake & workflow guard reads the regulatory review's).
 */
export interface Capability<F extends object, R extends object = Record<never, never>> {
  /** Must equal the `by` of the requirements in `./steps.ts` it guards. */
  name: CapabilityName;
  /** The issue that landed it. */
  issue: number;
  /** Its facts, typed: its guards see these and the core facts, nothing else. */
  facts: FactLoader<F>;
  /** A guard for every requirement `./steps.ts` says this capability registers — no more, no fewer. */
  guards: { readonly [Id in RequirementId]?: Guard<F & R> };
  /** What it adds to the case detail (GET /complaints/:id, the case page), one loader per key (`procedure.detail()`). */
  detail?: Readonly<Record<string, (ctx: CaseContext) => Promise<unknown>>>;
  /** What it adds to the dossier (the dispute file, the archive snapshot), one loader per key: sections of dossier.pdf and files of the ZIP. */
  dossier?: Readonly<Record<string, DossierLoader>>;
  /** What it asks the one ability definition (src/policies/ability.ts) about; a step's action must be among its owner's. */
  abilities: ReadonlyArray<{ action: Action; subject: Subject }>;
  /** Its scheduled jobs (`procedure.jobs()`; the landed capability has none — src/jobs/scheduler.ts lists today's). */
  jobs?: () => readonly CronJob[];
}

/**
 * A capability as the registry holds it, whatever its facts: `Guard<never>` accepts every guard
 * (the registry calls each with the whole case's facts, a superset of what it declared).
 */
export interface AnyCapability {
  name: CapabilityName;
  issue: number;
  facts: FactLoader<object>;
  guards: { readonly [R in RequirementId]?: Guard<never> };
  detail?: Readonly<Record<string, (ctx: CaseContext) => Promise<unknown>>>;
  dossier?: Readonly<Record<string, DossierLoader>>;
  abilities: ReadonlyArray<{ action: Action; subject: Subject }>;
  jobs?: () => readonly CronJob[];
}

/** One concrete edge of the stage machine (a step of `./steps.ts` from one stage). */
export interface Edge {
  step: StepId;
  from: Stage;
  to: Stage;
  action: EdgeAction;
  kinds: readonly Kind[];
  /** forward/resume are the procedure's way on; back is a return or a rejection. */
  direction: 'forward' | 'back' | 'hold' | 'resume';
  /** What must be recorded to take it, in PRODUCT.md's order. */
  requires: readonly RequirementId[];
}

export type TransitionCheck =
  | { ok: true; edge: Edge }
  | { ok: false; reason: 'no_edge'; allowed: Stage[] }
  | { ok: false; reason: 'missing'; edge: Edge; missing: FieldError[] };

export type FieldMode = 'none' | 'optional' | 'required';

/** What the case page offers for an edge, derived from the same guards the command runs. */
export interface Offer {
  edge: Edge;
  /** The fields of the request: required when a requirement the request can supply is unmet, optional when the step accepts it. */
  fields: Record<SuppliedField, FieldMode>;
  /** The value a required field must carry (the time-barred decision this edge records). */
  values: Partial<Record<SuppliedField, string>>;
  /** Unmet requirements only other records can meet: while any remain, the edge is not offered. */
  blockers: FieldError[];
}

/** A requirement listed in `./steps.ts` whose capability has not landed: shown, never blocking. */
export interface PendingRequirement {
  requirement: RequirementId;
  says: string;
  by: CapabilityName;
  issue: number;
  steps: StepId[];
}

/** The procedure built from every registered capability. Immutable. */
export interface Procedure<F extends CoreFacts> {
  readonly capabilities: readonly AnyCapability[];
  /** Every concrete edge (the resume edge depends on the case: see `edgesFrom`). */
  readonly edges: readonly Edge[];
  /** Requirements of `./steps.ts` whose capability is not registered yet. */
  readonly pending: readonly PendingRequirement[];
  /** The case's facts: the core ones and every capability's. Inside a transaction, the locked row's. */
  facts(ctx: CaseContext): Promise<F>;
  /** The edges the case may take now, before guards (on hold: only back to the stage it was held in). */
  edgesFrom(facts: F): Edge[];
  /** Decides whether `input.to` is reachable now and, if not, exactly what is missing. */
  check(facts: F, input: TransitionInput): TransitionCheck;
  /** What only other records can provide for `edge` (not the request itself). */
  blockers(facts: F, edge: Edge, actorId?: string): FieldError[];
  /** What the form for `edge` asks and whether it is withheld. */
  offer(facts: F, edge: Edge, actorId?: string): Offer;
  /** Every capability's contribution to the case detail. */
  detail(ctx: CaseContext): Promise<Record<string, unknown>>;
  /** Every capability's contribution to the dossier, by key, in registration order. */
  dossier(ctx: DossierContext): Promise<Record<string, DossierContribution>>;
  /** Every capability's jobs. */
  jobs(): CronJob[];
}
