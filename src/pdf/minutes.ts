/**
 * The minutes of a meeting as a Vietnamese PDF (biên bản cuộc họp): the title block (company, case
 * reference and subject, when, who), agenda, minutes, decisions, the assignments as a table, and
 * the status (draft, approved by whom and when, or superseded). Labels come from the locales
 * (`meetings.pdf.*`); the document is written as the meeting presenter gives it.
 */
import { DateTime } from 'luxon';
import type { Translate } from '../lib/i18n';
import type { MeetingJson } from '../presenters/meetings';
import { createDocument, finish, type Doc } from './document';

export interface MinutesInput {
  meeting: MeetingJson;
  complaint: { reference: string; subject: string };
  /** The organisation's name, when the settings name it. */
  companyName: string | null;
  /** The organisation's zone: times are printed there. */
  zone: string;
  /** A translator of the document's language (Vietnamese). */
  t: Translate;
}

const when = (iso: string | null, zone: string) => (iso ? DateTime.fromISO(iso, { zone }).toFormat('dd/MM/yyyy HH:mm') : '');

function heading(doc: Doc, text: string): void {
  doc.moveDown(0.8).font('bold').fontSize(11.5).text(text).moveDown(0.3).font('regular').fontSize(10.5);
}

function paragraph(doc: Doc, text: string): void {
  doc.font('regular').fontSize(10.5).text(text || '—', { align: 'left' });
}

function labelled(doc: Doc, label: string, value: string): void {
  doc.font('bold').text(`${label}: `, { continued: true }).font('regular').text(value || '—');
}

/** The assignments as a table that breaks across pages, its header repeated. */
function assignmentsTable(doc: Doc, input: MinutesInput): void {
  const { t, zone } = input;
  const left = doc.page.margins.left;
  const inner = doc.page.width - left - doc.page.margins.right;
  const widths = [0.06, 0.23, 0.34, 0.21, 0.16].map((w) => w * inner);
  const pad = 4;
  const header = ['#', t('meetings.pdf.col.assignee'), t('meetings.pdf.col.task'), t('meetings.pdf.col.due'), t('meetings.pdf.col.status')];
  const rows = input.meeting.assignments.map((a, i) => [String(i + 1), a.assignee.name, a.task, when(a.dueAt, zone), t(`meetings.assignmentStatus.${a.status}`)]);

  const rowHeight = (cells: string[], bold: boolean) => {
    doc.font(bold ? 'bold' : 'regular').fontSize(9.5);
    return Math.max(...cells.map((c, i) => doc.heightOfString(c, { width: widths[i] - 2 * pad }))) + 2 * pad;
  };
  const drawRow = (cells: string[], bold: boolean) => {
    const h = rowHeight(cells, bold);
    if (doc.y + h > doc.page.height - doc.page.margins.bottom) {
      doc.addPage();
      if (!bold) drawRow(header, true);
    }
    const y = doc.y;
    let x = left;
    cells.forEach((c, i) => {
      if (bold) doc.rect(x, y, widths[i], h).fillAndStroke('#eeeeee', '#888888').fillColor('black');
      else doc.rect(x, y, widths[i], h).lineWidth(0.5).strokeColor('#888888').stroke();
      doc.font(bold ? 'bold' : 'regular').fontSize(9.5).text(c, x + pad, y + pad, { width: widths[i] - 2 * pad });
      x += widths[i];
    });
    doc.x = left;
    doc.y = y + h;
  };
  drawRow(header, true);
  for (const row of rows) drawRow(row, false);
  doc.fontSize(10.5);
}

function statusLine(input: MinutesInput): string {
  const { meeting: m, t, zone } = input;
  if (!m.current) return t('meetings.pdf.status.superseded');
  if (m.status === 'approved') return t('meetings.pdf.status.approved', { name: m.approvedBy?.name ?? '', at: when(m.approvedAt, zone) });
  return t('meetings.pdf.status.draft');
}

/** Builds the minutes' PDF; the caller pipes it where it goes (it is ended). */
export function minutesPdf(input: MinutesInput): Doc {
  const { meeting: m, complaint, t, zone } = input;
  const title = t('meetings.pdf.title');
  const doc = createDocument({
    title,
    reference: complaint.reference,
    pageLabel: (n, total) => t('meetings.pdf.page', { n, total }),
    info: { Title: `${title} — ${complaint.reference}`, Subject: complaint.subject },
  });
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;

  if (input.companyName) doc.font('bold').fontSize(10.5).text(input.companyName.toLocaleUpperCase('vi'), { width });
  doc.moveDown(0.6).font('bold').fontSize(16).text(title, { align: 'center', width });
  doc.font('regular').fontSize(10.5).text(t('meetings.pdf.caseLine', { reference: complaint.reference, subject: complaint.subject }), { align: 'center', width });
  doc.font('bold').text(statusLine(input), { align: 'center', width });
  doc.moveDown(0.8).font('regular');

  labelled(doc, t('meetings.pdf.heldAt'), when(m.heldAt, zone));
  labelled(doc, t('meetings.pdf.attendees'), m.attendees.map((a) => a.name).join(', '));

  heading(doc, t('meetings.pdf.agenda'));
  paragraph(doc, m.agenda);
  heading(doc, t('meetings.pdf.minutes'));
  paragraph(doc, m.minutes);
  heading(doc, t('meetings.pdf.decisions'));
  paragraph(doc, m.decisions);
  heading(doc, t('meetings.pdf.assignments'));
  if (m.assignments.length) assignmentsTable(doc, input);
  else paragraph(doc, t('meetings.pdf.noAssignments'));

  doc.moveDown(1.2);
  labelled(doc, t('meetings.pdf.recordedBy'), `${m.createdBy?.name ?? ''} — ${when(m.createdAt, zone)}`);
  if (m.supersedes) doc.font('italic').fontSize(9.5).text(t('meetings.pdf.corrects'));
  finish(doc);
  return doc;
}
