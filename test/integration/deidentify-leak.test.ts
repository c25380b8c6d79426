import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE } from '../../src/config/default-profile.js';
import { REPORT_FILE } from '../../src/deidentify/deidentify-files.js';
import { SentinelError } from '../../src/errors.js';
import { compileProfile } from '../../src/extract/compiled-profile.js';
import { extractEffects } from '../../src/extract/extract-message.js';
import type { Hl7Message } from '../../src/hl7/message.js';
import { parseMessage } from '../../src/hl7/parse.js';
import type { DeidentifyReport } from '../../src/deidentify/report.js';
import { writeFeed } from '../../src/generate/write-feed.js';
import { CORPUS_DIR } from '../support/corpus.js';
import { deidentify, readInput, readOutput } from '../support/deidentify-run.js';
import { copiedRejects, leaks } from '../support/leak-check.js';

describe.skipIf(!CORPUS_DIR)('when the public HL7 corpus is de-identified', () => {
  const out = mkdtempSync(join(tmpdir(), 'sentinel-deid-corpus-'));
  const inputs = CORPUS_DIR ? readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.hl7')).sort().map((f) => join(CORPUS_DIR as string, f)) : [];
  let report: DeidentifyReport;

  beforeAll(async () => {
    report = await deidentify(inputs, out);
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('writes one file per input and a report', () => {
    expect(inputs).toHaveLength(92);
    expect(readdirSync(out).sort()).toEqual([...inputs.flatMap((f) => [basename(f), `${basename(f)}.timing`]), REPORT_FILE].sort());
    expect(report.files).toHaveLength(92);
  });

  it('reports every message it could not parse, with its code, and copies none of its bytes', () => {
    const rejected = inputs.reduce((n, f) => n + readInput(f).rejected.length, 0);
    expect(rejected).toBeGreaterThan(0);
    expect(Object.values(report.messages.rejected).reduce((a, b) => a + (b ?? 0), 0)).toBe(rejected);
    expect(copiedRejects(inputs, out)).toEqual([]);
  });

  it('leaves no identifying value of any input anywhere in the output', () => {
    expect(leaks(inputs, out)).toEqual([]);
  });

  it('gives the product messages it reads as it read the originals: accepted, or rejected with the same code', () => {
    const profile = compileProfile(DEFAULT_PROFILE);
    const outcome = (msg: Hl7Message): string => {
      try {
        extractEffects(msg, profile, '2025-06-01T00:00:00.000Z');
        return 'accepted';
      } catch (err) {
        if (err instanceof SentinelError) return err.code;
        throw err;
      }
    };
    for (const input of inputs) {
      // the copy is in shifted-time order (src/deidentify/message-order.ts): the same outcomes, in its order
      const before = readInput(input).accepted.map(outcome).sort();
      const after = readOutput(join(out, basename(input))).map((t) => outcome(parseMessage(t))).sort();
      expect(after, basename(input)).toEqual(before);
    }
  });

  it('would see the values if they were there: the inputs themselves leak', () => {
    const original = join(out, 'original');
    mkdirSync(original);
    // the accepted messages as they came, in the layout of de-identified output
    for (const f of inputs) writeFileSync(join(original, basename(f)), readInput(f).accepted.map((m) => `${m.text}\r\n`).join(''));
    writeFileSync(join(original, REPORT_FILE), JSON.stringify(report));
    const found = leaks(inputs, original);
    for (const kind of ['name', 'identifier', 'address', 'telecom', 'birthDate']) expect(found.some((l) => l.kind === kind)).toBe(true);
    rmSync(original, { recursive: true });
  });
});

describe('when a generated feed is de-identified', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-deid-feed-'));
  const input = join(dir, 'feed.hl7');

  beforeAll(async () => {
    await writeFeed(input, { patients: 150, seed: 11 });
    await deidentify([input], join(dir, 'out'));
    await deidentify([input], join(dir, 'safe-harbor'), { safeHarbor: true });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves no identifying value anywhere in the output', () => {
    expect(leaks([input], join(dir, 'out'))).toEqual([]);
  });

  it('leaves none in Safe Harbor mode either', () => {
    expect(leaks([input], join(dir, 'safe-harbor'))).toEqual([]);
  });
});

describe.skipIf(!CORPUS_DIR)('when the public HL7 corpus is de-identified in Safe Harbor mode', () => {
  const out = mkdtempSync(join(tmpdir(), 'sentinel-deid-corpus-sh-'));
  const inputs = CORPUS_DIR ? readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.hl7')).sort().map((f) => join(CORPUS_DIR as string, f)) : [];

  beforeAll(async () => {
    await deidentify(inputs, out, { safeHarbor: true });
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('leaves no identifying value of any input anywhere in the output', () => {
    expect(leaks(inputs, out)).toEqual([]);
    expect(copiedRejects(inputs, out)).toEqual([]);
  });
});
