import { readFileSync } from 'node:fs';
import pino from 'pino';
import { DEFAULT_PROFILE } from '../../src/config/default-profile.js';
import { deidentifyFiles } from '../../src/deidentify/deidentify-files.js';
import type { DeidentifyReport } from '../../src/deidentify/report.js';
import { SentinelError } from '../../src/errors.js';
import { KeyedHash } from '../../src/deidentify/keyed-hash.js';
import { IdentifierPseudonyms } from '../../src/deidentify/pseudonym.js';
import { component, firstSegment, text, type Hl7Message } from '../../src/hl7/message.js';
import { parseMessage } from '../../src/hl7/parse.js';
import { Hl7Splitter } from '../../src/hl7/split.js';

/** A fixed 32-byte test key (never a real one) and another, for "another key gives others". */
export const TEST_KEY = Buffer.from('deidentify-test-key-0123456789abcdef', 'utf8');
export const OTHER_KEY = Buffer.from('another-test-key-fedcba9876543210!!', 'utf8');

export async function deidentify(inputs: string[], outDir: string, opts: { key?: Buffer; safeHarbor?: boolean } = {}): Promise<DeidentifyReport> {
  return deidentifyFiles({
    inputs,
    outDir,
    key: opts.key ?? TEST_KEY,
    safeHarbor: opts.safeHarbor ?? false,
    identity: DEFAULT_PROFILE.identity,
    log: pino({ level: 'silent' }),
    now: new Date('2025-06-01T00:00:00Z'),
  });
}

/** The input's messages as the product reads them: parsed, or the raw text of what was rejected. */
export function readInput(path: string): { accepted: Hl7Message[]; rejected: string[] } {
  const splitter = new Hl7Splitter();
  const bytes = readFileSync(path);
  const accepted: Hl7Message[] = [];
  const rejected: string[] = [];
  for (const item of [...splitter.push(bytes), ...splitter.end()]) {
    if (item.kind === 'reject') {
      rejected.push(item.bytes.toString('latin1'));
      continue;
    }
    try {
      accepted.push(parseMessage(item.text));
    } catch (err) {
      if (!(err instanceof SentinelError)) throw err;
      rejected.push(item.text);
    }
  }
  return { accepted, rejected };
}

/** The messages of a de-identified file, in order; it must split and parse as HL7 v2 throughout. */
export function readOutput(path: string): string[] {
  if (readFileSync(path).length === 0) return [];
  const { accepted, rejected } = readInput(path);
  if (rejected.length > 0) throw new Error(`${path}: ${rejected.length} unparseable item(s) in de-identified output`);
  return accepted.map((m) => m.text);
}

/**
 * The de-identified copy of each input message, found by its pseudonymised MSH-10 and patient
 * (the copy is in another order than the input: src/deidentify/message-order.ts). Messages that
 * share both (a duplicate) are paired in order: a patient's messages keep their order.
 */
export function pairOutputs(accepted: readonly Hl7Message[], outputs: readonly Hl7Message[], key: Buffer = TEST_KEY): Hl7Message[] {
  const pseudonyms = new IdentifierPseudonyms(new KeyedHash(key));
  const patientId = (m: Hl7Message): string => text(component(firstSegment(m, 'PID')?.get(3) ?? '', 1, m.delimiters), m.delimiters).trim();
  const byKey = new Map<string, Hl7Message[]>();
  for (const m of outputs) {
    const k = `${m.controlId}|${patientId(m)}`;
    byKey.set(k, [...(byKey.get(k) ?? []), m]);
  }
  return accepted.map((m) => {
    const id = patientId(m);
    const k = `${pseudonyms.of(m.controlId)}|${id === '' ? '' : pseudonyms.of(id)}`;
    const found = byKey.get(k)?.shift();
    if (!found) throw new Error(`no de-identified copy of message ${m.controlId}`);
    return found;
  });
}
