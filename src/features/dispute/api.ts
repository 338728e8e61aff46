import { subject } from '@casl/ability';
import { Router, type Request } from 'express';
import type { Config } from '../../config';
import { transaction } from '../../db';
import { contentDisposition } from '../../domain/evidence';
import { prepareDisputeFile, writeDisputeFile } from '../../dossier/disputeFile';
import { eightDData } from '../../dossier/eightD';
import { visibleCase } from '../../http/cases';
import * as clock from '../../lib/clock';
import { forbidden, notFound } from '../../lib/errors';
import { idParam } from '../../lib/http';
import { translator } from '../../lib/i18n';
import { logger } from '../../lib/logger';
import type { Complaint, Customer } from '../../models';
import { recordAudit } from '../../models/AuditEvent';
import { eightDPdf } from '../../pdf/eightD';
import type { SubjectRecord } from '../../policies/ability';
import { authorize } from '../../policies/authorize';
import { findComplaint } from '../../queries/complaints';
import { organisationName } from '../../queries/meetings';
import './schema';

/** The case the user may see (404 otherwise), read again with its customer and clocks as the case detail needs it. */
async function caseWithCustomer(req: Request): Promise<{ complaint: Complaint; customer: Customer }> {
  const visible = await visibleCase(req, idParam(req));
  const complaint = await findComplaint(visible.id);
  if (!complaint?.customer) throw notFound('Complaint');
  return { complaint, customer: complaint.customer };
}

/** /api/v1: the dispute file (ZIP) and the 8D report of a case. The session cookie is accepted, so the case page links both. */
export function disputeApi(config: Config): Router {
  const r = Router();
  const zone = config.timezone;

  r.get('/complaints/:id/dispute-file', async (req, res) => {
    // Who may export at all (403) before anything about the case shows, then which case (404).
    authorize(req, 'export', 'Complaint');
    const { complaint, customer } = await caseWithCustomer(req);
    if (!req.ability.can('export', subject('Complaint', complaint.get({ plain: true }) as SubjectRecord))) throw forbidden('You are not allowed to export this case.');
    // A HEAD asks whether the export would be served: nothing is built, sent or audited.
    if (req.method === 'HEAD') return void res.status(200).type('application/zip').end();
    const now = clock.now();
    // Short queries and in-memory rendering only: no transaction is open while this runs.
    const prepared = await prepareDisputeFile({ complaint, customer, reader: req.ability, exporter: { id: req.user!.id, name: req.user!.name }, zone, now });
    const files = prepared.manifest.files;
    // Audited before the first byte leaves, in a transaction of its own that awaits nothing but the append.
    await transaction(() =>
      recordAudit({
        action: 'complaint.dispute_file_exported',
        entityType: 'Complaint',
        entityId: complaint.id,
        meta: { filename: prepared.filename, manifestSha256: prepared.manifestSha256, files: files.length + 1, bytes: files.reduce((n, f) => n + f.size, 0), auditEvents: prepared.auditEvents },
      }),
    );
    res.status(200);
    res.setHeader('Content-Type', 'application/zip');
    res.setHeader('Content-Disposition', contentDisposition('attachment', prepared.filename));
    res.setHeader('X-Manifest-SHA256', prepared.manifestSha256);
    res.setHeader('Cache-Control', 'no-store');
    // Headers go at once: the browser's download starts (and shows its progress) while the ZIP streams.
    res.flushHeaders();
    try {
      await writeDisputeFile(prepared, res, now);
    } catch (err) {
      // The response is destroyed mid-stream (never ended cleanly): a cut download never looks complete.
      if (!req.destroyed && (err as { code?: string }).code !== 'ERR_STREAM_PREMATURE_CLOSE') {
        logger.error('dispute file export failed mid-stream', { requestId: req.requestId, complaintId: complaint.id, error: err instanceof Error ? err.message : String(err) });
      }
    }
  });

  r.get('/complaints/:id/8d.pdf', async (req, res) => {
    authorize(req, 'read', 'Complaint');
    const { complaint, customer } = await caseWithCustomer(req);
    const [data, companyName] = await Promise.all([eightDData(complaint, customer, req.ability), organisationName()]);
    const doc = eightDPdf({ ...data, companyName, zone, t: translator('vi') });
    res.type('application/pdf');
    res.setHeader('Content-Disposition', contentDisposition('inline', `bao-cao-8d_${complaint.reference}.pdf`));
    doc.pipe(res);
  });

  return r;
}
