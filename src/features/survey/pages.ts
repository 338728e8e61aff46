import { Router, type Request, type Response } from 'express';
import { answerSurvey, SURVEY_COMMENT_MAX, SurveyLinkError, type SurveyRefusal } from '../../commands/surveys';
import * as clock from '../../lib/clock';
import { fieldError, type FieldError } from '../../lib/errors';
import { surveyLinkState } from '../../queries/surveys';

const STATUS: Record<SurveyRefusal, number> = { unknown: 404, used: 409, expired: 410 };
const RATINGS = [1, 2, 3, 4, 5] as const;

/** The link is a secret: no cache keeps the page, no referrer carries the token elsewhere. */
function privatePage(res: Response): void {
  res.set('Cache-Control', 'no-store');
  res.set('Referrer-Policy', 'no-referrer');
}

function closed(req: Request, res: Response, reason: SurveyRefusal): void {
  res.status(STATUS[reason]).render('survey/closed', { title: req.t(`survey.closed.${reason}.title`), reason, bare: true });
}

interface FormValues {
  rating?: string;
  comment: string;
}

/** Reads the form by hand: any body at all (junk, arrays, huge strings) becomes values and field errors, never a 500. */
function readForm(body: unknown): { values: FormValues; errors: FieldError[]; rating?: number; comment: string } {
  const b = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const rating = typeof b.rating === 'string' && /^[1-5]$/.test(b.rating.trim()) ? Number(b.rating.trim()) : undefined;
  const rawComment = typeof b.comment === 'string' ? b.comment : '';
  const comment = rawComment.replace(/\r\n/g, '\n').trim();
  const errors: FieldError[] = [];
  if (rating === undefined) errors.push(fieldError('rating', 'survey.errors.rating'));
  if (typeof b.comment !== 'undefined' && typeof b.comment !== 'string') errors.push(fieldError('comment', 'survey.errors.comment'));
  else if ([...comment].length > SURVEY_COMMENT_MAX) errors.push(fieldError('comment', 'survey.errors.commentTooLong', { max: SURVEY_COMMENT_MAX }));
  return { values: { rating: rating === undefined ? undefined : String(rating), comment: rawComment }, errors, rating, comment };
}

function renderForm(req: Request, res: Response, token: string, expiresAt: Date, values: FormValues, errors: FieldError[] = []): void {
  res.status(errors.length ? 400 : 200).render('survey/form', {
    title: req.t('survey.form.title'),
    bare: true,
    token,
    expiresAt,
    commentMax: SURVEY_COMMENT_MAX,
    ratings: RATINGS.map((value) => ({ value, label: `survey.rating.${value}`, checked: values.rating === String(value) })),
    values,
    errors: errors.map((e) => (e.key ? { ...e, message: req.t(e.key, e.params ?? {}) } : e)),
  });
}

/**
 * /survey/:token — the public satisfaction survey (no sign-in): one question, a rating 1–5 and a
 * comment, in Vietnamese with the English switch (`?lang=en`, the footer's link). The form carries
 * the CSRF token bound to the anonymous visitor, as the sign-in form does (src/lib/csrf.ts). A bad,
 * expired or used link gets a page saying so (404 / 410 / 409) and nothing about any case.
 */
export function surveyPages(): Router {
  const r = Router();

  r.get('/survey/thanks', (req, res) => {
    privatePage(res);
    res.render('survey/thanks', { title: req.t('survey.thanks.title'), bare: true });
  });

  r.get('/survey/:token', async (req, res) => {
    privatePage(res);
    const token = req.params.token;
    const state = await surveyLinkState(token, clock.now());
    if (!state.ok) return closed(req, res, state.reason);
    renderForm(req, res, token, state.expiresAt, { comment: '' });
  });

  r.post('/survey/:token', async (req, res) => {
    privatePage(res);
    const token = req.params.token;
    const state = await surveyLinkState(token, clock.now());
    if (!state.ok) return closed(req, res, state.reason);
    const form = readForm(req.body);
    if (form.errors.length || form.rating === undefined) return renderForm(req, res, token, state.expiresAt, form.values, form.errors);
    try {
      await answerSurvey(token, { rating: form.rating, comment: form.comment });
    } catch (err) {
      // Another submit of the same link won, or it expired in between.
      if (err instanceof SurveyLinkError) return closed(req, res, err.reason);
      throw err;
    }
    res.redirect(303, `/survey/thanks${req.lang === 'vi' ? '' : `?lang=${req.lang}`}`);
  });

  return r;
}
