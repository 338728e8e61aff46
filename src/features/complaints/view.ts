/**
 * Pure helpers for the complaint pages: human-readable clocks, the transition forms an edge needs,
 * and form-field plumbing. No database, no Express: the pages feed them and render the result.
 */
import type { ClockKind } from '../../domain/clocks';
import { CONTACT_CHANNELS, type ContactChannel } from '../../domain/entries';
import type { Stage } from '../../domain/workflow';
import { offer, type CaseFacts, type Edge } from '../../procedure';
import type { Translate } from '../../lib/i18n';
import type { ComplaintJson } from '../../presenters/complaints';
import { dueText, humanDuration } from '../../presenters/time';

export type ClockState = 'met' | 'met_late' | 'pending' | 'overdue' | 'paused' | 'stopped' | 'none';

export interface ClockRow {
  clock: ClockKind;
  label: string;
  due: string | null;
  state: ClockState;
  stateText: string;
  metAt: string | null;
  via: string | null;
}

const FINISHED_STATUSES = ['closed', 'archived'];

/** Every clock of a case with its due time, whether it was met (on time or late), and what remains. */
export function caseClocks(c: ComplaintJson, now: Date, t: Translate, report?: { dueAt: string | null; metAt: string | null; outcome: string | null } | null): ClockRow[] {
  const finished = FINISHED_STATUSES.includes(c.status);
  const row = (clock: ClockKind, due: string | null, metAt: string | null, via: string | null, label = t(`clock.name.${clock}`)): ClockRow => {
    let state: ClockState;
    let stateText: string;
    if (!due) {
      state = 'none';
      stateText = t('clock.state.none');
    } else if (metAt) {
      const late = new Date(metAt).getTime() - new Date(due).getTime();
      state = late > 0 ? 'met_late' : 'met';
      stateText = late > 0 ? t('clock.state.metLate', { time: humanDuration(late, t) }) : t('clock.state.met');
    } else if (finished) {
      state = 'stopped';
      stateText = t('clock.state.stopped');
    } else {
      const d = dueText(due, now, t);
      state = d.overdue ? 'overdue' : 'pending';
      stateText = d.text;
    }
    return { clock, label, due, state, stateText, metAt, via: via ? t(`enum.contactChannel.${via}`) : null };
  };
  const rows: ClockRow[] = [
    row('acknowledge', c.due.acknowledgeAt, c.acknowledgedAt, c.acknowledgedVia),
    row('firstReply', c.due.firstReplyAt, c.firstRepliedAt, c.firstReplyVia),
    row('resolution', c.due.resolutionAt, c.resolvedAt, null),
  ];
  const stageLabel = t('clock.name.stage', { stage: t(`stage.${c.status === 'on_hold' && c.heldStatus ? c.heldStatus : c.status}`) });
  if (c.status === 'on_hold') {
    rows.push({ clock: 'stage', label: stageLabel, due: null, state: 'paused', stateText: t('clock.state.paused'), metAt: null, via: null });
  } else if (!finished) {
    rows.push(row('stage', c.due.stageAt, null, null, stageLabel));
  }
  if (c.due.negotiationStartAt) rows.push(row('negotiationStart', c.due.negotiationStartAt, c.negotiationStartedAt, null));
  // The regulatory report's deadline (a case clock since the review was submitted; `report` → filed).
  if (report?.outcome === 'not_needed') rows.push({ clock: 'report', label: t('clock.name.report'), due: report.dueAt, state: 'none', stateText: t('clock.state.notNeeded'), metAt: null, via: null });
  else if (report) rows.push(row('report', report.dueAt, report.metAt, null));
  return rows;
}

/** The contact channels a form offers for this customer: no e-mail to a customer without an address. */
export function contactChannelsFor(customerHasEmail: boolean): readonly ContactChannel[] {
  return customerHasEmail ? CONTACT_CHANNELS : CONTACT_CHANNELS.filter((c) => c !== 'email');
}

/** A transition button with the fields its edge may need. */
export interface TransitionForm {
  to: Stage;
  label: string;
  primary: boolean;
  reason: 'none' | 'required';
  note: 'none' | 'optional' | 'required';
  acknowledgedVia: 'none' | 'optional' | 'required';
  /** The channels the acknowledgment may name: e-mail only when the customer has an address. */
  channels: readonly ContactChannel[];
  /** The time-barred decision this button records (a checkbox the user ticks to confirm). */
  timeBarredDecision: 'accept' | 'answer_time_barred' | null;
  /** What other records must exist first (the guards' words); the button is withheld until then. */
  blockedBy: string[];
}

/**
 * The forms the case page offers, derived from the procedure registry (src/procedure/): a field is
 * required when a requirement the request can supply is unmet, optional when the step accepts it,
 * and the button is withheld while a requirement only other records can meet is unmet — the very
 * guards the transition command runs. Only the wording and the order are decided here.
 */
/** `actorId`: the reader, for the guards that look at who acts ("never by the proposer"). */
export function transitionForms(edges: Edge[], facts: CaseFacts, t: Translate, actorId?: string): TransitionForm[] {
  const seen = new Set<Stage>();
  const forms: TransitionForm[] = [];
  for (const e of edges) {
    if (seen.has(e.to)) continue;
    seen.add(e.to);
    const o = offer(facts, e, actorId);
    const decision = o.fields.timeBarredDecision === 'required' ? o.values.timeBarredDecision : undefined;
    forms.push({
      to: e.to,
      label: t(`case.action.${e.step}`, { stage: t(`stage.${e.to}`) }),
      primary: e.direction === 'forward' || e.direction === 'resume',
      reason: o.fields.reason === 'required' ? 'required' : 'none',
      note: o.fields.note,
      acknowledgedVia: o.fields.acknowledgedVia,
      channels: contactChannelsFor(facts.customerHasEmail),
      timeBarredDecision: decision === 'accept' || decision === 'answer_time_barred' ? decision : null,
      blockedBy: o.blockers.map((m) => (m.key ? t(m.key, m.params ?? {}) : m.message)),
    });
  }
  // Forward moves first, then returns and rejections, the hold last.
  const rank = (f: TransitionForm) => (f.to === 'on_hold' ? 2 : f.primary ? 0 : 1);
  return forms.sort((a, b) => rank(a) - rank(b));
}

