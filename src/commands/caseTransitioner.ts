import { transaction } from '../db';
import { clockMarks, measureOf } from '../domain/clockMarks';
import { heldMinutes, stageDueAt, type StageTarget } from '../domain/deadlines';
import type { ContactChannel } from '../domain/entries';
import { EDGE_ACTIONS, isSlaStage, RESOLVING, type EdgeAction, type Stage, type TransitionInput } from '../domain/workflow';
import { AppError, fieldError, forbidden, invalidTransition, notFound, staleVersion } from '../lib/errors';
import { translator } from '../lib/i18n';
import { Complaint, ComplaintHold, ComplaintStage, Customer } from '../models';
import type { Action } from '../policies/ability';
import { customerAnswer, procedure, reviewDecision, roundAfter } from '../procedure';
import { clockContext, stageTarget } from '../queries/policy';
import * as clock from '../lib/clock';
import { CaseClocks } from './clocks';
import { awaitingReview, recordReview } from './solutions';

/** What a transition writes as the `set_by` of the clocks it starts, pauses or resumes. */
const SET_BY = 'complaint.transitioned';

/**
 * Who runs a case command. Commands ask `can` about the row they locked FOR UPDATE inside their
 * transaction (never an earlier, unlocked read), before revealing anything of its state: 403 before 409.
 */
export interface Actor {
  userId: string;
  /** May the actor do `action` on this case? (The route passes its CASL ability, asked about this very row.) */
  can(action: Action, complaint: Complaint): boolean;
}

/** Locks the case FOR UPDATE and authorizes `action` on the locked row: 404, then 403, before any state shows. */
export async function lockAuthorized(complaintId: string, actor: Actor, action: Action | ((complaint: Complaint) => boolean), what: string): Promise<Complaint> {
  const complaint = await Complaint.findByPk(complaintId, { lock: true });
  if (!complaint) throw notFound('Complaint');
  const allowed = typeof action === 'function' ? action(complaint) : actor.can(action, complaint);
  if (!allowed) throw forbidden(`You are not allowed to ${what}.`, { action: typeof action === 'function' ? 'transition' : action, subject: 'Complaint', entityId: complaint.id });
  return complaint;
}

async function targetFor(stage: Stage, complaint: Complaint, customer: Customer): Promise<StageTarget | null> {
  return isSlaStage(stage) ? stageTarget(stage, complaint.severity, customer.tier) : null;
}

const en = translator('en');

/**
 * Moves a case along one edge of the stage machine. Refuses with 409 invalid_transition naming
 * every missing requirement, 409 conflict on a stale version, 403 when the actor's role may not
 * take this edge. Closes the current stage visit and opens the next (or records a hold), recomputes
 * the clocks, and writes it all with its audit events in one transaction.
 */
export async function transitionCase(
  complaintId: string,
  expectedVersion: number | undefined,
  input: TransitionInput,
  actor: Actor,
  zone: string,
  /** The one edge action the route stands for (review, respond), when it stands for one. */
  requires?: EdgeAction,
): Promise<Complaint> {
  return moveCase(complaintId, expectedVersion, () => input, actor, zone, requires);
}

/** The CS director's review (POST /review): approval → response, a return with reasons → solution. */
export async function reviewCase(complaintId: string, expectedVersion: number | undefined, review: { approved: boolean; comment?: string }, actor: Actor, zone: string): Promise<Complaint> {
  return moveCase(complaintId, expectedVersion, () => reviewDecision(review), actor, zone, 'review');
}

/** The customer's answer (POST /customer-response), taken where the locked case's round says (src/procedure/rounds.ts). */
export async function recordCustomerAnswer(complaintId: string, expectedVersion: number | undefined, answer: { accepted: boolean; reason?: string }, actor: Actor, zone: string): Promise<Complaint> {
  return moveCase(complaintId, expectedVersion, (locked) => customerAnswer(locked.round, answer), actor, zone, 'respond');
}

