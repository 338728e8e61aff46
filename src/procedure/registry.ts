/**
 * Builds the immutable procedure from the registered capabilities and the steps of `./steps.ts`,
 * refusing at build time anything inconsistent (a guard for a requirement no step lists or that
 * another capability owns, a landed capability leaving one of its requirements unguarded, a
 * step's ability action no capability declares, two contributors of the same detail or dossier key).
 * Pure: no database, no global state; `./index.ts` calls it once.
 */
import { STAGES, SUPPLIED_WITH_TRANSITION, type Stage, type SuppliedField, type TransitionInput } from '../domain/workflow';
import type { FieldError } from '../lib/errors';
import { ACTIONS } from '../policies/ability';
import { REQUIREMENTS, STEPS, type Requirement, type RequirementId, type Step, type StepFacts, type StepId } from './steps';
import type { AnyCapability, CoreFacts, DossierContribution, Edge, FieldMode, Offer, PendingRequirement, Procedure, TransitionCheck } from './types';

type AnyGuard<F> = (facts: F, input: TransitionInput) => FieldError[];

const freezeAll = <T extends object>(items: T[]): readonly T[] => Object.freeze(items.map((i) => Object.freeze(i)));

function contributions<P extends 'detail' | 'dossier'>(caps: readonly AnyCapability[], part: P): Array<[string, NonNullable<AnyCapability[P]>[string]]> {
  const out = caps.flatMap((c) => Object.entries((c[part] ?? {}) as NonNullable<AnyCapability[P]>));
  const seen = new Set<string>();
  for (const [key] of out) {
    if (seen.has(key)) throw new Error(`Two capabilities contribute "${key}" to the ${part}.`);
    seen.add(key);
  }
  return out;
}

