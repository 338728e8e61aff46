/**
 * The 8D report of a case (PRODUCT.md "Reports and the dashboard"), in Vietnamese with the English
 * D-labels customers and suppliers know: D1 team, D2 problem, D3 containment, D4 root cause, D5
 * corrective actions, D6 verification, D7 prevention, D8 closure. Filled from src/dossier/eightD.ts
 * (the findings already redacted for the reader); what no record carries yet prints "Chưa ghi nhận".
 */
import { formatDate, formatDateTime } from '../lib/dates';
import type { Translate } from '../lib/i18n';
import type { ActionType, EightDAction, EightDData } from '../dossier/eightD';
import { createDocument, finish, type Doc } from './document';
import { fields, heading, innerWidth, note, paragraph, table } from './layout';

export interface EightDInput extends EightDData {
  companyName: string | null;
  zone: string;
  t: Translate;
}

function actionsTable(doc: Doc, input: EightDInput, types: readonly ActionType[], withVerification = false): void {
  const { t, zone } = input;
  const rows = input.actions.filter((a) => types.includes(a.type));
  if (!rows.length) return note(doc, t('eightD.noneRecorded'));
  const cell = (a: EightDAction) => [
    t(`eightD.actionType.${a.type}`),
    a.description,
    a.owner ?? '',
    formatDate(a.dueAt, zone, 'vi'),
    withVerification ? (a.effective === null ? t('eightD.notVerified') : t(a.effective ? 'eightD.effective' : 'eightD.notEffective')) : a.status ? t(`eightD.actionStatus.${a.status}`, { defaultValue: a.status }) : '',
  ];
  table(
    doc,
    [t('eightD.col.type'), t('eightD.col.description'), t('eightD.col.owner'), t('eightD.col.due'), withVerification ? t('eightD.col.verification') : t('eightD.col.status')],
    rows.map(cell),
    [0.16, 0.4, 0.16, 0.12, 0.16],
  );
}

/** Builds the 8D PDF; the caller pipes it where it goes (it is ended). */
export function eightDPdf(input: EightDInput): Doc {
  const { complaint: c, customer, t, zone } = input;
  const at = (v: Date | string | null | undefined) => formatDateTime(v, zone, 'vi');
  const title = t('eightD.title');
  const doc = createDocument({
    title,
    reference: c.reference,
    pageLabel: (n, total) => t('dossier.page', { n, total }),
    info: { Title: `${title} — ${c.reference}`, Subject: c.subject },
  });
  const width = innerWidth(doc);
  if (input.companyName) doc.font('bold').fontSize(10.5).text(input.companyName.toLocaleUpperCase('vi'), { width });
  doc.moveDown(0.6).font('bold').fontSize(16).text(title, { align: 'center', width });
  doc.font('regular').fontSize(10.5).text(t('dossier.caseLine', { reference: c.reference, subject: c.subject }), { align: 'center', width });

  heading(doc, t('eightD.d1'));
  fields(doc, [
    [t('eightD.assignee'), input.assignee ?? ''],
    [t('eightD.qualityOfficers'), input.qualityOfficers.join(', ')],
    [t('eightD.attendees'), input.attendees.join(', ')],
  ]);

  heading(doc, t('eightD.d2'));
  fields(doc, [
    [t('intake.field.subject'), c.subject],
    [t('case.customer'), `${customer.name} (${customer.code})`],
    [t('intake.field.receivedAt'), `${at(c.receivedAt)} — ${t(`enum.channel.${c.channel}`)}`],
    [t('intake.field.incidentDate'), formatDate(c.incidentDate, zone, 'vi')],
    [t('intake.field.productRef'), c.productRef ?? ''],
    [t('intake.field.lotRef'), c.lotRef ?? ''],
    [t('intake.field.supplierRef'), c.supplierRef ?? ''],
    [t('intake.field.category'), t(`enum.category.${c.category}`)],
    [t('intake.field.severity'), t(`enum.severity.${c.severity}`)],
    [t('intake.field.harm'), t(`enum.harm.${c.harm}`)],
  ]);
  paragraph(doc, c.description, t('intake.field.description'));

  heading(doc, t('eightD.d3'));
  actionsTable(doc, input, ['containment']);

  heading(doc, t('eightD.d4'));
  const f = input.finding;
  if (!f) note(doc, t('eightD.noneRecorded'));
  else {
    paragraph(doc, f.rootCause, t('findings.field.rootCause'));
    const rows: Array<readonly [string, string]> = [
      [t('findings.field.substantiated'), t(`findings.substantiated.${String(f.substantiated)}`)],
      [t('findings.field.responsibleDepartment'), f.responsibleDepartment ? `${f.responsibleDepartment.code} — ${f.responsibleDepartment.name}` : ''],
    ];
    if ('responsiblePerson' in f) rows.push([t('findings.field.responsiblePerson'), f.responsiblePerson ?? '']);
    if ('disciplinaryMeasure' in f) rows.push([t('findings.field.disciplinaryMeasure'), f.disciplinaryMeasure ?? '']);
    rows.push([t('dossier.field.recorded'), `${at(f.recordedAt)} — ${f.recordedBy?.name ?? ''}`]);
    fields(doc, rows);
  }

  heading(doc, t('eightD.d5'));
  actionsTable(doc, input, ['corrective', 'supplier_long_term']);

  heading(doc, t('eightD.d6'));
  actionsTable(doc, input, ['containment', 'corrective', 'preventive', 'supplier_long_term'], true);

  heading(doc, t('eightD.d7'));
  actionsTable(doc, input, ['preventive']);
  const earlier = c.recurrence?.earlier ?? [];
  fields(doc, [
    [t('eightD.recurrence'), c.recurring || f?.recurring ? t('eightD.recurringYes') : t('eightD.recurringNo')],
    [t('eightD.earlier'), [...new Set([...earlier.map((e) => e.reference), ...(f?.recurringWith ?? []).map((r) => r.reference)])].join(', ')],
  ]);

  heading(doc, t('eightD.d8'));
  const followUp = input.followUp;
  fields(doc, [
    [t('dossier.field.closedAt'), at(c.closedAt)],
    [t('eightD.closedBy'), input.closedBy ?? ''],
    [t('eightD.followUp'), followUp ? [followUp.satisfied === null ? '' : t(followUp.satisfied ? 'eightD.satisfied' : 'eightD.notSatisfied'), followUp.note ?? ''].filter(Boolean).join(' — ') : t('eightD.noneRecorded')],
  ]);
  if (c.resolution) paragraph(doc, c.resolution, t('case.content.resolution'));
  finish(doc);
  return doc;
}