async function moveCase(
  complaintId: string,
  expectedVersion: number | undefined,
  /** The transition asked for, from the locked row (the customer's answer depends on its round). */
  decide: (locked: Complaint) => TransitionInput,
  actor: Actor,
  zone: string,
  requires: EdgeAction | undefined,
): Promise<Complaint> {
  return transaction(async () => {
    // Authorize before revealing anything of the case's state (its stage, its version): a role
    // that may take none of the route's edges on this case gets 403, never a 409.
    const complaint = await lockAuthorized(complaintId, actor, requires ?? ((c) => EDGE_ACTIONS.some((a) => actor.can(a, c))), 'move this case');
    // Who acts is the command's actor, never the request's: "never by the proposer" reads it.
    const input: TransitionInput = { ...decide(complaint), actorId: actor.userId };
    const customer = (await Customer.findByPk(complaint.customerId))!;
    const from = complaint.status;
    const facts = await procedure.facts({ complaint, customer });
    let check = procedure.check(facts, input);
    // A route that stands for one edge action (POST /review, /customer-response) takes only its edges.
    if (requires && 'edge' in check && check.edge.action !== requires)
      check = { ok: false, reason: 'no_edge', allowed: [...new Set(procedure.edgesFrom(facts).filter((e) => e.action === requires).map((e) => e.to))] };
    if (!check.ok && check.reason === 'no_edge') {
      const allowed = check.allowed.length ? check.allowed.join(', ') : en('workflow.noneAllowed');
      throw new AppError(
        409,
        'invalid_transition',
        `A ${complaint.kind} in ${from} cannot go to ${input.to}. Allowed: ${allowed}.`,
        [{ path: 'to', message: `Allowed from ${from}: ${allowed}.`, key: 'workflow.notAllowedFrom', params: { from, allowed } }],
      );
    }
    if (!actor.can(check.edge.action, complaint))
      throw forbidden(`You are not allowed to move this case from ${from} to ${input.to}.`, { action: check.edge.action, subject: 'Complaint', entityId: complaint.id });
    // Nobody reviews their own proposal (PRODUCT.md): 403 whatever else is missing.
    const proposal = check.edge.action === 'review' ? await awaitingReview(complaint) : null;
    if (proposal && proposal.proposedBy === actor.userId)
      throw forbidden('You proposed this solution: another CS director reviews it.', { action: 'review', subject: 'Complaint', entityId: complaint.id });
    if (expectedVersion !== undefined && complaint.version !== expectedVersion) throw staleVersion(complaint.version);
    if (!check.ok) throw invalidTransition(`Cannot move from ${from} to ${input.to} yet: ${check.missing.map((m) => m.path).join(', ')} missing.`, check.missing);

    const now = clock.now();
    const ctx = await clockContext(zone);
    const openVisit = await ComplaintStage.findOne({ where: { complaintId, exitedAt: null }, lock: true });
    const clocks = await CaseClocks.load(complaint);

    if (input.to === 'on_hold') {
      await ComplaintHold.create({ complaintId, stage: from, reason: input.reason!.trim(), startedAt: now, startedBy: actor.userId, endedAt: null, endedBy: null });
      complaint.set({ status: 'on_hold', heldStatus: from });
      clocks.pause(SET_BY);
    } else if (from === 'on_hold') {
      const hold = await ComplaintHold.findOne({ where: { complaintId, endedAt: null }, lock: true });
      if (hold) await hold.update({ endedAt: now, endedBy: actor.userId });
      const resumed = complaint.heldStatus!;
      const target = await targetFor(resumed, complaint, customer);
      const stageClock = clocks.get('stage');
      if (target && openVisit && stageClock) {
        const holds = (await ComplaintHold.findAll({ where: { complaintId } })).map((h) => ({ from: h.startedAt, to: h.endedAt }));
        const due = stageDueAt(openVisit.enteredAt, target, holds, now, ctx);
        await openVisit.update({ dueAt: due });
        clocks.resume('stage', due, heldMinutes(stageClock.startedAt, holds), SET_BY, clockMarks(openVisit.enteredAt, due, measureOf(target), holds, ctx));
      }
      complaint.set({ status: resumed, heldStatus: null });
    } else {
      const round = roundAfter(from, input.to, complaint.round);
      const target = await targetFor(input.to, complaint, customer);
      const due = target ? stageDueAt(now, target, [], now, ctx) : null;
      if (openVisit) await openVisit.update({ exitedAt: now, exitedBy: actor.userId });
      await ComplaintStage.create({
        complaintId,
        stage: input.to,
        round,
        enteredAt: now,
        enteredBy: actor.userId,
        exitedAt: null,
        exitedBy: null,
        targetMinutes: target?.minutes ?? null,
        slaMode: target?.mode ?? null,
        dueAt: due,
        note: input.note?.trim() || null,
        reason: input.reason?.trim() || null,
      });
      complaint.set({ status: input.to, round, stageEnteredAt: now });
      // The CS director's approval or return is written on the proposal it decides, in this transaction.
      if (check.edge.action === 'review') await recordReview(proposal, { reviewerId: actor.userId, approved: input.to === 'response', comment: (input.to === 'response' ? input.note : input.reason)?.trim() || null, at: now });
      // The new stage's SLA replaces the one left; a stage without one leaves the stage clock met.
      if (due) clocks.start('stage', now, due, SET_BY, clockMarks(now, due, measureOf(target!), [], ctx));
      else clocks.meet('stage', now);
      if (from === 'intake') leaveIntake(complaint, customer, clocks, input, now);
      if (RESOLVING.includes(input.to) && !complaint.resolvedAt) {
        complaint.resolvedAt = now;
        clocks.meet('resolution', now);
      }
      if (input.to === 'closed') {
        complaint.closedAt = now;
        if (input.note?.trim()) complaint.resolution = input.note.trim();
        clocks.finish();
      }
    }
    await clocks.save();
    await complaint.save({ auditAction: 'complaint.transitioned', auditMeta: { from, to: input.to, note: input.note ?? null, reason: input.reason ?? null } } as object);
    complaint.customer = customer;
    return complaint;
  });
}