/** Builds the procedure. Throws (at start-up, in every test) when the registrations do not fit `./steps.ts`. */
export function defineProcedure<F extends CoreFacts & StepFacts>(
  capabilities: readonly AnyCapability[],
  steps: ReadonlyArray<Step<F>> = STEPS,
  requirements: Readonly<Record<RequirementId, Requirement>> = REQUIREMENTS,
): Procedure<F> {
  const byName = new Map<string, AnyCapability>();
  for (const c of capabilities) {
    if (byName.has(c.name)) throw new Error(`Capability "${c.name}" is registered twice.`);
    byName.set(c.name, c);
  }
  const listed = new Set<string>(steps.flatMap((s) => s.requires));
  const guards = new Map<RequirementId, AnyGuard<F>>();
  for (const c of capabilities) {
    for (const [id, guard] of Object.entries(c.guards)) {
      const req = requirements[id as RequirementId];
      if (!req || !listed.has(id)) throw new Error(`No edge requires "${id}" (capability "${c.name}"): list it in src/procedure/steps.ts first.`);
      if (req.by !== c.name) throw new Error(`Requirement "${id}" is registered by "${req.by}", not by "${c.name}".`);
      // Each guard declared only the facts it reads; it is called with the whole case's, a superset.
      guards.set(id as RequirementId, guard as unknown as AnyGuard<F>);
    }
  }
  const pending: PendingRequirement[] = [];
  for (const id of Object.keys(requirements) as RequirementId[]) {
    const req = requirements[id];
    const stepIds = steps.filter((s) => s.requires.includes(id)).map((s) => s.id as StepId);
    if (stepIds.length === 0) throw new Error(`Requirement "${id}" is listed by no step.`);
    if (byName.has(req.by)) {
      if (!guards.has(id)) throw new Error(`Capability "${req.by}" registers no guard for "${id}".`);
    } else {
      if (req.issue === undefined) throw new Error(`Requirement "${id}" names no issue that registers "${req.by}".`);
      pending.push(Object.freeze({ requirement: id, says: req.says, by: req.by, issue: req.issue, steps: stepIds }));
    }
  }
  const declared = new Set(capabilities.flatMap((c) => c.abilities.filter((a) => a.subject === 'Complaint').map((a) => a.action as string)));
  for (const s of steps) {
    if (!(ACTIONS as readonly string[]).includes(s.action) || !declared.has(s.action)) throw new Error(`Step ${s.id} needs "${s.action}", which no capability declares.`);
    for (const from of [s.from].flat()) if (!STAGES.includes(from)) throw new Error(`Step ${s.id} starts at an unknown stage ${from}.`);
  }
  const details = contributions(capabilities, 'detail');
  const dossiers = contributions(capabilities, 'dossier');

  const stepOf = new Map(steps.map((s) => [s.id, s]));
  const edgeOf = (s: Step<F>, from: Stage, to: Stage): Edge => ({ step: s.id as StepId, from, to, action: s.action, kinds: s.kinds, direction: s.direction, requires: s.requires });
  const edges = freezeAll(steps.filter((s) => s.to !== 'held').flatMap((s) => [s.from].flat().map((from) => edgeOf(s, from, s.to as Stage))));
  const resume = steps.find((s) => s.to === 'held');

  const run = (id: RequirementId, facts: F, input: TransitionInput): FieldError[] => guards.get(id)?.(facts, input) ?? [];
  const missingOf = (facts: F, e: Edge, input: TransitionInput) => e.requires.flatMap((id) => run(id, facts, input));

  const edgesFrom = (facts: F): Edge[] => {
    if (facts.status === 'on_hold') return facts.heldStatus && resume ? [edgeOf(resume, 'on_hold', facts.heldStatus)] : [];
    return edges.filter((e) => {
      const when = stepOf.get(e.step)?.when;
      return e.from === facts.status && e.kinds.includes(facts.kind) && (!when || when(facts));
    });
  };

  // `actorId`: the user the page asks for (a guard such as "never by the proposer" looks at who acts).
  const blockers = (facts: F, e: Edge, actorId?: string): FieldError[] =>
    e.requires.filter((id) => !requirements[id].suppliedBy).flatMap((id) => run(id, facts, { to: e.to, actorId }));

  const procedure: Procedure<F> = {
    capabilities: Object.freeze([...capabilities]),
    edges,
    pending: Object.freeze(pending),
    async facts(ctx) {
      const { complaint } = ctx;
      const facts: Record<string, unknown> = { kind: complaint.kind, status: complaint.status, heldStatus: complaint.heldStatus, round: complaint.round };
      for (const c of capabilities) {
        for (const [key, value] of Object.entries(await c.facts(ctx))) {
          if (key in facts) throw new Error(`Fact "${key}" of capability "${c.name}" is already loaded by another.`);
          facts[key] = value;
        }
      }
      return Object.freeze(facts) as F;
    },
    edgesFrom,
    check(facts, input): TransitionCheck {
      const candidates = edgesFrom(facts);
      const e = candidates.find((c) => c.to === input.to);
      if (!e) return { ok: false, reason: 'no_edge', allowed: [...new Set(candidates.map((c) => c.to))] };
      const missing = missingOf(facts, e, input);
      return missing.length ? { ok: false, reason: 'missing', edge: e, missing } : { ok: true, edge: e };
    },
    blockers,
    offer(facts, e, actorId): Offer {
      const fields = Object.fromEntries(SUPPLIED_WITH_TRANSITION.map((f) => [f, 'none'])) as Record<SuppliedField, FieldMode>;
      const values: Offer['values'] = {};
      for (const id of e.requires) {
        const supplied = requirements[id].suppliedBy;
        if (!supplied || run(id, facts, { to: e.to, actorId }).length === 0) continue;
        fields[supplied.field] = 'required';
        if (supplied.value) values[supplied.field] = supplied.value;
      }
      for (const f of stepOf.get(e.step)?.accepts?.(facts) ?? []) if (fields[f] === 'none') fields[f] = 'optional';
      return { edge: e, fields, values, blockers: blockers(facts, e, actorId) };
    },
    async detail(ctx) {
      const out: Record<string, unknown> = {};
      for (const [key, load] of details) out[key] = await load(ctx);
      return out;
    },
    async dossier(ctx) {
      const out: Record<string, DossierContribution> = {};
      for (const [key, load] of dossiers) out[key] = await load(ctx);
      return out;
    },
    jobs: () => capabilities.flatMap((c) => [...(c.jobs?.() ?? [])]),
  };
  return Object.freeze(procedure);
}
