/**
 * How the dossier's contributors word values: times in the organisation's zone, people, yes/no,
 * sizes — in the dossier's language (the DossierContext's translator; Vietnamese today).
 */
import { humanSize } from '../domain/evidence';
import { formatDate, formatDateTime } from '../lib/dates';
import type { DossierContext } from '../procedure/types';

export interface Words {
  at(value: Date | string | null | undefined): string;
  date(value: Date | string | null | undefined): string;
  /** "23/11/2026 14:05 — Nguyễn Văn A" (either part may be missing). */
  byAt(name: string | null | undefined, value: Date | string | null | undefined): string;
  yesNo(value: boolean): string;
  size(bytes: number): string;
  /** The label of a code (`enum.<group>.<value>`, `stage.<status>`…), or "—". */
  label(prefix: string, value: string | null | undefined): string;
}

export function wordsFor(ctx: Pick<DossierContext, 't' | 'zone'>): Words {
  const { t, zone } = ctx;
  const lang = 'vi';
  return {
    at: (v) => formatDateTime(v, zone, lang),
    date: (v) => formatDate(v, zone, lang),
    byAt: (name, v) => [formatDateTime(v, zone, lang), name ?? ''].filter(Boolean).join(' — '),
    yesNo: (v) => t(v ? 'case.yes' : 'case.no'),
    size: (bytes) => humanSize(bytes, lang),
    label: (prefix, v) => (v ? t(`${prefix}.${v}`) : ''),
  };
}
