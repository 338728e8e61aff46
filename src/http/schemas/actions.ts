/** Shared zod shapes of corrective actions: the register's filters (the actions feature and the Excel report) and the action as answered. */
import { ACTION_STATUSES, ACTION_TYPES } from '../../domain/actions';
import { CONTACT_CHANNELS } from '../../domain/entries';
import type { ActionInput } from '../../commands/actions';
import { boundToInstant, instantOrDate } from '../../lib/dates';
import { limitSchema } from '../../lib/pagination';
import { z } from '../../lib/zod';

const flag = z.enum(['true', 'false']).optional().transform((v) => (v === undefined ? undefined : v === 'true'));
const statusList = z
  .string()
  .optional()
  .transform((v) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined))
  .pipe(z.array(z.enum(ACTION_STATUSES)).optional());

/** The register's filters (API and page). */
export const ActionsQuery = z
  .object({
    type: z.enum(ACTION_TYPES).optional(),
    status: statusList.openapi({ description: 'Comma-separated statuses', type: 'string' }),
    department: z.string().trim().max(100).optional().openapi({ description: "The owner department's id or code" }),
    overdue: flag.openapi({ type: 'string', enum: ['true', 'false'] }),
    supplier: z.string().trim().max(200).optional().openapi({ description: "Part of the supplier's name or reference" }),
    q: z.string().trim().max(200).optional().openapi({ description: 'Part of the description, or a complaint reference' }),
    limit: limitSchema,
    cursor: z.string().max(500).optional(),
  })
  .strict();
export type ActionsQueryInput = z.output<typeof ActionsQuery>;

const Person = z.object({ id: z.string().uuid(), name: z.string() }).nullable();
export const ActionSchema = z
  .object({
    id: z.string().uuid(),
    type: z.enum(ACTION_TYPES),
    description: z.string(),
    ownerDepartment: z.object({ id: z.string().uuid(), code: z.string(), name: z.string() }),
    owner: Person,
    dueAt: z.string(),
    status: z.enum(ACTION_STATUSES),
    overdue: z.boolean(),
    effective: z.boolean().nullable(),
    verifiedBy: Person,
    verifiedAt: z.string().nullable(),
    supplier: z.object({ name: z.string(), ref: z.string().nullable(), countermeasureDoneAt: z.string().nullable(), longTermDueAt: z.string().nullable() }).nullable(),
    openedOn: z.object({ id: z.string().uuid(), reference: z.string() }),
    complaints: z.array(z.object({ id: z.string().uuid(), reference: z.string(), status: z.string(), linkedAt: z.string() })).openapi({ description: 'Every complaint the action answers' }),
    createdBy: Person,
    createdAt: z.string(),
    version: z.number().int(),
  })
  .openapi('Action');

export const ContactSchema = z
  .object({
    id: z.string().uuid(),
    actionId: z.string().uuid(),
    complaint: z.object({ id: z.string().uuid(), reference: z.string() }),
    contactedAt: z.string(),
    via: z.enum(CONTACT_CHANNELS),
    note: z.string(),
    contactedBy: Person,
    createdAt: z.string(),
  })
  .openapi('ActionContact');


const optionalText = (max: number) => z.string().trim().max(max).nullable().optional().transform((v) => v || null);

const SupplierBody = z
  .object({
    name: z.string().trim().min(1).max(200).openapi({ description: 'Nhà cung cấp' }),
    ref: optionalText(200).openapi({ description: "The supplier's own reference for the fix" }),
    countermeasureDoneAt: instantOrDate.nullable().optional().openapi({ description: 'When the temporary countermeasure was done' }),
    longTermDueAt: instantOrDate.nullable().optional().openapi({ description: 'When the long-term fix is due' }),
  })
  .strict();

/** API.md: `{type, description, ownerDepartment, ownerId?, dueAt, supplier?}`; `supplier` is the supplier's name or `{name, ref?, countermeasureDoneAt?, longTermDueAt?}`. */
export const CreateActionBody = z
  .object({
    type: z.enum(ACTION_TYPES).openapi({ description: 'containment (biện pháp tạm thời), corrective, preventive, supplier_long_term' }),
    description: z.string().trim().min(1).max(5000),
    ownerDepartment: z.string().trim().min(1).max(100).openapi({ description: "The owner department's id or code" }),
    ownerId: z.string().uuid().nullable().optional().openapi({ description: 'The owner (an active user)' }),
    dueAt: instantOrDate.openapi({ description: 'Due time; a date means the end of that day in the organisation zone', example: '2026-12-15' }),
    supplier: z
      .union([z.string().trim().min(1).max(200).transform((name) => ({ name })), SupplierBody])
      .nullable()
      .optional()
      .openapi({ description: "Required for supplier_long_term: the supplier's name, or its name, reference, countermeasure and long-term due times" }),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.type === 'supplier_long_term' && !v.supplier)
      ctx.addIssue({ code: 'custom', path: ['supplier'], message: "A supplier's long-term fix names the supplier.", params: { key: 'actions.errors.supplierRequired' } });
  })
  .openapi('CreateAction');
export type CreateActionInput = z.output<typeof CreateActionBody>;

/** The API's body as the command's input (the solution's `actions` items too): a date is the end of that day in the organisation's zone. */
export function actionInput(body: CreateActionInput, zone: string): ActionInput {
  const at = (v: string | null | undefined) => (v ? boundToInstant(v, zone, 'end') : null);
  const supplier = body.supplier as { name: string; ref?: string | null; countermeasureDoneAt?: string | null; longTermDueAt?: string | null } | null | undefined;
  return {
    type: body.type,
    description: body.description,
    ownerDepartment: body.ownerDepartment,
    ownerId: body.ownerId ?? null,
    dueAt: boundToInstant(body.dueAt, zone, 'end'),
    supplier: supplier ? { name: supplier.name, ref: supplier.ref ?? null, countermeasureDoneAt: at(supplier.countermeasureDoneAt), longTermDueAt: at(supplier.longTermDueAt) } : null,
  };
}
