/**
 * The resolution's part of the dossier (the dispute file's dossier.pdf): every proposed solution
 * with the CS director's review (solution & review, order 42), the corrective actions with their
 * status, verification, supplier fix and every complaint each answers (corrective actions, 45),
 * and the follow-up outcomes (follow-up, 85). Read with the same queries as the case detail.
 */
import type { DossierBlock, DossierContext, DossierContribution } from '../procedure/types';
import { caseActions } from '../queries/actions';
import { caseFollowUps, caseSolutions } from '../queries/solutions';
import { wordsFor } from './text';

export async function solutionsDossier(ctx: DossierContext): Promise<DossierContribution> {
  const { t } = ctx;
  const w = wordsFor(ctx);
  const solutions = (await caseSolutions(ctx.complaint.id)).reverse();
  const blocks: DossierBlock[] = solutions.length
    ? solutions.flatMap((s): DossierBlock[] => [
        { kind: 'subheading', text: t('solution.versionLabel', { version: s.version, round: s.round }) },
        { kind: 'fields', rows: [[t('solution.field.summary'), s.summary], [t('dossier.solution.proposed'), w.byAt(s.proposedBy?.name, s.proposedAt)]] },
        s.review
          ? {
              kind: 'fields',
              rows: [
                [t('dossier.solution.review'), `${t(s.review.approved ? 'solution.review.approved' : 'solution.review.returned')} — ${w.byAt(s.review.reviewedBy?.name, s.review.reviewedAt)}`],
                [t('dossier.solution.comment'), s.review.comment ?? ''],
              ],
            }
          : { kind: 'note', text: t('solution.review.awaiting') },
      ])
    : [{ kind: 'note', text: t('solution.none') }];
  return { sections: [{ order: 42, title: t('solution.title'), blocks }] };
}

export async function actionsDossier(ctx: DossierContext): Promise<DossierContribution> {
  const { t } = ctx;
  const w = wordsFor(ctx);
  const actions = await caseActions(ctx.complaint.id);
  const blocks: DossierBlock[] = actions.length
    ? [
        {
          kind: 'table',
          columns: [t('actions.field.type'), t('actions.field.description'), t('actions.field.owner'), t('actions.field.dueAt'), t('actions.field.status'), t('actions.field.answers')],
          widths: [0.15, 0.3, 0.17, 0.12, 0.14, 0.12],
          rows: actions.map((a) => [
            w.label('actions.type', a.type),
            [a.description, a.supplier ? `${t('actions.field.supplier')}: ${a.supplier.name}${a.supplier.longTermDueAt ? ` — ${t('actions.field.longTermDueAt')}: ${w.date(a.supplier.longTermDueAt)}` : ''}` : ''].filter(Boolean).join('\n'),
            [a.ownerDepartment.name, a.owner?.name].filter(Boolean).join(' — '),
            w.date(a.dueAt),
            [
              w.label('actions.status', a.status),
              a.overdue ? t('actions.overdue') : '',
              a.verifiedAt ? `${t(a.effective ? 'dossier.action.effective' : 'dossier.action.notEffective')} (${w.byAt(a.verifiedBy?.name, a.verifiedAt)})` : '',
            ].filter(Boolean).join('\n'),
            a.complaints.map((c) => c.reference).join(', '),
          ]),
        },
      ]
    : [{ kind: 'note', text: t('actions.none') }];
  return { sections: [{ order: 45, title: t('actions.title'), blocks }] };
}

export async function followUpsDossier(ctx: DossierContext): Promise<DossierContribution> {
  const { t } = ctx;
  const w = wordsFor(ctx);
  const outcomes = (await caseFollowUps(ctx.complaint.id)).reverse();
  const blocks: DossierBlock[] = outcomes.length
    ? outcomes.map((f): DossierBlock => ({
        kind: 'fields',
        rows: [
          [t('followUp.field.satisfied'), t(`followUp.satisfied.${f.satisfied}`)],
          [t('followUp.field.contactedAt'), `${w.at(f.contactedAt)} — ${w.label('enum.contactChannel', f.via)}`],
          [t('followUp.field.note'), f.note],
          [t('dossier.solution.recorded'), w.byAt(f.recordedBy?.name, f.recordedAt)],
        ],
      }))
    : [{ kind: 'note', text: t('followUp.none') }];
  return { sections: [{ order: 85, title: t('followUp.title'), blocks }] };
}
