import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { projectRoot } from '../paths';

/**
 * The anchors' witness outside the database: an append-only file with one JSON line per anchor
 * (`AUDIT_WITNESS_FILE`, default `DATA_DIR/audit-witness.jsonl`). A database superuser who deletes
 * or rewrites anchors cannot reach it; the verifier compares every line with the database. Point
 * it at storage the database host cannot write (a mounted share, a WORM bucket's sync folder) and
 * share one file between instances; see docs/ARCHITECTURE.md "Audit trail".
 */
export interface WitnessLine {
  anchor: number;
  createdAt: string;
  fromXid: string;
  toXid: string;
  eventCount: number;
  hash: string;
  keyId: string;
  signature: string;
}

let configured: string | undefined;

export function setWitnessFile(file: string | undefined): void {
  configured = file;
}

export function witnessFile(): string {
  if (configured) return configured;
  if (process.env.AUDIT_WITNESS_FILE) return path.resolve(projectRoot, process.env.AUDIT_WITNESS_FILE);
  return path.join(path.resolve(projectRoot, process.env.DATA_DIR || './data'), 'audit-witness.jsonl');
}

/** Appends one line and flushes it to disk before returning. */
export function appendWitness(line: WitnessLine): void {
  const file = witnessFile();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, 'a', 0o640);
  try {
    fs.writeSync(fd, `${JSON.stringify(line)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Every line of the witness, read as a stream (the file grows by a line a minute for years); a
 * line that does not parse comes as `{ error }` with its number.
 */
export async function* readWitness(): AsyncGenerator<{ line: number; entry?: WitnessLine; error?: string }> {
  const file = witnessFile();
  if (!fs.existsSync(file)) return;
  const lines = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let n = 0;
  for await (const text of lines) {
    n++;
    if (!text.trim()) continue;
    try {
      const entry = JSON.parse(text) as WitnessLine;
      if (typeof entry.anchor !== 'number' || typeof entry.hash !== 'string') throw new Error('not an anchor line');
      yield { line: n, entry };
    } catch (err) {
      yield { line: n, error: (err as Error).message };
    }
  }
}

let mailRecipients: string[] | undefined;

/** Auditors who also receive each anchor by e-mail (`AUDIT_WITNESS_EMAIL`, comma-separated); none by default. */
export function setWitnessMail(recipients: string[] | undefined): void {
  mailRecipients = recipients;
}

export function witnessMail(): string[] {
  if (mailRecipients) return mailRecipients;
  return (process.env.AUDIT_WITNESS_EMAIL ?? '').split(',').map((a) => a.trim()).filter(Boolean);
}
