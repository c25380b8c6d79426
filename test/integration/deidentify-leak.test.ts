import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
import { findIn, identifyingValues, keptByDesign, scanText, type ScannedText } from '../support/leak-scan.js';

interface Leak { file: string; field: string; kind: string; found: string }

/**
 * Every identifying value of an input, in every variant, against every byte of that input's
 * output file and of the report: any hit is a leak. A file is one feed; the corpus files are
 * unrelated feeds, where one file's test patient "Test Male" is another file's code text. Birth
 * dates are low in entropy (another patient's shifted birth date may be this one's true one),
 * so they are checked message by message: a message's birth date must not appear in its own
 * de-identified copy.
 */
function leaks(inputs: string[], outDir: string): Leak[] {
  // The report's own words are not scanned: the file names it lists are the operator's, and its
  // error codes (HL7_NO_MSH) and field names (PID-5) are vocabulary; its timings vary by run.
  // Its counts are scanned.
  const report = JSON.parse(readFileSync(join(outDir, REPORT_FILE), 'utf8')) as DeidentifyReport;
  const vocabulary = new RegExp(`"[^"]*"`, 'g');
  const reportText = JSON.stringify({ ...report, seconds: 0, messagesPerSecond: 0 }).replace(vocabulary, '');
  const out: Leak[] = [];
  for (const input of inputs) {
    const file = basename(input);
    const { accepted } = readInput(input);
    const outputs = readOutput(join(outDir, file));
    expect(outputs).toHaveLength(accepted.length);
    const scan = scanText(`${outputs.join('\n')}\n${reportText}`);
    const kept = scanText(accepted.map(keptByDesign).join(' '));
    const seen = new Set<string>();
    accepted.forEach((msg, i) => {
      let scanOne: ScannedText | undefined;
      for (const value of identifyingValues(msg)) {
        let found: string | null;
        if (value.kind === 'birthDate') {
          found = findIn((scanOne ??= scanText(outputs[i] as string)), value);
        } else {
          // a patient's values recur in all of their messages: each is looked for once
          const key = `${value.kind}|${value.variants.join('|')}`;
          if (seen.has(key)) continue;
          seen.add(key);
          found = findIn(scan, value, kept);
        }
        if (found !== null) out.push({ file, field: value.field, kind: value.kind, found });
      }
    });
  }
  return [...new Map(out.map((l) => [JSON.stringify(l), l])).values()];
}

/** Lines of rejected input (12+ characters) that no accepted message also holds: never in that input's output. */
function copiedRejects(inputs: string[], outDir: string): string[] {
  const copied: string[] = [];
  for (const input of inputs) {
    const everything = readFileSync(join(outDir, basename(input)), 'latin1');
    const { accepted, rejected } = readInput(input);
    const acceptedText = accepted.map((m) => m.text).join('\r');
    for (const r of rejected) for (const line of r.split(/[\r\n]+/)) {
      if (line.trim().length >= 12 && !acceptedText.includes(line) && everything.includes(line)) copied.push(`${basename(input)}: ${line.slice(0, 60)}`);
    }
  }
  return copied;
}

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
    expect(readdirSync(out).sort()).toEqual([...inputs.map((f) => basename(f)), REPORT_FILE].sort());
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
      const before = readInput(input).accepted.map(outcome);
      const after = readOutput(join(out, basename(input))).map((t) => outcome(parseMessage(t)));
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
