import { subject as tag } from '@casl/ability';
import type { Request } from 'express';
import { forbidden, unauthenticated } from '../lib/errors';
import type { Action, Subject, SubjectRecord } from './ability';

/**
 * Throws 401 when nobody is signed in and 403 (audited by the error handler) when the ability
 * does not allow `action` on `subject` — a type, or a record to check conditions against.
 */
export function authorize(req: Request, action: Action, subject: Subject, record?: SubjectRecord): void {
  if (!req.user) throw unauthenticated();
  const target = record ? tag(subject, { ...record }) : subject;
  if (!req.ability.can(action, target)) {
    const entityId = record && typeof record.id === 'string' ? record.id : null;
    throw forbidden(`You are not allowed to ${action} this ${subject}.`, { action, subject, entityId });
  }
}

/** The same question without throwing, for views that hide what the user may not do. */
export function allowed(req: Request, action: Action, subject: Subject, record?: SubjectRecord): boolean {
  return Boolean(req.user) && req.ability.can(action, record ? tag(subject, { ...record }) : subject);
}
