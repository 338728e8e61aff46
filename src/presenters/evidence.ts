import { ACCEPT_ATTRIBUTE, humanSize, isThumbnailable } from '../domain/evidence';
import type { Evidence } from '../models';

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** Where a piece of evidence's bytes are served (GET /api/v1/evidence/:id/content). */
export const contentUrl = (id: string) => `/api/v1/evidence/${id}/content`;

/** The answer to an upload (API.md: `{id, sha256, size, mimeType, filename}`). */
export function presentUpload(e: Evidence) {
  return { id: e.id, sha256: e.sha256, size: e.size, mimeType: e.mimeType, filename: e.filename };
}

/** One piece of evidence as the case detail lists it (`evidence` of GET /complaints/:id). */
export function presentEvidence(e: Evidence, names: ReadonlyMap<string, string> = new Map()) {
  const person = (id: string | null) => (id ? { id, name: names.get(id) ?? '' } : null);
  return {
    ...presentUpload(e),
    complaintId: e.complaintId,
    description: e.description,
    sourceDepartment: e.sourceDepartment,
    collectedAt: iso(e.collectedAt),
    uploadedAt: e.createdAt.toISOString(),
    uploadedBy: person(e.uploadedBy),
    withdrawn: Boolean(e.withdrawnAt),
    withdrawnAt: iso(e.withdrawnAt),
    withdrawnBy: person(e.withdrawnBy),
    withdrawalReason: e.withdrawalReason,
    contentUrl: contentUrl(e.id),
    version: e.version,
  };
}

export type EvidenceJson = ReturnType<typeof presentEvidence>;

/** What the case page's evidence panel shows: the list (withdrawn ones struck through) and the upload form. */
export function evidencePanel(
  items: readonly EvidenceJson[],
  options: { complaintId: string; lang: string; canUpload: boolean; canWithdraw: boolean; maxUploadBytes: number },
) {
  return {
    complaintId: options.complaintId,
    items: items.map((e) => ({
      ...e,
      sizeText: humanSize(e.size, options.lang),
      shortHash: e.sha256.slice(0, 12),
      thumbnail: !e.withdrawn && isThumbnailable(e.mimeType),
      pdf: e.mimeType === 'application/pdf',
      downloadUrl: `${e.contentUrl}?download=1`,
      canWithdraw: options.canWithdraw && !e.withdrawn,
    })),
    active: items.filter((e) => !e.withdrawn).length,
    canUpload: options.canUpload,
    maxUploadBytes: options.maxUploadBytes,
    maxUploadText: humanSize(options.maxUploadBytes, options.lang),
    accept: ACCEPT_ATTRIBUTE,
  };
}