/**
 * The channel leaving intake records: the one given, else e-mail when the customer has an address.
 * Never e-mail to a customer without one (the `channelPossible` guard refuses that request first).
 */
function contactChannel(customer: Customer, given: ContactChannel | undefined): ContactChannel | null {
  if (given === 'email' && !customer.email) throw invalidTransition('The customer has no e-mail address: acknowledgedVia cannot be email.', [fieldError('acknowledgedVia', 'workflow.missing.acknowledgmentNoEmail')]);
  return given ?? (customer.email ? 'email' : null);
}

/** Leaving intake records the acknowledgment if nothing did before; feedback closed on the spot is also answered. */
function leaveIntake(complaint: Complaint, customer: Customer, clocks: CaseClocks, input: TransitionInput, now: Date): void {
  const via = contactChannel(customer, input.acknowledgedVia);
  if (!complaint.acknowledgedAt) {
    complaint.acknowledgedAt = now;
    complaint.acknowledgedVia = via;
    clocks.meet('acknowledge', now);
  }
  if (input.timeBarredDecision && !complaint.timeBarredDecision) {
    complaint.timeBarredDecision = input.timeBarredDecision;
    complaint.timeBarredNote = input.note?.trim() || input.reason?.trim() || null;
  }
  if (input.to === 'closed' && !complaint.firstRepliedAt) {
    // The on-the-spot answer (feedback) or the time-barred answer is the customer's reply.
    complaint.firstRepliedAt = now;
    complaint.firstReplyVia = via;
    clocks.meet('firstReply', now);
    if (clocks.get('negotiationStart') && !complaint.negotiationStartedAt) {
      complaint.negotiationStartedAt = now;
      clocks.meet('negotiationStart', now);
    }
  }
}
