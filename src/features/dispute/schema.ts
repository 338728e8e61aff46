import { documentRoute, IdParams } from '../../http/openapi';
import { z } from '../../lib/zod';

documentRoute({
  method: 'get',
  path: '/api/v1/complaints/{id}/dispute-file',
  summary:
    "The case's dispute file (legal, auditor): a ZIP streamed as it is built — dossier.pdf, every evidence file under evidence/, every letter PDF under letters/, audit-trail.csv, manifest.json (SHA-256 and size of every other file), SHA256SUMS (for `sha256sum -c`) and README.txt. The export is audited (`complaint.dispute_file_exported`, with the manifest's SHA-256, also sent as `X-Manifest-SHA256`).",
  tags: ['Dispute file'],
  params: IdParams,
  response: { status: 200, contentType: 'application/zip', schema: z.string().openapi({ format: 'binary' }), description: 'The ZIP, as an attachment named ho-so-tranh-chap_<reference>_<yyyyMMdd-HHmm>.zip' },
  problems: [403, 404],
});

documentRoute({
  method: 'get',
  path: '/api/v1/complaints/{id}/8d.pdf',
  summary: 'The 8D report of the case (D1 team … D8 closure) as a Vietnamese PDF, for whoever may read the case; restricted findings fields only for the roles that read them',
  tags: ['Dispute file'],
  params: IdParams,
  response: { status: 200, contentType: 'application/pdf', schema: z.string().openapi({ format: 'binary' }), description: 'The report, shown inline, named bao-cao-8d_<reference>.pdf' },
  problems: [403, 404],
});
