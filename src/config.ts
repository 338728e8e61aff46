import path from 'node:path';
import { z } from 'zod';
import { projectRoot } from './paths';

const boolish = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off', ''])
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.string().url().optional().or(z.literal('').transform(() => undefined)),
  DATA_DIR: z.string().default('./data'),
  DEMO: boolish.optional(),
  ORG_TIMEZONE: z.string().default('Asia/Ho_Chi_Minh'),
  SESSION_SECRET: z.string().min(16).optional(),
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().optional(),
  // Empty (as .env.example leaves it) means the default, on.
  OUTBOX_WORKER: z.union([z.literal('').transform(() => undefined), boolish]).optional(),
  // Empty means the default, on.
  JOBS: z.union([z.literal('').transform(() => undefined), boolish]).optional(),
  PUBLIC_URL: z.union([z.literal('').transform(() => undefined), z.string().url()]).optional(),
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly']).default('info'),
  MAX_UPLOAD_MB: z.coerce.number().positive().max(1024).default(25),
  ARCHIVE_AFTER_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
  DB_POOL_MAX: z.coerce.number().int().positive().max(200).default(10),
  TRUST_PROXY: z.string().optional(),
  SESSION_TTL_HOURS: z.coerce.number().positive().default(12),
  API_TOKEN_TTL_HOURS: z.coerce.number().positive().default(24 * 30),
  SECURE_COOKIES: boolish.optional(),
  AUDIT_SIGNING_KEY: z.string().optional(),
  AUDIT_TRUSTED_KEYS: z.string().optional(),
  AUDIT_WITNESS_FILE: z.string().optional(),
  AUDIT_WITNESS_EMAIL: z.string().optional(),
});

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  /** Unset: the embedded PGlite database in `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  demo: boolean;
  timezone: string;
  sessionSecret: string;
  smtpUrl: string | undefined;
  /** The From of every e-mail the outbox sends, `Name <address>`. */
  mailFrom: string;
  /** The outbox delivery worker runs in this instance (OUTBOX_WORKER=off disables it). */
  outboxWorker: boolean;
  /** The scheduled jobs run in this instance (JOBS=off disables the schedule; `job:run` still works). */
  jobs: boolean;
  /** Where people reach this instance, for links in e-mails (PUBLIC_URL; default http://localhost:PORT), without a trailing slash. */
  publicUrl: string;
  logLevel: string;
  maxUploadBytes: number;
  /** Days after closure the archive-sealing job seals a closed case (ARCHIVE_AFTER_DAYS, default 30: the survey link has expired by then). */
  archiveAfterDays: number;
  dbPoolMax: number;
  trustProxy: string | undefined;
  sessionTtlMs: number;
  apiTokenTtlMs: number;
  secureCookies: boolean;
  /** The audit trail's Ed25519 private key (PEM or base64 DER); unset: generated into DATA_DIR outside production. */
  auditSigningKey: string | undefined;
  /** Earlier public keys still trusted after a rotation (base64, raw 32 bytes). */
  auditTrustedKeys: string[];
  /** The anchors' append-only witness file outside the database. */
  auditWitnessFile: string;
  /** Auditors who also receive each anchor by e-mail, through the outbox. */
  auditWitnessEmail: string[];
}

export class ConfigError extends Error {}

