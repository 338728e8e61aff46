/**
 * Corrective actions (CAPA, PRODUCT.md "Corrective actions and supplier fixes"): the vocabulary and
 * the status order, as pure rules. `planned → in_progress → done → verified`; the verification
 * records whether the action was effective, and one that was not goes back to `in_progress`.
 */
export const ACTION_TYPES = ['containment', 'corrective', 'preventive', 'supplier_long_term'] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

export const ACTION_STATUSES = ['planned', 'in_progress', 'done', 'verified'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

/** The statuses an action may be moved to from each (the verification's own result is `verifyOutcome`). */
export const NEXT_STATUS: Readonly<Record<ActionStatus, readonly ActionStatus[]>> = {
  planned: ['in_progress'],
  in_progress: ['done'],
  done: ['verified'],
  verified: [],
};

/** Finished work: what the step to `closed` asks of every action but the supplier's long-term fix. */
export const FINISHED_ACTION: readonly ActionStatus[] = ['done', 'verified'];

/** Whether `from → to` is a step of the order. */
export const isNextStatus = (from: ActionStatus, to: ActionStatus): boolean => NEXT_STATUS[from].includes(to);

/** What a verification leaves: effective → verified; not effective → reopened, back in progress. */
export const verifyOutcome = (effective: boolean): ActionStatus => (effective ? 'verified' : 'in_progress');

/** An action is overdue while its work is not finished and its due time has passed. */
export const isOverdue = (a: { status: ActionStatus; dueAt: Date }, now: Date): boolean => !FINISHED_ACTION.includes(a.status) && a.dueAt.getTime() < now.getTime();

/** Containment and corrective actions are what a substantiated complaint needs before review. */
export const ANSWERS_SUBSTANTIATED: readonly ActionType[] = ['containment', 'corrective'];

/** Stages in which a case takes no new action and no action of it changes. */
export const CASE_CLOSED_STAGES: readonly string[] = ['closed', 'archived'];

/**
 * Whether an action answering cases in `statuses` may still change: while one of them is open;
 * a supplier's long-term fix also after closure (it is tracked on the register) until every case
 * it answers is sealed.
 */
export function actionChangeable(type: ActionType, statuses: readonly string[]): 'open' | 'closed' | 'sealed' {
  if (statuses.some((s) => !CASE_CLOSED_STAGES.includes(s))) return 'open';
  if (statuses.length && statuses.every((s) => s === 'archived')) return 'sealed';
  return type === 'supplier_long_term' ? 'open' : 'closed';
}
