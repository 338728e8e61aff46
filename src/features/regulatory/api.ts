import { subject } from '@casl/ability';
import { Router, type Request } from 'express';
import type { Config } from '../../config';
import { decideRegulatoryReview, fileRegulatoryReport, submitRegulatoryReview, type RegulatoryActor } from '../../commands/regulatory';
import { verifySigner } from '../../commands/signing';
import { AppError, fieldError, forbidden, notFound, unauthenticated } from '../../lib/errors';
import { translator } from '../../lib/i18n';
import { readsCase } from '../../http/cases';
import { idParam } from '../../lib/http';
import { idempotent } from '../../lib/idempotency';
import { parse } from '../../lib/validate';
import { Complaint } from '../../models';
import type { Action, SubjectRecord } from '../../policies/ability';
import { authorize } from '../../policies/authorize';
import { regulatoryReportPdf } from '../../pdf/regulatoryReport';
import { mayReadReportForm } from '../../policies/regulatoryReaders';
import { organisationName } from '../../queries/meetings';
import { caseSignatures, currentReview, presentReviewFull } from '../../queries/regulatory';
import { DecisionBody, FilingBody, SubmitReviewBody } from './schema';


/** The signed-in user as the regulatory commands see them, asked about the case row they locked. */
export function regulatoryActor(req: Request, action: Action): RegulatoryActor {
  const user = req.user!;
  return {
    userId: user.id,
    name: user.name,
    role: action === 'sign' ? 'ceo' : user.roles.join(','),
    reads: (c) => readsCase(req, c),
    may: (c) => req.ability.can(action, subject('RegulatoryReview', { complaintId: c.id } as SubjectRecord)),
  };
}

export function regulatoryApi(config: Config): Router {
  const r = Router();
  const zone = config.timezone;

  r.post('/complaints/:id/regulatory/submit', async (req, res) => {
    authorize(req, 'submit', 'RegulatoryReview');
    const id = idParam(req);
    const body = parse(SubmitReviewBody, req.body);
    const review = await submitRegulatoryReview(id, body, regulatoryActor(req, 'submit'), zone);
    res.status(201).json(await presentReviewFull(review));
  });

  r.post('/complaints/:id/regulatory/decision', async (req, res) => {
    authorize(req, 'sign', 'RegulatoryReview');
    const id = idParam(req);
    const { password, ...input } = parse(DecisionBody, req.body);
    const actor = regulatoryActor(req, 'sign');
    // 404 for a case the CEO cannot see before the password is looked at; the command checks again on the locked row.
    const complaint = await Complaint.findByPk(id);
    if (!complaint || !actor.reads(complaint)) throw notFound('Complaint');
    // Outside any transaction: argon2 must not hold the connection, and a failure is recorded in its own.
    await verifySigner({ userId: actor.userId, password, complaintId: complaint.id, reviewId: (await currentReview(complaint.id))?.id ?? null });
    const out = await idempotent(
      req,
      201,
      () => decideRegulatoryReview(id, input, actor, zone),
      ({ review, signature }) => ({
        signature: {
          id: signature.id,
          signerId: signature.signerId,
          signerName: signature.signerName,
          signerRole: signature.signerRole,
          meaning: signature.meaning,
          signedAt: signature.signedAt.toISOString(),
          contentSha256: signature.contentSha256,
          supersedes: signature.supersedes,
        },
        decision: review.decision,
        ...(review.decision === 'report' ? { reportDueAt: review.reportDueAt.toISOString() } : {}),
        reviewId: review.id,
      }),
      // The stored request hash never covers the re-entered password.
      input,
    );
    if (out.replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.status(out.status).json(out.body);
  });

  r.post('/complaints/:id/regulatory/report', async (req, res) => {
    authorize(req, 'file', 'RegulatoryReview');
    const id = idParam(req);
    const body = parse(FilingBody, req.body);
    const review = await fileRegulatoryReport(id, { ...body, submittedAt: new Date(body.submittedAt) }, regulatoryActor(req, 'file'));
    res.status(201).json(await presentReviewFull(review));
  });

  // The report form prefilled from the case, as a Vietnamese PDF (ceo, admin_officer, legal, auditor). The
  // session cookie is accepted here as on every API route, so the case page links this route itself.
  r.get('/complaints/:id/regulatory/report-form.pdf', async (req, res) => {
    if (!req.user) throw unauthenticated();
    if (!mayReadReportForm(req)) throw forbidden('You are not allowed to read the regulatory report form.', { action: 'read', subject: 'RegulatoryReview', entityId: null });
    const complaint = await Complaint.findByPk(idParam(req));
    if (!complaint || !readsCase(req, complaint)) throw notFound('Complaint');
    const review = await currentReview(complaint.id);
    if (!review)
      throw new AppError(409, 'conflict', 'This case has no regulatory review: submit it first.', [fieldError('regulatory', 'regulatory.errors.noReview')], undefined, undefined, 'regulatory.errors.noReview');
    const [json, signatures, companyName] = await Promise.all([presentReviewFull(review), caseSignatures(complaint.id), organisationName()]);
    const doc = regulatoryReportPdf({
      complaint: {
        reference: complaint.reference,
        receivedAt: complaint.receivedAt.toISOString(),
        incidentDate: complaint.incidentDate,
        subject: complaint.subject,
        description: complaint.description,
        harm: complaint.harm,
        productRef: complaint.productRef,
        lotRef: complaint.lotRef,
      },
      review: json,
      signature: signatures.find((s) => s.id === json.signatureId) ?? null,
      companyName,
      zone,
      t: translator('vi'),
    });
    res.type('application/pdf');
    res.setHeader('Content-Disposition', `inline; filename="bao-cao-co-quan-chuc-nang_${complaint.reference.replace(/[^A-Za-z0-9._-]+/g, '-')}.pdf"`);
    doc.pipe(res);
  });

  return r;
}
