/** The nine role keys of PRODUCT.md. A user holds one or more. */
export const ROLE_KEYS = [
  'intake',
  'quality',
  'dept_head',
  'cs_director',
  'ceo',
  'admin_officer',
  'legal',
  'auditor',
  'sysadmin',
] as const;

export type RoleKey = (typeof ROLE_KEYS)[number];

export function isRoleKey(value: string): value is RoleKey {
  return (ROLE_KEYS as readonly string[]).includes(value);
}
