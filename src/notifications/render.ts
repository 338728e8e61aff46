import { formatDate, formatDateTime } from '../lib/dates';
import { translator, type Lang } from '../lib/i18n';
import type { NoticeParam } from './notify';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A notification's title and text in `lang`: `notification.kinds.<kind>.title|body` with its
 * params — `clock` and `stage` by their labels, instants (`…At`) and dates (`…On`) in `zone`.
 * The same for the bell, the list and the e-mail.
 */
export function renderNotice(kind: string, params: Record<string, NoticeParam>, lang: Lang, zone: string): { title: string; body: string } {
  const t = translator(lang);
  const values: Record<string, NoticeParam> = {};
  for (const [k, v] of Object.entries(params)) {
    if (typeof v === 'string' && k.endsWith('At') && ISO_INSTANT.test(v)) values[k] = formatDateTime(v, zone, lang);
    else if (typeof v === 'string' && k.endsWith('On') && ISO_DATE.test(v)) values[k] = formatDate(v, zone, lang);
    else values[k] = v;
  }
  if (typeof params.stage === 'string') values.stage = t(`stage.${params.stage}`);
  if (typeof params.clock === 'string') values.clock = t(`clock.name.${params.clock}`, { stage: values.stage ?? '' });
  const key = `notification.kinds.${kind}`;
  const title = t(`${key}.title`, values);
  if (title === `${key}.title`) throw new Error(`No template for notification kind "${kind}"`);
  return { title, body: t(`${key}.body`, values) };
}