/** Reads the environment once, validates it and returns a typed config; throws ConfigError listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (!isValidZone(e.ORG_TIMEZONE)) throw new ConfigError(`Invalid configuration:\n  ORG_TIMEZONE: unknown time zone "${e.ORG_TIMEZONE}"`);
  const embedded = !e.DATABASE_URL;
  if (e.NODE_ENV === 'production' && e.DEMO === true) {
    throw new ConfigError(
      'Invalid configuration:\n  DEMO: demo data creates nine accounts with a published password and is refused with NODE_ENV=production.\n' +
        '  Unset DEMO (or set DEMO=0), and create the first user with `npm run cli -- user:create`.',
    );
  }
  if (e.NODE_ENV === 'production' && !e.AUDIT_SIGNING_KEY) {
    throw new ConfigError(
      'Invalid configuration:\n  AUDIT_SIGNING_KEY: required in production: every instance signs the audit trail with it (generate one with `npm run cli -- audit:keygen`)',
    );
  }
  if (e.NODE_ENV === 'production' && !e.SESSION_SECRET) {
    throw new ConfigError('Invalid configuration:\n  SESSION_SECRET: required in production (at least 16 characters)');
  }
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(projectRoot, e.DATA_DIR),
    // Demo data by default only on the embedded database outside production.
    demo: e.DEMO ?? (embedded && e.NODE_ENV !== 'production'),
    timezone: e.ORG_TIMEZONE,
    // Outside production a fixed development secret keeps sessions valid across restarts.
    sessionSecret: e.SESSION_SECRET ?? 'casebook-development-secret-not-for-production',
    smtpUrl: checkSmtpUrl(e.SMTP_URL),
    mailFrom: checkMailFrom(e.MAIL_FROM || DEFAULT_MAIL_FROM),
    outboxWorker: e.OUTBOX_WORKER ?? true,
    jobs: e.JOBS ?? true,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    logLevel: e.LOG_LEVEL,
    maxUploadBytes: Math.round(e.MAX_UPLOAD_MB * 1024 * 1024),
    archiveAfterDays: e.ARCHIVE_AFTER_DAYS,
    dbPoolMax: e.DB_POOL_MAX,
    trustProxy: e.TRUST_PROXY,
    sessionTtlMs: e.SESSION_TTL_HOURS * 3600_000,
    apiTokenTtlMs: e.API_TOKEN_TTL_HOURS * 3600_000,
    secureCookies: e.SECURE_COOKIES ?? e.NODE_ENV === 'production',
    auditSigningKey: e.AUDIT_SIGNING_KEY || undefined,
    auditTrustedKeys: (e.AUDIT_TRUSTED_KEYS ?? '').split(',').map((k) => k.trim()).filter(Boolean),
    auditWitnessFile: e.AUDIT_WITNESS_FILE
      ? path.resolve(projectRoot, e.AUDIT_WITNESS_FILE)
      : path.join(path.resolve(projectRoot, e.DATA_DIR), 'audit-witness.jsonl'),
    auditWitnessEmail: checkWitnessEmail(e.AUDIT_WITNESS_EMAIL),
  };
}

export const DEFAULT_MAIL_FROM = 'Casebook <no-reply@casebook.local>';

/** SMTP_URL is `smtp://[user:pass@]host[:port]` or `smtps://…`; empty means "write .eml files". */
function checkSmtpUrl(value: string | undefined): string | undefined {
  if (!value) return undefined;
  let protocol: string | undefined;
  try {
    protocol = new URL(value).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol !== 'smtp:' && protocol !== 'smtps:') {
    throw new ConfigError('Invalid configuration:\n  SMTP_URL: expected smtp://host:port or smtps://user:password@host:port');
  }
  return value;
}

/** MAIL_FROM must name one address (`Casebook <no-reply@example.vn>` or a bare address). */
function checkMailFrom(value: string): string {
  const address = /<([^<>\s]+)>\s*$/.exec(value)?.[1] ?? value.trim();
  if (!/^[^\s@<>"]+@[^\s@<>"]+$/.test(address) || /[\r\n]/.test(value)) {
    throw new ConfigError(`Invalid configuration:\n  MAIL_FROM: not an e-mail address: "${value}" (e.g. Casebook <no-reply@example.vn>)`);
  }
  return value.trim();
}

/** AUDIT_WITNESS_EMAIL: bare addresses, comma-separated. */
function checkWitnessEmail(value: string | undefined): string[] {
  const addresses = (value ?? '').split(',').map((a) => a.trim()).filter(Boolean);
  const bad = addresses.filter((a) => !/^[^\s@<>",]+@[^\s@<>",]+$/.test(a));
  if (bad.length) throw new ConfigError(`Invalid configuration:\n  AUDIT_WITNESS_EMAIL: not an e-mail address: ${bad.map((b) => `"${b}"`).join(', ')}`);
  return addresses;
}

function isValidZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
