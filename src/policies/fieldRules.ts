import type { RoleKey } from '../domain/roles';
import type { AppAbility, Subject } from './ability';

/**
 * Field-level read rules, in one place: which fields of a subject only some roles may read.
 * `defineAbilityFor` compiles them into the ability (a field-scoped `cannot` for everybody, then
 * a field-scoped `can` for the roles named here, so a user holding several roles gets the union);
 * every presenter, page and export of such a subject passes its output through `redactFields`,
 * and asks `withheldFields` which columns to leave out. Nothing else decides who reads a field.
 */
export interface FieldReadRule {
  /** The fields (as the presenters name them) the rule withholds. */
  readonly fields: readonly string[];
  /** The roles that may read them. */
  readonly roles: readonly RoleKey[];
  /** Where the rule comes from. */
  readonly why: string;
}

export const FIELD_READ_RULES = {
  // The findings of the investigation: who is responsible and what measure was taken against them.
  Finding: [
    {
      fields: ['responsibleUserId', 'responsiblePerson', 'disciplinaryMeasure'],
      roles: ['quality', 'cs_director', 'ceo', 'legal', 'auditor'],
      why: 'PRODUCT.md: the responsible person and the disciplinary measure are for quality, cs_director, ceo, legal and auditor only.',
    },
  ],
} as const satisfies Partial<Record<Subject, readonly FieldReadRule[]>>;

type Rules = typeof FIELD_READ_RULES;
/** The fields of subject S that some roles may not read. */
export type RestrictedField<S extends Subject> = S extends keyof Rules ? Rules[S][number]['fields'][number] : never;
/** A record as `redactFields` returns it: the restricted fields may be absent. */
export type Redacted<T, S extends Subject> = Omit<T, RestrictedField<S>> & Partial<Pick<T, Extract<keyof T, RestrictedField<S>>>>;

function rulesOf(subject: Subject): readonly FieldReadRule[] {
  return (FIELD_READ_RULES as Partial<Record<Subject, readonly FieldReadRule[]>>)[subject] ?? [];
}

/** Every rule with its subject, for the ability builder. */
export function fieldReadRules(): Array<FieldReadRule & { subject: Subject }> {
  return (Object.keys(FIELD_READ_RULES) as Subject[]).flatMap((subject) => rulesOf(subject).map((rule) => ({ ...rule, subject })));
}

/** The restricted fields of `subject` this ability may not read (a page leaves them out, an export drops the columns). */
export function withheldFields(subject: Subject, ability: AppAbility): string[] {
  return rulesOf(subject).flatMap((rule) => rule.fields.filter((field) => !ability.can('read', subject, field)));
}

/**
 * The record without the fields this ability may not read: absent, not blanked, so the reader
 * does not learn whether there was a value. A subject without rules comes back as it was.
 */
export function redactFields<S extends Subject, T extends object>(subject: S, record: T, ability: AppAbility): Redacted<T, S> {
  const withheld = withheldFields(subject, ability);
  if (withheld.length === 0) return record as Redacted<T, S>;
  const copy = { ...record } as Record<string, unknown>;
  for (const field of withheld) delete copy[field];
  return copy as Redacted<T, S>;
}
