/**
 * The dossier parts of the capabilities of issue 9 (src/procedure/{evidence,findings,meetings,
 * regulatory}.ts): the evidence index and its files, every version of the findings (the restricted
 * fields only for a reader whose field rules allow them), the meetings with their minutes and
 * assignments, and the regulatory review with every signature and its content hash. Each reads
 * what the case detail reads (src/queries), in short queries.
 */
import { redactFields } from '../policies/fieldRules';
import type { DossierBlock, DossierContext, DossierContribution, DossierFile } from '../procedure/types';
import { caseEvidence } from '../queries/evidence';
import { caseFindings } from '../queries/findings';
import { caseMeetings } from '../queries/meetings';
import { caseRegulatory, caseSignatures } from '../queries/regulatory';
import { blobStore } from '../storage/blobStore';
import { wordsFor } from './text';

const none = (ctx: DossierContext): DossierBlock[] => [{ kind: 'note', text: ctx.t('dossier.noneRecorded') }];

/** The evidence index (every piece, withdrawn ones marked) and every file, its bytes streamed from the blob store. */
export async function evidenceDossier(ctx: DossierContext): Promise<DossierContribution> {
  const { t } = ctx;
  const w = wordsFor(ctx);
  const items = await caseEvidence(ctx.complaint.id);
  const blocks: DossierBlock[] = [];
  items.forEach((e, i) => {
    blocks.push({ kind: 'subheading', text: `${i + 1}. ${e.filename}` });
    const rows: Array<readonly [string, string]> = [
      [t('evidence.upload.description'), e.description],
      [t('dossier.field.mimeType'), e.mimeType],
      [t('evidence.size'), `${w.size(e.size)} (${t('dossier.bytes', { size: e.size.toLocaleString('vi-VN') })})`],
      ['SHA-256', e.sha256],
      [t('evidence.upload.sourceDepartment'), e.sourceDepartment ?? ''],
      [t('evidence.upload.collectedAt'), w.at(e.collectedAt)],
      [t('dossier.field.uploaded'), w.byAt(e.uploadedBy?.name, e.uploadedAt)],
    ];
    if (e.withdrawn) rows.push([t('evidence.withdrawnBadge'), t('evidence.withdrawnNote', { at: w.at(e.withdrawnAt), name: e.withdrawnBy?.name ?? '', reason: e.withdrawalReason ?? '' })]);
    blocks.push({ kind: 'fields', rows });
  });
  const files: DossierFile[] = items.map((e) => ({
    folder: 'evidence',
    name: e.filename,
    sha256: e.sha256,
    size: e.size,
    open: async () => {
      const stream = await blobStore().open(e.sha256);
      if (!stream) throw new Error(`Evidence ${e.id} names blob ${e.sha256}, which is not stored`);
      return stream;
    },
  }));
  return { sections: [{ order: 60, title: t('dossier.section.evidence'), blocks: blocks.length ? blocks : none(ctx) }], files };
}

/** Every version of the findings, newest first, without the fields the reader may not read. */
export async function findingsDossier(ctx: DossierContext): Promise<DossierContribution> {
  const { t } = ctx;
  const w = wordsFor(ctx);
  const versions = (await caseFindings(ctx.complaint.id)).map((f) => redactFields('Finding', f, ctx.reader));
  const blocks: DossierBlock[] = [];
  for (const f of versions) {
    blocks.push({ kind: 'subheading', text: `${f.current ? t('dossier.current') : t('dossier.superseded')} — ${t('findings.recordedBy', { name: f.recordedBy?.name ?? '', at: w.at(f.recordedAt), round: f.round })}` });
    const rows: Array<readonly [string, string]> = [
      [t('findings.field.substantiated'), t(`findings.substantiated.${String(f.substantiated)}`)],
      [t('findings.field.recurring'), f.recurring ? `${t('findings.recurring.true')} ${f.recurringWith.map((r) => r.reference).join(', ')}` : t('findings.recurring.false')],
      [t('findings.field.responsibleDepartment'), f.responsibleDepartment ? `${f.responsibleDepartment.code} — ${f.responsibleDepartment.name}` : ''],
    ];
    if ('responsiblePerson' in f) rows.push([t('findings.field.responsiblePerson'), f.responsiblePerson ?? '']);
    if ('disciplinaryMeasure' in f) rows.push([t('findings.field.disciplinaryMeasure'), f.disciplinaryMeasure ?? '']);
    if (f.noEvidenceReason) rows.push([t('findings.field.noEvidenceReason'), f.noEvidenceReason]);
    blocks.push({ kind: 'text', label: t('findings.field.rootCause'), text: f.rootCause }, { kind: 'fields', rows });
  }
  return { sections: [{ order: 40, title: t('findings.title'), blocks: blocks.length ? blocks : none(ctx) }] };
}

