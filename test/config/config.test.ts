import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';
import { installAuditKeys } from '../../src/audit/install';
import { auditKeyring, generateSigningKeyPem, keyringFrom, setAuditKeyring, SIGNING_KEY_FILE } from '../../src/audit/keys';
import { TEST_AUDIT_SIGNING_KEY } from '../support/signingKey';

const production = { NODE_ENV: 'production', SESSION_SECRET: 'a-production-secret-of-length', AUDIT_SIGNING_KEY: TEST_AUDIT_SIGNING_KEY } as const;

describe('loadConfig: demo data and production', () => {
  it('loads demo data by default on the embedded database outside production', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).demo).toBe(true);
    expect(loadConfig({ NODE_ENV: 'development', DATABASE_URL: 'postgres://u@127.0.0.1/db' }).demo).toBe(false);
  });

  it('defaults demo data to off with NODE_ENV=production, also on the embedded database', () => {
    expect(loadConfig({ ...production }).demo).toBe(false);
    expect(loadConfig({ ...production, DEMO: '0' }).demo).toBe(false);
  });

  it('refuses an explicit DEMO=1 with NODE_ENV=production, with a message saying why', () => {
    for (const DEMO of ['1', 'true', 'yes']) {
      expect(() => loadConfig({ ...production, DEMO })).toThrow(ConfigError);
      expect(() => loadConfig({ ...production, DEMO })).toThrow(/DEMO: demo data creates nine accounts with a published password/);
    }
  });
});

describe('ARCHIVE_AFTER_DAYS', () => {
  it('defaults to 30 days, reads a whole number of days and refuses anything else naming the variable', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).archiveAfterDays).toBe(30);
    expect(loadConfig({ NODE_ENV: 'development', ARCHIVE_AFTER_DAYS: '0' }).archiveAfterDays).toBe(0);
    expect(loadConfig({ NODE_ENV: 'development', ARCHIVE_AFTER_DAYS: '45' }).archiveAfterDays).toBe(45);
    for (const bad of ['-1', '2.5', 'ba mươi', '99999']) expect(() => loadConfig({ NODE_ENV: 'development', ARCHIVE_AFTER_DAYS: bad })).toThrow(/ARCHIVE_AFTER_DAYS/);
  });
});

describe('JOBS and PUBLIC_URL', () => {
  it('runs the schedule unless JOBS=off (empty is the default), and refuses anything else naming the variable', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).jobs).toBe(true);
    expect(loadConfig({ NODE_ENV: 'development', JOBS: '' }).jobs).toBe(true);
    for (const off of ['off', '0', 'false', 'no']) expect(loadConfig({ NODE_ENV: 'development', JOBS: off }).jobs).toBe(false);
    expect(() => loadConfig({ NODE_ENV: 'development', JOBS: 'sometimes' })).toThrow(/JOBS/);
  });

  it('links e-mails to PUBLIC_URL without its trailing slash, by default to this instance’s port, and refuses what is not a URL', () => {
    expect(loadConfig({ NODE_ENV: 'development', PORT: '4100' }).publicUrl).toBe('http://localhost:4100');
    expect(loadConfig({ NODE_ENV: 'development', PUBLIC_URL: 'https://casebook.example.vn/' }).publicUrl).toBe('https://casebook.example.vn');
    expect(loadConfig({ NODE_ENV: 'development', PUBLIC_URL: '' }).publicUrl).toBe('http://localhost:3000');
    expect(() => loadConfig({ NODE_ENV: 'development', PUBLIC_URL: 'casebook dot vn' })).toThrow(/PUBLIC_URL/);
  });
});

describe('the audit signing key', () => {
  afterEach(() => setAuditKeyring(undefined));

  it('is required in production, with a message saying how to make one', () => {
    const { AUDIT_SIGNING_KEY: _key, ...withoutKey } = production;
    expect(() => loadConfig(withoutKey)).toThrow(/AUDIT_SIGNING_KEY: required in production.*audit:keygen/s);
  });

  it('reads the auditors who receive each anchor by e-mail, and refuses what is not an address', () => {
    expect(loadConfig({ NODE_ENV: 'development', AUDIT_WITNESS_EMAIL: ' kiemtoan@example.vn, auditor@example.com ,' }).auditWitnessEmail).toEqual([
      'kiemtoan@example.vn',
      'auditor@example.com',
    ]);
    expect(loadConfig({ NODE_ENV: 'development' }).auditWitnessEmail).toEqual([]);
    expect(() => loadConfig({ NODE_ENV: 'development', AUDIT_WITNESS_EMAIL: 'kiemtoan@example.vn, not-an-address' })).toThrow(/AUDIT_WITNESS_EMAIL: not an e-mail address: "not-an-address"/);
  });

  it('refuses a key that is not an Ed25519 private key as a configuration error', () => {
    const config = loadConfig({ NODE_ENV: 'development', AUDIT_SIGNING_KEY: 'bm90IGEga2V5' });
    expect(() => installAuditKeys(config)).toThrow(ConfigError);
    expect(() => installAuditKeys(config)).toThrow(/AUDIT_SIGNING_KEY: not a PKCS#8 private key/);
  });

  it('is generated once into DATA_DIR (mode 0600) when none is given, and reused', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'casebook-keys-'));
    try {
      installAuditKeys(loadConfig({ NODE_ENV: 'development', DATA_DIR: dataDir }));
      const first = auditKeyring().keyId;
      const file = path.join(dataDir, SIGNING_KEY_FILE);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      installAuditKeys(loadConfig({ NODE_ENV: 'development', DATA_DIR: dataDir }));
      expect(auditKeyring().keyId).toBe(first);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('trusts earlier public keys after a rotation, and only those', () => {
    const old = keyringFrom(TEST_AUDIT_SIGNING_KEY);
    const signed = old.sign('message');
    const config = loadConfig({ NODE_ENV: 'development', AUDIT_SIGNING_KEY: generateSigningKeyPem(), AUDIT_TRUSTED_KEYS: ` ${old.publicKey} ,` });
    expect(config.auditTrustedKeys).toEqual([old.publicKey]);
    installAuditKeys(config);
    const rotated = auditKeyring();
    expect(rotated.keyId).not.toBe(old.keyId);
    expect(rotated.verify(old.keyId, 'message', signed)).toBe(true);
    expect(rotated.verify(old.keyId, 'other message', signed)).toBe(false);
    expect(rotated.trusted().map((k) => [k.keyId, k.current])).toEqual([[rotated.keyId, true], [old.keyId, false]]);
    expect(keyringFrom(generateSigningKeyPem()).verify(old.keyId, 'message', signed)).toBe(false);
  });
});
