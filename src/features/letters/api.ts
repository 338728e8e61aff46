import { subject } from '@casl/ability';
import { Router, type Request, type Response } from 'express';
import type { Config } from '../../config';
import { issueLetter, previewLetter, saveLetterTemplate, type LetterInput, type LettersActor } from '../../commands/letters';
import { readsCase } from '../../http/cases';
import { allCurrentTemplates, currentTemplate } from '../../letters/templates';
import { notFound } from '../../lib/errors';
import { idParam } from '../../lib/http';
import { parse } from '../../lib/validate';
import { Complaint, Letter, LetterTemplate } from '../../models';
import type { LetterKind } from '../../models/Letter';
import { letterFileName } from '../../outbox/letterIssued';
import type { SubjectRecord } from '../../policies/ability';
import { authorize } from '../../policies/authorize';
import { letterPdfBytes, presentOneLetter } from '../../queries/letters';
import { IssueLetterBody, SaveTemplateBody, TemplateParams } from './schema';

/** The signed-in user as the letters command sees them, asked about the case row it read or locked. */
export function lettersActor(req: Request): LettersActor {
  return {
    userId: req.user!.id,
    reads: (c) => readsCase(req, c),
    may: (c, kind: LetterKind) => req.ability.can('create', subject('Letter', { complaintId: c.id, kind } as SubjectRecord)),
  };
}

/** A parsed body as the command takes it. */
export function letterInput(body: ReturnType<typeof IssueLetterBody.parse>): LetterInput {
  return {
    template: body.template,
    channel: body.channel,
    locale: body.locale,
    meeting: body.meeting ?? null,
    handedOverAt: body.handedOverAt ? new Date(body.handedOverAt) : null,
  };
}

/** Sends PDF bytes inline under a safe name. */
export function sendPdf(res: Response, bytes: Buffer, name: string): void {
  res.type('application/pdf');
  res.setHeader('Content-Disposition', `inline; filename="${name}"`);
  res.setHeader('Content-Length', String(bytes.length));
  res.end(bytes);
}

/** An issued letter this reader may see (its case readable), else 404. */
export async function visibleLetter(req: Request, id: string): Promise<{ letter: Letter; complaint: Complaint }> {
  const letter = await Letter.findByPk(id);
  const complaint = letter && (await Complaint.findByPk(letter.complaintId));
  if (!letter || !complaint || !readsCase(req, complaint)) throw notFound('Letter');
  return { letter, complaint };
}

const presentTemplate = (t: LetterTemplate) => ({ id: t.id, kind: t.kind, locale: t.locale, version: t.version, source: t.source, createdBy: t.createdBy, createdAt: t.createdAt.toISOString() });

export function lettersApi(config: Config): Router {
  const r = Router();

  r.post('/complaints/:id/letters', async (req, res) => {
    // Who may issue letters at all (403) before anything about the case shows.
    authorize(req, 'create', 'Letter');
    const id = idParam(req);
    const body = parse(IssueLetterBody, req.body);
    const letter = await issueLetter(id, letterInput(body), lettersActor(req), config.timezone);
    res.status(201).location(`/api/v1/letters/${letter.id}/pdf`).json(await presentOneLetter(letter));
  });

  r.post('/complaints/:id/letters/preview', async (req, res) => {
    authorize(req, 'create', 'Letter');
    const id = idParam(req);
    const body = parse(IssueLetterBody, req.body);
    const { bytes, complaint } = await previewLetter(id, letterInput(body), lettersActor(req), config.timezone);
    sendPdf(res, bytes, `preview_${letterFileName(body.template, complaint.reference)}`);
  });

  r.get('/letters/:id/pdf', async (req, res) => {
    authorize(req, 'read', 'Letter');
    const { letter, complaint } = await visibleLetter(req, idParam(req));
    const bytes = await letterPdfBytes(letter.sha256);
    if (!bytes) throw notFound('Letter');
    sendPdf(res, bytes, letterFileName(letter.kind, complaint.reference));
  });

  r.get('/letter-templates', async (req, res) => {
    authorize(req, 'read', 'LetterTemplate');
    res.json({ items: (await allCurrentTemplates()).map(presentTemplate) });
  });

  r.get('/letter-templates/:kind/:locale', async (req, res) => {
    authorize(req, 'read', 'LetterTemplate');
    const { kind, locale } = parse(TemplateParams, req.params);
    await currentTemplate(kind, locale);
    const versions = await LetterTemplate.findAll({ where: { kind, locale }, order: [['version', 'DESC']] });
    res.json({ items: versions.map(presentTemplate) });
  });

  r.post('/letter-templates/:kind/:locale', async (req, res) => {
    authorize(req, 'update', 'LetterTemplate');
    const { kind, locale } = parse(TemplateParams, req.params);
    const { source, version } = parse(SaveTemplateBody, req.body);
    const saved = await saveLetterTemplate(kind, locale, source, version, req.user!.id);
    res.status(201).json(presentTemplate(saved));
  });

  return r;
}

export { presentTemplate };
