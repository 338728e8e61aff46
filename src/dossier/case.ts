/**
 * The intake & workflow capability's part of the dossier (src/procedure/intakeWorkflow.ts): the
 * summary of the entry and its customer, its classification, and the timeline of every stage visit
 * with who and when, the holds and the clocks. Read in short queries (the case detail's own
 * timeline, `caseDetail`), no transaction held.
 */
import { CaseClock, User } from '../models';
import { humanDuration } from '../presenters/time';
import type { DossierBlock, DossierContext, DossierContribution } from '../procedure/types';
import { caseDetail } from '../queries/complaints';
import { wordsFor } from './text';

async function names(ids: Array<string | null | undefined>): Promise<Map<string, string>> {
  const unique = [...new Set(ids.filter((x): x is string => Boolean(x)))];
  if (!unique.length) return new Map();
  return new Map((await User.findAll({ where: { id: unique }, attributes: ['id', 'name'] })).map((u) => [u.id, u.name]));
}

/** Summary: what was received, from whom, and where the case stands. */
export async function caseSummary(ctx: DossierContext): Promise<DossierContribution> {
  const { complaint: c, customer, t } = ctx;
  const w = wordsFor(ctx);
  const people = await names([c.assigneeId, c.createdBy]);
  const rows: Array<readonly [string, string]> = [
    [t('dossier.field.reference'), c.reference],
    [t('intake.field.kind'), w.label('enum.kind', c.kind)],
    [t('dossier.field.status'), c.status === 'on_hold' && c.heldStatus ? `${t('stage.on_hold')} (${t('stage.heldFrom', { stage: t(`stage.${c.heldStatus}`) })})` : t(`stage.${c.status}`)],
    [t('dossier.field.round'), String(c.round)],
    [t('intake.field.subject'), c.subject],
    [t('intake.field.channel'), w.label('enum.channel', c.channel)],
    [t('intake.field.receivedAt'), w.at(c.receivedAt)],
    [t('intake.field.incidentDate'), w.date(c.incidentDate)],
    [t('intake.field.productRef'), c.productRef ?? ''],
    [t('intake.field.lotRef'), c.lotRef ?? ''],
    [t('intake.field.supplierRef'), c.supplierRef ?? ''],
    [t('intake.field.assignee'), c.assigneeId ? people.get(c.assigneeId) ?? '' : ''],
    [t('case.content.loggedBy'), w.byAt(c.createdBy ? people.get(c.createdBy) : null, c.createdAt)],
    [t('dossier.field.acknowledged'), c.acknowledgedAt ? `${w.at(c.acknowledgedAt)}${c.acknowledgedVia ? ` — ${w.label('enum.contactChannel', c.acknowledgedVia)}` : ''}` : ''],
    [t('dossier.field.firstReply'), c.firstRepliedAt ? `${w.at(c.firstRepliedAt)}${c.firstReplyVia ? ` — ${w.label('enum.contactChannel', c.firstReplyVia)}` : ''}` : ''],
    [t('dossier.field.resolvedAt'), w.at(c.resolvedAt)],
    [t('dossier.field.closedAt'), w.at(c.closedAt)],
  ];
  const customerRows: Array<readonly [string, string]> = [
    [t('dossier.field.customerName'), customer.name],
    [t('dossier.field.customerCode'), customer.code],
    [t('dossier.field.customerType'), w.label('enum.customerType', customer.type)],
    [t('dossier.field.customerTier'), w.label('enum.tier', customer.tier)],
    [t('dossier.field.email'), customer.email ?? ''],
    [t('dossier.field.phone'), customer.phone ?? ''],
    [t('dossier.field.address'), customer.address ?? ''],
  ];
  const blocks: DossierBlock[] = [
    { kind: 'fields', rows },
    { kind: 'text', label: t('intake.field.description'), text: c.description },
    { kind: 'subheading', text: t('case.customer') },
    { kind: 'fields', rows: customerRows },
  ];
  if (c.resolution) blocks.push({ kind: 'text', label: t('case.content.resolution'), text: c.resolution });
  return { sections: [{ order: 10, title: t('dossier.section.summary'), blocks }] };
}

