/**
 * Issuing letters to the customer (PRODUCT.md "Letters and the customer's answer") and editing
 * their templates. A letter is rendered OUTSIDE any transaction (the embedded database has one
 * connection): a short read of what it says, the PDF rendered to a Buffer, then one short
 * transaction locks the case, stores the bytes (content-addressed), the letter and its audit
 * event, enqueues the e-mail through the outbox when it goes by e-mail, and meets the 48-hour
 * first-reply clock when it is a first reply, an invitation or a resolution letter.
 */
import { createHash, randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { sequelize, transaction } from '../db';
import { FINISHED } from '../domain/workflow';
import { actionsSlot, letterContext, solutionSlot } from '../letters/context';
import { parseMarkup } from '../letters/markup';
import { checkTemplate, compiledTemplate, currentTemplate } from '../letters/templates';
import * as clock from '../lib/clock';
import { currentTransaction } from '../lib/context';
import { AppError, fieldError, forbidden, immutableRecord, notFound, staleVersion, validationFailed, type FieldError } from '../lib/errors';
import { translator } from '../lib/i18n';
import { Complaint, Customer, Letter, LetterTemplate, User } from '../models';
import type { LetterChannel, LetterKind, LetterLocale, LetterMeeting } from '../models/Letter';
import { enqueue } from '../outbox/outbox';
import { letterIssuedEffect } from '../outbox/letterIssued';
import { letterPdf } from '../pdf/letter';
import { currentFinding } from '../queries/findings';
import { readLetterhead } from '../queries/letters';
import { meetFirstReply } from './complaints';

/** The letters that are a first written reply (PRODUCT.md "Deadlines": a reply letter or an invitation to meet). */
export const FIRST_REPLY_KINDS: readonly LetterKind[] = ['first_reply', 'invitation', 'resolution'];
/** The channels a letter reaches the customer in writing by (a phone call is not a written reply). */
const WRITTEN: readonly LetterChannel[] = ['email', 'post', 'in_person'];
const HANDED_OVER: readonly LetterChannel[] = ['post', 'in_person'];

export interface LettersActor {
  userId: string;
  /** May the actor see this case at all? (No: 404.) */
  reads(complaint: Complaint): boolean;
  /** May the actor issue a letter of this kind on this case? (No: 403.) */
  may(complaint: Complaint, kind: LetterKind): boolean;
}

export interface LetterInput {
  template: LetterKind;
  channel: LetterChannel;
  locale?: LetterLocale;
  /** The invitation's meeting: when (an instant) and where. */
  meeting?: LetterMeeting | null;
  /** Post / in person: when it was handed over (default: the issue time). */
  handedOverAt?: Date | null;
}

interface Rendered {
  complaint: Complaint;
  customer: Customer;
  template: LetterTemplate;
  locale: LetterLocale;
  issuedAt: Date;
  bytes: Buffer;
  sha256: string;
}

function checkCase(complaint: Complaint | null, kind: LetterKind, actor: LettersActor): Complaint {
  if (!complaint || !actor.reads(complaint)) throw notFound('Complaint');
  if (!actor.may(complaint, kind)) throw forbidden('You are not allowed to issue this letter on this case.', { action: 'create', subject: 'Letter', entityId: complaint.id });
  if (complaint.status === 'archived') throw immutableRecord('The case is sealed: no letter can be issued.');
  return complaint;
}

function checkInput(complaint: Complaint, customer: Customer, input: LetterInput): void {
  const errors: FieldError[] = [];
  if (input.channel === 'email' && !customer.email) errors.push(fieldError('channel', 'letters.errors.noEmail'));
  if (input.template === 'invitation' && !input.meeting) errors.push(fieldError('meeting', 'letters.errors.meetingRequired'));
  if (input.handedOverAt) {
    if (!HANDED_OVER.includes(input.channel)) errors.push(fieldError('handedOverAt', 'letters.errors.handedOverChannel'));
    else if (input.handedOverAt.getTime() > clock.now().getTime() + 5 * 60_000) errors.push(fieldError('handedOverAt', 'errors.inFuture'));
    else if (input.handedOverAt.getTime() < complaint.receivedAt.getTime()) errors.push(fieldError('handedOverAt', 'errors.beforeReceipt'));
  }
  if (errors.length) throw validationFailed(errors);
}

/**
 * The short read and the rendering, outside any transaction: 404 for a case the actor cannot see,
 * 403 for a kind they may not issue, 409 for a sealed case, 400 for what the letter lacks.
 */
async function render(complaintId: string, input: LetterInput, actor: LettersActor, zone: string): Promise<Rendered> {
  if (currentTransaction()) throw new Error('A letter is rendered outside any transaction');
  const complaint = checkCase(await Complaint.findByPk(complaintId), input.template, actor);
  const customer = (await Customer.findByPk(complaint.customerId))!;
  checkInput(complaint, customer, input);
  const locale = input.locale ?? 'vi';
  const template = await currentTemplate(input.template, locale);
  const [letterhead, finding, author, solution, actions] = await Promise.all([
    readLetterhead(),
    currentFinding(complaint.id),
    User.findByPk(actor.userId, { attributes: ['id', 'name'] }),
    solutionSlot(complaint.id, complaint.round),
    actionsSlot(complaint.id, locale, zone),
  ]);
  const issuedAt = clock.now();
  const context = letterContext({
    complaint,
    customer,
    letterhead,
    findings: finding && { substantiated: finding.substantiated, rootCause: finding.rootCause, recurring: finding.recurring },
    meeting: input.meeting ?? null,
    solution,
    actions,
    authorName: author?.name ?? '',
    at: issuedAt,
    zone,
    locale,
  });
  const blocks = parseMarkup(compiledTemplate(template)(context));
  const bytes = await letterPdf({ context, blocks, t: translator(locale), issuedAt });
  return { complaint, customer, template, locale, issuedAt, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** The letter as it would be issued now: its PDF, nothing stored. */
export async function previewLetter(complaintId: string, input: LetterInput, actor: LettersActor, zone: string): Promise<{ bytes: Buffer; complaint: Complaint }> {
  const r = await render(complaintId, input, actor, zone);
  return { bytes: r.bytes, complaint: r.complaint };
}

/** Issues the letter: stored, immutable, audited; e-mailed through the outbox; the first-reply clock met. */
export async function issueLetter(complaintId: string, input: LetterInput, actor: LettersActor, zone: string): Promise<Letter> {
  const r = await render(complaintId, input, actor, zone);
  return transaction(async () => {
    const complaint = checkCase(await Complaint.findByPk(complaintId, { lock: true }), input.template, actor);
    // What the PDF says was read before the lock: a case that moved to another round meanwhile gets a fresh letter.
    if (complaint.round !== r.complaint.round)
      throw new AppError(409, 'conflict', 'The case changed while the letter was rendered; issue it again.', undefined, undefined, undefined, 'letters.errors.caseChanged');
    await sequelize().query('INSERT INTO letter_pdfs (sha256, size, bytes) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING', {
      bind: [r.sha256, r.bytes.length, r.bytes],
      type: QueryTypes.INSERT,
    });
    const id = randomUUID();
    const email = input.channel === 'email' ? r.customer.email! : null;
    const outboxId = email ? await enqueue(letterIssuedEffect({ id, kind: input.template, locale: r.locale, complaintId: complaint.id }, email)) : null;
    const handedOver = HANDED_OVER.includes(input.channel);
    const letter = await Letter.create(
      {
        id,
        complaintId: complaint.id,
        kind: input.template,
        locale: r.locale,
        round: complaint.round,
        templateVersion: r.template.version,
        channel: input.channel,
        recipient: email,
        meeting: input.meeting ?? null,
        sha256: r.sha256,
        size: r.bytes.length,
        authorId: actor.userId,
        issuedAt: r.issuedAt,
        sentAt: email ? null : r.issuedAt,
        handedOverBy: handedOver ? actor.userId : null,
        handedOverAt: handedOver ? (input.handedOverAt ?? r.issuedAt) : null,
        outboxId,
      },
      { auditAction: 'letter.issued', auditMeta: { template: input.template, templateVersion: r.template.version } } as object,
    );
    if (FIRST_REPLY_KINDS.includes(input.template) && WRITTEN.includes(input.channel) && !complaint.firstRepliedAt && !FINISHED.includes(complaint.status)) {
      await meetFirstReply(complaint, r.issuedAt, input.channel, { letterId: letter.id, template: input.template });
    }
    return letter;
  });
}

/**
 * Saves a new version of a template (sysadmin): refused with 400 naming the line when it does not
 * compile or uses a variable the letter context lacks; 409 when `expectedVersion` is not the
 * current one (someone saved meanwhile). Versions are kept; a letter records the one it used.
 */
export async function saveLetterTemplate(kind: LetterKind, locale: LetterLocale, source: string, expectedVersion: number | undefined, userId: string): Promise<LetterTemplate> {
  const text = source.normalize('NFC').replace(/\r\n?/g, '\n');
  if (!text.trim()) throw validationFailed([fieldError('source', 'letters.errors.templateEmpty')]);
  const error = checkTemplate(text, locale);
  if (error) throw validationFailed([error], 'The template does not compile.');
  await currentTemplate(kind, locale);
  return transaction(async () => {
    const [latest] = await sequelize().query<{ version: number }>('SELECT version FROM letter_templates WHERE kind = $1 AND locale = $2 ORDER BY version DESC LIMIT 1 FOR UPDATE', {
      bind: [kind, locale],
      type: QueryTypes.SELECT,
    });
    const current = latest?.version ?? 0;
    if (expectedVersion !== undefined && expectedVersion !== current) throw staleVersion(current);
    return LetterTemplate.create({ kind, locale, version: current + 1, source: text, createdBy: userId }, { auditAction: 'letter_template.saved' } as object);
  });
}

