import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../paths';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';

/**
 * The audit trail's signing key (docs/ARCHITECTURE.md "Audit trail"). Every event and every anchor
 * is signed with Ed25519 by the application; the database never sees the private key, so a
 * database superuser can write rows but cannot sign them.
 *
 * - `AUDIT_SIGNING_KEY`: the private key, PKCS#8 PEM or its base64 DER on one line. Required in
 *   production (every instance signs with the same key).
 * - Otherwise (development, the embedded database) a key is generated once into
 *   `DATA_DIR/audit-signing-key.pem` (mode 0600) and reused.
 * - `AUDIT_TRUSTED_KEYS`: earlier public keys still trusted after a rotation (base64 of the raw
 *   32-byte key, comma-separated). Verification trusts only these and the current key — never a
 *   key read from the database.
 */
export interface AuditKeyring {
  keyId: string;
  /** Base64 of the raw 32-byte Ed25519 public key: what is published to auditors. */
  publicKey: string;
  sign(message: string): string;
  /** Verifies `signature` (base64) of `message` by the trusted key `keyId`; false for an unknown key. */
  verify(keyId: string, message: string, signature: string): boolean;
  trusted(): Array<{ keyId: string; publicKey: string; current: boolean }>;
}

export class AuditKeyError extends Error {}

export const SIGNING_KEY_FILE = 'audit-signing-key.pem';

/** The raw 32 bytes at the end of an Ed25519 SPKI DER. */
function rawPublicKey(key: KeyObject): Buffer {
  const der = key.export({ format: 'der', type: 'spki' });
  return der.subarray(der.length - 32);
}

/** A key's id: the first 16 hex digits of the SHA-256 of its raw public key. */
export function keyIdOf(rawPublic: Buffer): string {
  return createHash('sha256').update(rawPublic).digest('hex').slice(0, 16);
}

const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

function publicKeyFromRaw(base64: string): KeyObject {
  const raw = Buffer.from(base64.trim(), 'base64');
  if (raw.length !== 32) throw new AuditKeyError(`AUDIT_TRUSTED_KEYS: "${base64}" is not a base64 Ed25519 public key (32 bytes)`);
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: 'der', type: 'spki' });
}

function parsePrivateKey(text: string): KeyObject {
  let key: KeyObject;
  try {
    key = text.includes('-----BEGIN')
      ? createPrivateKey(text)
      : createPrivateKey({ key: Buffer.from(text.trim(), 'base64'), format: 'der', type: 'pkcs8' });
  } catch {
    throw new AuditKeyError('AUDIT_SIGNING_KEY: not a PKCS#8 private key (PEM, or its DER in base64)');
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new AuditKeyError(`AUDIT_SIGNING_KEY: an Ed25519 key is required, not ${key.asymmetricKeyType}`);
  return key;
}

/** A new Ed25519 private key as PKCS#8 PEM (`npm run cli -- audit:keygen`). */
export function generateSigningKeyPem(): string {
  const { privateKey } = generateKeyPairSync('ed25519');
  return privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

export function keyringFrom(privatePemOrDer: string, trustedPublic: readonly string[] = []): AuditKeyring {
  const privateKey = parsePrivateKey(privatePemOrDer);
  const raw = rawPublicKey(createPublicKey(privateKey));
  const keyId = keyIdOf(raw);
  const keys = new Map<string, { key: KeyObject; publicKey: string; current: boolean }>();
  keys.set(keyId, { key: createPublicKey(privateKey), publicKey: raw.toString('base64'), current: true });
  for (const entry of trustedPublic) {
    if (!entry.trim()) continue;
    const key = publicKeyFromRaw(entry);
    const r = rawPublicKey(key);
    const id = keyIdOf(r);
    if (!keys.has(id)) keys.set(id, { key, publicKey: r.toString('base64'), current: false });
  }
  return {
    keyId,
    publicKey: raw.toString('base64'),
    sign: (message) => sign(null, Buffer.from(message, 'utf8'), privateKey).toString('base64'),
    verify(id, message, signature) {
      const k = keys.get(id);
      if (!k || typeof signature !== 'string') return false;
      try {
        return verify(null, Buffer.from(message, 'utf8'), k.key, Buffer.from(signature, 'base64'));
      } catch {
        return false;
      }
    },
    trusted: () => [...keys.entries()].map(([id, k]) => ({ keyId: id, publicKey: k.publicKey, current: k.current })),
  };
}

export interface AuditKeySource {
  signingKey?: string;
  trustedKeys?: readonly string[];
  dataDir: string;
  production: boolean;
}

/** Reads the key from the environment, else from (or newly into) DATA_DIR. */
export function loadKeyring(source: AuditKeySource): AuditKeyring {
  if (source.signingKey) return keyringFrom(source.signingKey, source.trustedKeys);
  if (source.production) throw new AuditKeyError('AUDIT_SIGNING_KEY: required in production (generate one with `npm run cli -- audit:keygen`)');
  const file = path.join(source.dataDir, SIGNING_KEY_FILE);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(source.dataDir, { recursive: true });
    try {
      // wx: two processes starting at once never overwrite each other's key.
      fs.writeFileSync(file, generateSigningKeyPem(), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return keyringFrom(fs.readFileSync(file, 'utf8'), source.trustedKeys);
}

let current: AuditKeyring | undefined;

/** Installs the process's keyring (server start, the CLI, tests). */
export function setAuditKeyring(keyring: AuditKeyring | undefined): void {
  current = keyring;
}

/**
 * The process's keyring. When nothing installed one, it is loaded from the environment
 * (AUDIT_SIGNING_KEY / AUDIT_TRUSTED_KEYS / DATA_DIR) on first use.
 */
export function auditKeyring(): AuditKeyring {
  if (!current) {
    current = loadKeyring({
      signingKey: process.env.AUDIT_SIGNING_KEY || undefined,
      trustedKeys: (process.env.AUDIT_TRUSTED_KEYS ?? '').split(','),
      dataDir: path.resolve(projectRoot, process.env.DATA_DIR || './data'),
      production: process.env.NODE_ENV === 'production',
    });
  }
  return current;
}
