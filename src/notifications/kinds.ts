const kinds = new Set<string>();

/** Each kind of notification registers once; a test keeps every registered kind labelled in both languages. */
export function registerNotificationKind(kind: string): string {
  if (!/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/.test(kind)) throw new Error(`Notification kind "${kind}" must look like "area.event"`);
  kinds.add(kind);
  return kind;
}

export const isNotificationKind = (kind: string): boolean => kinds.has(kind);

export function notificationKinds(): string[] {
  return [...kinds].sort();
}

/**
 * The notifications of the procedure (issue 12), each labelled `notification.kinds.<kind>.title|body`
 * in both languages. Params a template reads are named below; `clock` is a clock kind
 * (src/domain/clocks.ts) and `stage` a stage, both shown by their labels; `…At` are instants and
 * `…On` dates, shown in the organisation's zone (src/notifications/render.ts).
 */
export const NOTICE = {
  /** 80 % of a clock gone, to the assignee: {reference, clock, stage, dueAt}. */
  slaNearBreach: registerNotificationKind('sla.near_breach'),
  /** 100 %, to the assignee and their department head: {reference, clock, stage, dueAt}. */
  slaBreached: registerNotificationKind('sla.breached'),
  /** 150 %, to the quality leads and the CS director: {reference, clock, stage, dueAt}. */
  slaEscalated: registerNotificationKind('sla.escalated'),
  /** The 7-day follow-up call is due: {reference, dueAt}. */
  followUpDue: registerNotificationKind('followup.due'),
  /** A customer service's renewal reminder: {customer, service, expiresOn, days} (days before expiry; negative after). */
  renewalDue: registerNotificationKind('renewal.due'),
  /** The regulatory report's deadline approaches: {reference, dueAt, window} (`3d`, `1d`, `overdue`: src/jobs/reportDeadlinesJob.ts). */
  reportDue: registerNotificationKind('report.due'),
  /** A corrective action is past its due time: {action, reference, dueAt} (`action` names it by its opening case's reference and number, src/jobs/overdueActionsJob.ts). */
  actionOverdue: registerNotificationKind('action.overdue'),
  /** An archive's retention has ended (review it for disposal): {reference, retentionUntilAt}. */
  retentionDue: registerNotificationKind('retention.due'),
  /** A customer answered the satisfaction survey: {reference, rating}. */
  surveyAnswered: registerNotificationKind('survey.answered'),
} as const;
