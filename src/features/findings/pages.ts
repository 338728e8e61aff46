import { Router, type Request, type Response } from 'express';
import { findingsRecordable, recordFindings } from '../../commands/findings';
import { requireSignIn } from '../../http/auth';
import { visibleCase } from '../../http/cases';
import { field, friendlierErrors, isChecked, optionalField } from '../../http/forms';
import { formErrors, setFlash } from '../../http/pageLocals';
import type { FieldError } from '../../lib/errors';
import { idParam } from '../../lib/http';
import { parse } from '../../lib/validate';
import { Complaint, Department } from '../../models';
import { authorize } from '../../policies/authorize';
import { currentFinding } from '../../queries/findings';
import { findingsActor } from './api';
import { RecordFindingsBody } from './schema';

/** What the form shows: strings as typed (a failed submission gives them back untouched). */
interface FindingsValues {
  substantiated: '' | 'true' | 'false';
  rootCause: string;
  recurring: boolean;
  recurringWith: string[];
  responsibleDepartment: string;
  responsiblePerson: string;
  disciplinaryMeasure: string;
  noEvidenceReason: string;
}

const FIELDS = ['substantiated', 'rootCause', 'recurring', 'recurringWith', 'responsibleDepartment', 'responsiblePerson', 'disciplinaryMeasure', 'noEvidenceReason'];

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' && v ? [v] : []);

function fromForm(body: Record<string, unknown>): FindingsValues {
  const substantiated = field(body, 'substantiated');
  return {
    substantiated: substantiated === 'true' || substantiated === 'false' ? substantiated : '',
    rootCause: field(body, 'rootCause'),
    recurring: isChecked(body, 'recurring'),
    recurringWith: list(body.recurringWith),
    responsibleDepartment: field(body, 'responsibleDepartment'),
    responsiblePerson: field(body, 'responsiblePerson'),
    disciplinaryMeasure: field(body, 'disciplinaryMeasure'),
    noEvidenceReason: field(body, 'noEvidenceReason'),
  };
}

/** The form's starting values: the current findings when there are some, else intake's recurrence detection. */
async function initialValues(complaint: Complaint): Promise<FindingsValues> {
  const current = await currentFinding(complaint.id);
  if (!current) {
    return {
      substantiated: '',
      rootCause: '',
      recurring: complaint.recurring,
      recurringWith: (complaint.recurrence?.earlier ?? []).map((e) => e.id),
      responsibleDepartment: '',
      responsiblePerson: '',
      disciplinaryMeasure: '',
      noEvidenceReason: '',
    };
  }
  return {
    substantiated: current.substantiated ? 'true' : 'false',
    rootCause: current.rootCause,
    recurring: current.recurring,
    recurringWith: current.recurringWith.map((e) => e.id),
    responsibleDepartment: current.responsibleDepartmentId ?? '',
    responsiblePerson: current.responsiblePerson ?? '',
    disciplinaryMeasure: current.disciplinaryMeasure ?? '',
    noEvidenceReason: current.noEvidenceReason ?? '',
  };
}

async function renderForm(req: Request, res: Response, complaint: Complaint, values: FindingsValues, extra: { status?: number; errors?: FieldError[]; message?: string } = {}): Promise<void> {
  const departments = await Department.findAll({ where: { active: true }, order: [['name', 'ASC']], attributes: ['id', 'code', 'name'] });
  // Restricted fields (src/policies/fieldRules.ts): only shown to a role that may read them — who records findings can.
  const mayReadRestricted = req.ability.can('read', 'Finding', 'responsiblePerson');
  res.status(extra.status ?? 200).render('findings/form', {
    title: req.t('findings.form.title', { reference: complaint.reference }),
    complaint: { id: complaint.id, reference: complaint.reference, subject: complaint.subject },
    earlier: (complaint.recurrence?.earlier ?? []).map((e) => ({ id: e.id, reference: e.reference, checked: values.recurringWith.includes(e.id) })),
    departments: departments.map((d) => ({ id: d.id, label: `${d.name} (${d.code})`, selected: values.responsibleDepartment === d.id || values.responsibleDepartment === d.code })),
    values,
    mayReadRestricted,
    errors: extra.errors,
    message: extra.message,
  });
}

/** /complaints/:id/findings — the form that records the findings (a new version each time). */
export function findingsPages(): Router {
  const r = Router();

  r.get('/complaints/:id/findings', requireSignIn, async (req, res) => {
    authorize(req, 'create', 'Finding');
    const complaint = await visibleCase(req, idParam(req));
    if (!findingsRecordable(complaint)) {
      setFlash(res, 'findings.flash.stage');
      res.redirect(303, `/complaints/${complaint.id}#findings`);
      return;
    }
    await renderForm(req, res, complaint, await initialValues(complaint));
  });

  r.post('/complaints/:id/findings', requireSignIn, async (req, res) => {
    authorize(req, 'create', 'Finding');
    const complaint = await visibleCase(req, idParam(req));
    const values = fromForm(req.body as Record<string, unknown>);
    const blanks = new Set(FIELDS.filter((f) => field(req.body as Record<string, unknown>, f).trim() === ''));
    try {
      const body = parse(
        RecordFindingsBody,
        {
          substantiated: values.substantiated === '' ? undefined : values.substantiated === 'true',
          rootCause: values.rootCause,
          recurring: values.recurring,
          recurringWith: values.recurring ? values.recurringWith : [],
          responsibleDepartment: optionalField(req.body as Record<string, unknown>, 'responsibleDepartment') ?? null,
          responsiblePerson: values.responsiblePerson,
          disciplinaryMeasure: values.disciplinaryMeasure,
          noEvidenceReason: values.noEvidenceReason,
        },
        req.lang,
      );
      await recordFindings(complaint.id, body, findingsActor(req));
    } catch (err) {
      const { status, errors, message } = formErrors(err, req.t);
      if (status === 400) {
        await renderForm(req, res, complaint, values, { status, errors: friendlierErrors(errors, (p) => blanks.has(p), req.t), message });
        return;
      }
      // A sealed case or one that left the investigation meanwhile: the case page says where it is.
      setFlash(res, status === 409 ? 'findings.flash.stage' : 'findings.flash.failed');
      res.redirect(303, `/complaints/${complaint.id}#findings`);
      return;
    }
    setFlash(res, 'findings.flash.recorded');
    res.redirect(303, `/complaints/${complaint.id}#findings`);
  });

  return r;
}
