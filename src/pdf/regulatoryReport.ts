/**
 * The regulatory report form as a Vietnamese PDF (báo cáo sự cố gửi cơ quan chức năng), prefilled
 * from the case and its current review: the case (reference, dates, subject, description, product,
 * lot, harm), the review's summary and category, the CEO's signed decision (signer, role, meaning,
 * time, content SHA-256), the report deadline and — once filed — the authority, submission time and
 * reference number (blank lines to fill in otherwise). The customer's personal data is left out.
 * Labels come from the locales (`regulatory.pdf.*`).
 */
import { DateTime } from 'luxon';
import type { Translate } from '../lib/i18n';
import type { ReviewJson, SignatureJson } from '../queries/regulatory';
import { createDocument, finish, type Doc } from './document';

export interface ReportFormInput {
  complaint: {
    reference: string;
    receivedAt: string;
    incidentDate: string;
    subject: string;
    description: string;
    harm: string;
    productRef: string | null;
    lotRef: string | null;
  };
  review: ReviewJson;
  signature: SignatureJson | null;
  companyName: string | null;
  zone: string;
  t: Translate;
}

const BLANK = '……………………………………………';
const when = (iso: string | null, zone: string) => (iso ? DateTime.fromISO(iso, { zone }).toFormat('dd/MM/yyyy HH:mm') : '');

function heading(doc: Doc, text: string): void {
  doc.moveDown(0.8).font('bold').fontSize(11.5).text(text).moveDown(0.3).font('regular').fontSize(10.5);
}

function labelled(doc: Doc, label: string, value: string | null | undefined): void {
  doc.font('bold').text(`${label}: `, { continued: true }).font('regular').text(value || '—');
}

/** Builds the report form's PDF; the caller pipes it where it goes (it is ended). */
export function regulatoryReportPdf(input: ReportFormInput): Doc {
  const { complaint: c, review: r, signature: s, t, zone } = input;
  const title = t('regulatory.pdf.title');
  const doc = createDocument({
    title,
    reference: c.reference,
    pageLabel: (n, total) => t('regulatory.pdf.page', { n, total }),
    info: { Title: `${title} — ${c.reference}`, Subject: c.subject },
  });
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  if (input.companyName) doc.font('bold').fontSize(10.5).text(input.companyName.toLocaleUpperCase('vi'), { width });
  doc.moveDown(0.6).font('bold').fontSize(16).text(title, { align: 'center', width });
  doc.font('regular').fontSize(10.5).text(t('regulatory.pdf.caseLine', { reference: c.reference }), { align: 'center', width });

  heading(doc, t('regulatory.pdf.case'));
  labelled(doc, t('regulatory.pdf.receivedAt'), when(c.receivedAt, zone));
  labelled(doc, t('regulatory.pdf.incidentDate'), c.incidentDate ? DateTime.fromISO(c.incidentDate).toFormat('dd/MM/yyyy') : '');
  labelled(doc, t('regulatory.field.subject'), c.subject);
  labelled(doc, t('regulatory.pdf.product'), c.productRef);
  labelled(doc, t('regulatory.pdf.lot'), c.lotRef);
  labelled(doc, t('regulatory.field.harm'), t(`enum.harm.${c.harm}`));
  labelled(doc, t('regulatory.pdf.description'), c.description);

  heading(doc, t('regulatory.pdf.review'));
  labelled(doc, t('regulatory.field.category'), t(`regulatory.category.${r.reportCategory}`));
  labelled(doc, t('regulatory.field.summary'), r.summary);
  labelled(doc, t('regulatory.field.reportDueAt'), `${when(r.reportDueAt, zone)} (${t(r.reportDueProvisional ? 'regulatory.provisional' : 'regulatory.fixed')})`);

  heading(doc, t('regulatory.pdf.decision'));
  labelled(doc, t('regulatory.field.decision'), r.decision ? t(`regulatory.decision.${r.decision}`) : t('regulatory.status.awaiting_ceo'));
  labelled(doc, t('regulatory.field.rationale'), r.rationale);
  if (s) {
    labelled(doc, t('regulatory.signature.signer'), s.signerName);
    labelled(doc, t('regulatory.signature.role'), s.signerRole);
    labelled(doc, t('regulatory.signature.meaning'), s.meaning);
    labelled(doc, t('regulatory.signature.signedAt'), when(s.signedAt, zone));
    doc.font('bold').text(`${t('regulatory.signature.hash')}:`).font('regular').fontSize(9).text(s.contentSha256).fontSize(10.5);
  }

  heading(doc, t('regulatory.pdf.filing'));
  labelled(doc, t('regulatory.field.authority'), r.filing?.authority ?? BLANK);
  labelled(doc, t('regulatory.field.reportSubmittedAt'), r.filing ? when(r.filing.submittedAt, zone) : BLANK);
  labelled(doc, t('regulatory.field.referenceNo'), r.filing?.referenceNo ?? BLANK);
  finish(doc);
  return doc;
}
