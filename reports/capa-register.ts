/**
 * Template of the CAPA register "Sổ theo dõi hành động khắc phục, phòng ngừa" (Excel): its title
 * and its columns in order, with widths and cell kinds. Every label is the UI's, from the locale
 * files (`reports.capaRegister.*`, `actions.type.*`, `actions.status.*`), never a copy. The writer
 * (src/features/reports/capaRegister.ts) owns the layout mechanics.
 */
import { translator } from '../src/lib/i18n';
import type { ActionJson } from '../src/presenters/actions';
import type { ReportLang } from './feedback-log';

export interface CapaColumn {
  key: string;
  header: Record<ReportLang, string>;
  width: number;
  type: 'number' | 'text' | 'date';
  wrap?: boolean;
  value(row: { no: number; action: ActionJson; lang: ReportLang }): string | number | Date | null;
}

const T: Record<ReportLang, ReturnType<typeof translator>> = { vi: translator('vi'), en: translator('en') };
const heading = (key: string): Record<ReportLang, string> => ({ vi: T.vi(`reports.capaRegister.column.${key}`), en: T.en(`reports.capaRegister.column.${key}`) });
const day = (iso: string | null | undefined) => (iso ? new Date(iso) : null);

export const capaText = (lang: ReportLang) => ({
  title: T[lang]('reports.capaRegister.title'),
  sheet: T[lang]('reports.capaRegister.sheet'),
  overdue: T[lang]('actions.overdue'),
  total: (n: number) => T[lang]('reports.capaRegister.total', { count: n }),
  exported: (at: string, zone: string, by: string) => T[lang]('reports.capaRegister.exported', { at, zone, by }),
});

/** The columns, left to right. */
export const CAPA_COLUMNS: CapaColumn[] = [
  { key: 'no', header: heading('no'), width: 6, type: 'number', value: (r) => r.no },
  { key: 'type', header: heading('type'), width: 20, type: 'text', wrap: true, value: (r) => T[r.lang](`actions.type.${r.action.type}`) },
  { key: 'description', header: heading('description'), width: 45, type: 'text', wrap: true, value: (r) => r.action.description },
  { key: 'department', header: heading('department'), width: 22, type: 'text', wrap: true, value: (r) => r.action.ownerDepartment.name },
  { key: 'owner', header: heading('owner'), width: 22, type: 'text', wrap: true, value: (r) => r.action.owner?.name ?? null },
  { key: 'dueAt', header: heading('dueAt'), width: 13, type: 'date', value: (r) => day(r.action.dueAt) },
  { key: 'status', header: heading('status'), width: 16, type: 'text', value: (r) => T[r.lang](`actions.status.${r.action.status}`) },
  { key: 'overdue', header: heading('overdue'), width: 11, type: 'text', value: (r) => (r.action.overdue ? T[r.lang]('actions.overdue') : null) },
  {
    key: 'effective',
    header: heading('effective'),
    width: 13,
    type: 'text',
    value: (r) => (r.action.effective === null ? null : T[r.lang](r.action.effective ? 'actions.verify.yes' : 'actions.verify.no')),
  },
  { key: 'supplier', header: heading('supplier'), width: 24, type: 'text', wrap: true, value: (r) => (r.action.supplier ? [r.action.supplier.name, r.action.supplier.ref].filter(Boolean).join(' · ') : null) },
  { key: 'countermeasureDoneAt', header: heading('countermeasureDoneAt'), width: 15, type: 'date', value: (r) => day(r.action.supplier?.countermeasureDoneAt) },
  { key: 'longTermDueAt', header: heading('longTermDueAt'), width: 15, type: 'date', value: (r) => day(r.action.supplier?.longTermDueAt) },
  { key: 'complaints', header: heading('complaints'), width: 30, type: 'text', wrap: true, value: (r) => r.action.complaints.map((c) => c.reference).join(', ') },
];

export const DATE_FORMAT = 'dd/mm/yyyy';
/** `so-theo-doi-capa_<date>.xlsx`: ASCII only. */
export const CAPA_FILENAME = (date: string) => `so-theo-doi-capa_${date}.xlsx`;