/** Every meeting, newest first: when, who, agenda, minutes, decisions, assignments, approval. */
export async function meetingsDossier(ctx: DossierContext): Promise<DossierContribution> {
  const { t } = ctx;
  const w = wordsFor(ctx);
  const blocks: DossierBlock[] = [];
  for (const m of await caseMeetings(ctx.complaint.id)) {
    blocks.push({ kind: 'subheading', text: `${t('meetings.field.heldAt')}: ${w.at(m.heldAt)} — ${t(`meetings.status.${m.current ? m.status : 'superseded'}`)}` });
    blocks.push({
      kind: 'fields',
      rows: [
        [t('meetings.field.attendees'), m.attendees.map((a) => a.name).join(', ')],
        [t('dossier.field.recorded'), w.byAt(m.createdBy?.name, m.createdAt)],
        [t('dossier.field.approved'), m.approvedAt ? w.byAt(m.approvedBy?.name, m.approvedAt) : ''],
      ],
    });
    blocks.push({ kind: 'text', label: t('meetings.field.agenda'), text: m.agenda }, { kind: 'text', label: t('meetings.field.minutes'), text: m.minutes }, { kind: 'text', label: t('meetings.field.decisions'), text: m.decisions });
    if (m.assignments.length) {
      blocks.push({
        kind: 'table',
        columns: [t('meetings.field.assignee'), t('meetings.field.task'), t('meetings.field.dueAt'), t('meetings.field.status')],
        widths: [0.25, 0.41, 0.17, 0.17],
        rows: m.assignments.map((a) => [a.assignee.name, a.task, w.at(a.dueAt), t(`meetings.assignmentStatus.${a.status}`)]),
      });
    } else blocks.push({ kind: 'note', text: t('meetings.noAssignments') });
  }
  return { sections: [{ order: 50, title: t('meetings.title'), blocks: blocks.length ? blocks : none(ctx) }] };
}

/** The current regulatory review and every signed decision with the SHA-256 of what was signed. */
export async function regulatoryDossier(ctx: DossierContext): Promise<DossierContribution> {
  const { t } = ctx;
  const w = wordsFor(ctx);
  const [review, signatures] = await Promise.all([caseRegulatory(ctx.complaint.id), caseSignatures(ctx.complaint.id)]);
  const blocks: DossierBlock[] = [];
  if (review) {
    const rows: Array<readonly [string, string]> = [
      [t('regulatory.field.status'), t(`regulatory.status.${review.status}`)],
      [t('regulatory.field.category'), t(`regulatory.category.${review.reportCategory}`)],
      [t('regulatory.field.reportDueAt'), `${w.at(review.reportDueAt)} (${t(review.reportDueProvisional ? 'regulatory.provisional' : 'regulatory.fixed')})`],
      [t('regulatory.field.submitted'), w.byAt(review.submittedBy?.name, review.submittedAt)],
      [t('regulatory.field.decision'), review.decision ? `${t(`regulatory.decision.${review.decision}`)} — ${w.byAt(review.decidedBy?.name, review.decidedAt)}` : ''],
    ];
    if (review.filing) {
      rows.push([t('regulatory.field.filing'), `${review.filing.authority ?? ''} — ${t('regulatory.field.referenceNo')} ${review.filing.referenceNo ?? ''} — ${w.at(review.filing.submittedAt)}`]);
    }
    blocks.push({ kind: 'text', label: t('regulatory.field.summary'), text: review.summary }, { kind: 'fields', rows });
    if (review.rationale) blocks.push({ kind: 'text', label: t('regulatory.field.rationale'), text: review.rationale });
  }
  for (const s of signatures) {
    blocks.push({ kind: 'subheading', text: `${t('dossier.signature')} — ${s.signerName} (${t(`roles.${s.signerRole}`)}) — ${w.at(s.signedAt)}` });
    blocks.push({
      kind: 'fields',
      rows: [
        [t('dossier.field.meaning'), s.meaning],
        [t('regulatory.field.decision'), t(`regulatory.decision.${s.decision}`)],
        [t('dossier.field.contentSha256'), s.contentSha256],
        [t('dossier.field.signatureId'), s.id],
        ...(s.supersedes ? [[t('dossier.field.supersedes'), s.supersedes] as const] : []),
      ],
    });
  }
  return { sections: [{ order: 70, title: t('dossier.section.regulatory'), blocks: blocks.length ? blocks : none(ctx) }] };
}