/** Classification: category, severity, harm, impacts, and the flags intake set. */
export async function caseClassification(ctx: DossierContext): Promise<DossierContribution> {
  const { complaint: c, t } = ctx;
  const w = wordsFor(ctx);
  const rows: Array<readonly [string, string]> = [
    [t('intake.field.category'), w.label('enum.category', c.category)],
    [t('intake.field.severity'), w.label('enum.severity', c.severity)],
    [t('intake.field.harm'), w.label('enum.harm', c.harm)],
    [t('intake.field.safetyImpact'), w.yesNo(c.safetyImpact)],
    [t('intake.field.brandImpact'), w.yesNo(c.brandImpact)],
    [t('case.flags.timeBarred'), `${w.yesNo(c.timeBarred)} — ${t('dossier.field.filingWindowEnds', { at: w.at(c.filingWindowEndsAt) })}`],
    [t('dossier.field.timeBarredDecision'), w.label('enum.timeBarredDecision', c.timeBarredDecision)],
    [t('case.flags.regulatory'), w.yesNo(c.regulatoryReviewRequired)],
    [t('case.flags.meeting'), w.yesNo(c.meetingRequired)],
    [t('dossier.field.recurring'), w.yesNo(c.recurring)],
  ];
  const blocks: DossierBlock[] = [{ kind: 'fields', rows }];
  const earlier = c.recurrence?.earlier ?? [];
  if (earlier.length) {
    blocks.push({ kind: 'subheading', text: t('dossier.field.recurringWith') });
    blocks.push({ kind: 'fields', rows: earlier.map((e) => [e.reference, e.matchedBy.map((m) => t(`enum.matchedBy.${m}`)).join(', ')] as const) });
  }
  return { sections: [{ order: 20, title: t('dossier.section.classification'), blocks }] };
}

/** The timeline of every stage visit (who entered, who moved it on, due, late), the holds and the clocks. */
export async function caseTimeline(ctx: DossierContext): Promise<DossierContribution> {
  const { complaint, t } = ctx;
  const w = wordsFor(ctx);
  const detail = await caseDetail(complaint);
  const blocks: DossierBlock[] = [];
  detail.timeline.forEach((s, i) => {
    blocks.push({ kind: 'subheading', text: `${i + 1}. ${t(`stage.${s.stage}`)} — ${t('dossier.field.roundN', { round: s.round })}` });
    const lateness = s.lateMinutes === null ? '' : s.lateMinutes > 0 ? t('case.timeline.late', { time: humanDuration(s.lateMinutes * 60_000, t) }) : t('case.timeline.onTime');
    const rows: Array<readonly [string, string]> = [
      [t('dossier.field.entered'), w.byAt(s.enteredBy?.name, s.enteredAt)],
      [t('dossier.field.exited'), s.exitedAt ? w.byAt(s.exitedBy?.name, s.exitedAt) : t('case.timeline.current')],
      [t('case.timeline.due'), w.at(s.dueAt)],
      [t('case.timeline.lateness'), lateness],
    ];
    if (s.note) rows.push([t('dossier.field.note'), s.note]);
    if (s.reason) rows.push([t('case.timeline.reason'), s.reason]);
    blocks.push({ kind: 'fields', rows });
  });
  const holds: DossierBlock[] = detail.holds.length
    ? [
        {
          kind: 'table',
          columns: [t('case.holds.stage'), t('case.holds.reason'), t('case.holds.from'), t('case.holds.to'), t('case.holds.duration')],
          widths: [0.2, 0.32, 0.17, 0.17, 0.14],
          rows: detail.holds.map((h) => [t(`stage.${h.stage}`), h.reason, w.at(h.startedAt), h.endedAt ? w.at(h.endedAt) : t('case.holds.ongoing'), humanDuration(h.minutes * 60_000, t)]),
        },
      ]
    : [{ kind: 'note', text: t('dossier.noneRecorded') }];
  const clocks = await CaseClock.findAll({ where: { complaintId: complaint.id }, order: [['startedAt', 'ASC'], ['kind', 'ASC']] });
  const clockRows = clocks.map((k) => [
    t(`clock.name.${k.kind}`, { stage: t(`stage.${complaint.heldStatus ?? complaint.status}`) }),
    w.at(k.startedAt),
    w.at(k.dueAt),
    w.at(k.metAt),
    k.outcome ? t(`dossier.outcome.${k.outcome}`) : t('dossier.outcome.running'),
  ]);
  return {
    sections: [
      { order: 30, title: t('dossier.section.timeline'), blocks },
      { order: 31, title: t('case.holds.title'), blocks: holds },
      {
        order: 32,
        title: t('case.clocks.title'),
        blocks: [{ kind: 'table', columns: [t('case.clocks.clock'), t('dossier.field.started'), t('case.clocks.due'), t('case.clocks.metAt'), t('case.clocks.state')], widths: [0.28, 0.18, 0.18, 0.18, 0.18], rows: clockRows }],
      },
    ],
  };
}
