import { AbilityBuilder, createMongoAbility, type MongoAbility, type MongoQuery } from '@casl/ability';
import type { RoleKey } from '../domain/roles';
import { inStatus, isAssignee, isSelf, ownsDepartment, type AbilityUser } from './predicates';
import { fieldReadRules } from './fieldRules';

export const ACTIONS = [
  'create',
  'read',
  'update',
  'transition',
  'review',
  'respond',
  'submit',
  'sign',
  'file',
  'export',
  'archive',
  'hold',
  'verify',
  'approve',
] as const;
export type Action = (typeof ACTIONS)[number];

/** Subject names equal Sequelize model names; later issues add their models here. */
export const SUBJECTS = [
  'Complaint',
  'Customer',
  'Evidence',
  'Meeting',
  'MeetingAssignment',
  'Finding',
  'Solution',
  'FollowUp',
  'Action',
  'Letter',
  'RegulatoryReview',
  'Archive',
  'Disposal',
  'RetentionClass',
  'Report',
  'AuditEvent',
  'User',
  'Department',
  'Setting',
  'LetterTemplate',
  'SlaPolicy',
  'Holiday',
  'Notification',
  'Outbox',
  'Job',
] as const;
export type Subject = (typeof SUBJECTS)[number];

/** A record checked against conditions: a model instance, or a plain object tagged with `subject()`. */
export type SubjectRecord = Record<PropertyKey, unknown>;

export type AppAbility = MongoAbility<[Action, Subject | 'all' | SubjectRecord], MongoQuery>;

/** Everything that is the content of a case: every role but sysadmin reads it. */
const CASE_CONTENT: Subject[] = [
  'Complaint',
  'Customer',
  'Evidence',
  'Meeting',
  'Finding',
  'Solution',
  'FollowUp',
  'Action',
  'Letter',
  'RegulatoryReview',
  'Archive',
];

type Builder = AbilityBuilder<AppAbility>;

/** What each role may do, as PRODUCT.md "People and roles" states it. */
const ROLE_RULES: Record<RoleKey, (b: Builder, user: AbilityUser) => void> = {
  intake({ can }) {
    can('read', CASE_CONTENT);
    can(['create', 'update'], 'Customer');
    can('create', 'Complaint');
    // Logs and classifies; once the case left intake it belongs to quality.
    can(['update', 'transition'], 'Complaint', inStatus('intake'));
    can('submit', 'RegulatoryReview');
    // Acknowledges: the acknowledgment letter and the receipt form (phiếu tiếp nhận) of a complaint taken in person.
    can('create', 'Letter', { kind: { $in: ['acknowledgment', 'receipt'] } });
  },
  quality({ can }) {
    can('read', CASE_CONTENT);
    can(['create', 'update'], 'Customer');
    can(['create', 'update', 'respond', 'archive', 'hold'], 'Complaint');
    // A disputed case is legal's to close.
    can('transition', 'Complaint', { status: { $ne: 'disputed' } });
    can(['create', 'update'], ['Evidence', 'Meeting', 'Finding', 'Action', 'Letter']);
    // Verifies corrective actions (effective or not) and logs contacts about their result.
    can(['verify', 'respond'], 'Action');
    can('approve', 'Meeting');
    can('update', 'MeetingAssignment');
    // Proposes the solution (each proposal a new version) and records the follow-up outcome.
    can('create', ['Solution', 'FollowUp']);
    can('submit', 'RegulatoryReview');
    can('create', 'Archive');
    can(['read', 'export'], 'Report');
  },
  dept_head({ can }, user) {
    can('read', CASE_CONTENT);
    can('create', 'Evidence');
    can('respond', 'Complaint');
    can('update', 'Action', ownsDepartment(user));
    // Logs contacts with the customer about the corrective result of their department's actions.
    can('respond', 'Action', ownsDepartment(user));
  },
  cs_director({ can }) {
    can('read', CASE_CONTENT);
    can('review', 'Complaint');
    // Approves the minutes of a meeting (PRODUCT.md "Escalation of serious cases"; API.md: quality, cs_director).
    can('approve', 'Meeting');
    // Marks any meeting's task done (or open again), as its assignee may.
    can('update', 'MeetingAssignment');
    can('read', 'Report');
  },
  ceo({ can }) {
    can('read', CASE_CONTENT);
    can('sign', 'RegulatoryReview');
    can('read', 'Report');
  },
  admin_officer({ can }) {
    can('read', CASE_CONTENT);
    can('file', 'RegulatoryReview');
  },
  legal({ can }) {
    can('read', CASE_CONTENT);
    // Issues second-round letters (PRODUCT.md "People and roles").
    can('create', 'Letter', { kind: 'second_round' });
    can('export', 'Complaint');
    can('transition', 'Complaint', inStatus('disputed'));
    can('hold', 'Archive');
    // The retention classes and the archives due for the retention review (PRODUCT.md "Archive, retention").
    can('read', 'RetentionClass');
    can('review', 'Archive');
    // Decides disposals a sysadmin proposed (never their own: src/commands/disposal.ts).
    can(['read', 'approve'], 'Disposal');
  },
  auditor({ can }) {
    can('read', CASE_CONTENT);
    can('read', ['AuditEvent', 'Report']);
    can('export', 'Report');
    can('export', 'Complaint');
    can('verify', ['Archive', 'AuditEvent']);
    // The retention classes, the retention review and the retention report (src/features/reports/retention.ts).
    can('read', 'RetentionClass');
    can(['review', 'export'], 'Archive');
    can('read', 'Disposal');
  },
  sysadmin({ can }) {
    can(['create', 'read', 'update'], ['User', 'Department', 'Setting', 'LetterTemplate', 'SlaPolicy', 'Holiday']);
    // Delivery of outgoing messages (the recipient and the error, never the message): see it, retry a failed one.
    can(['read', 'update'], 'Outbox');
    // The scheduled jobs: their schedule and last runs; run one now (src/features/jobs).
    can(['read', 'update'], 'Job');
    // Edits the retention classes; sees the archives due for review as metadata only (never a snapshot).
    can(['read', 'update'], 'RetentionClass');
    can('review', 'Archive');
    // Proposes disposing of archives whose retention ended; legal decides.
    can(['create', 'read'], 'Disposal');
  },
};

/**
 * The one ability definition: routes, list queries and views all ask it. An anonymous or
 * deactivated user gets an ability that allows nothing.
 */
export function defineAbilityFor(user: AbilityUser | null | undefined): AppAbility {
  const builder = new AbilityBuilder<AppAbility>(createMongoAbility);
  if (user?.active) {
    builder.can('read', 'User', isSelf(user));
    // Reference data every form needs (owner department of an action, a user's department).
    builder.can('read', 'Department');
    builder.can('read', 'Notification', { userId: user.id });
    // The tasks a meeting gave the user: they mark them done (src/commands/meetings.ts setAssignmentStatus).
    builder.can('update', 'MeetingAssignment', isAssignee(user));
    for (const role of user.roles) ROLE_RULES[role](builder, user);
    // Field-level read rules (src/policies/fieldRules.ts): withheld from everybody, then granted
    // to the roles the rule names. Later rules win in CASL, so a user with several roles gets the union.
    for (const rule of fieldReadRules()) {
      builder.cannot('read', rule.subject, [...rule.fields]);
      if (rule.roles.some((r) => user.roles.includes(r))) builder.can('read', rule.subject, [...rule.fields]);
    }
  }
  return builder.build();
}
