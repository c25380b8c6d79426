import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { expect } from 'vitest';
import { REPORT_FILE } from '../../src/deidentify/deidentify-files.js';
import type { DeidentifyReport } from '../../src/deidentify/report.js';
import { component, type Hl7Message } from '../../src/hl7/message.js';
import { parseMessage } from '../../src/hl7/parse.js';
import { readInput, readOutput } from './deidentify-run.js';
import { findIn, identifyingValues, keptByDesign, scanText, type ScannedText } from './leak-scan.js';

export interface Leak { file: string; field: string; kind: string; found: string }

/**
 * What de-identification keeps of a message, as a key to find its copy without the key: the
 * segments, the message type and MSH-7's time of day (the date shift moves whole days). The
 * copy is in another order than the input (src/deidentify/message-order.ts); messages that look
 * alike share a key, and a birth date is then looked for in all of them (a stricter test).
 */
function skeleton(msg: Hl7Message): string {
  const d = msg.delimiters;
  const msh7 = component(msg.segments[0]?.get(7) ?? '', 1, d).trim();
  return [msg.segments.map((s) => s.id).join(','), msg.type, msg.trigger, msh7.slice(8)].join('|');
}

/**
 * Every identifying value of an input, in every variant, against every byte of that input's
 * output file and of the report: any hit is a leak. A file is one feed; the corpus files are
 * unrelated feeds, where one file's test patient "Test Male" is another file's code text. Birth
 * dates are low in entropy (another patient's shifted birth date may be this one's true one),
 * so they are checked message by message: a message's birth date must not appear in its own
 * de-identified copy (in any copy that looks like it).
 */
export function leaks(inputs: string[], outDir: string, outputName: (input: string) => string = basename): Leak[] {
  // The report's own words are not scanned: the file names it lists are the operator's, and its
  // error codes (HL7_NO_MSH) and field names (PID-5) are vocabulary; its timings vary by run.
  // Its counts are scanned.
  const reportFile = join(outDir, REPORT_FILE);
  const report = existsSync(reportFile) ? (JSON.parse(readFileSync(reportFile, 'utf8')) as DeidentifyReport) : null;
  const vocabulary = new RegExp(`"[^"]*"`, 'g');
  const reportText = report ? JSON.stringify({ ...report, seconds: 0, messagesPerSecond: 0 }).replace(vocabulary, '') : '';
  const out: Leak[] = [];
  for (const input of inputs) {
    const file = outputName(input);
    const { accepted } = readInput(input);
    const outputs = readOutput(join(outDir, file));
    expect(outputs, `${file}: one copy per input message`).toHaveLength(accepted.length);
    const scan = scanText(`${outputs.join('\n')}\n${reportText}`);
    const kept = scanText(accepted.map(keptByDesign).join(' '));
    const alike = new Map<string, string[]>();
    for (const o of outputs) {
      const k = skeleton(parseMessage(o));
      alike.set(k, [...(alike.get(k) ?? []), o]);
    }
    const scannedAlike = new Map<string, ScannedText>();
    const seen = new Set<string>();
    for (const msg of accepted) {
      for (const value of identifyingValues(msg)) {
        let found: string | null;
        if (value.kind === 'birthDate') {
          const k = skeleton(msg);
          let scanOne = scannedAlike.get(k);
          if (scanOne === undefined) scannedAlike.set(k, (scanOne = scanText((alike.get(k) ?? []).join('\n'))));
          found = findIn(scanOne, value);
        } else {
          // a patient's values recur in all of their messages: each is looked for once
          const key = `${value.kind}|${value.variants.join('|')}`;
          if (seen.has(key)) continue;
          seen.add(key);
          found = findIn(scan, value, kept);
        }
        if (found !== null) out.push({ file, field: value.field, kind: value.kind, found });
      }
    }
  }
  return [...new Map(out.map((l) => [JSON.stringify(l), l])).values()];
}

/** Lines of rejected input (12+ characters) that no accepted message also holds: never in that input's output. */
export function copiedRejects(inputs: string[], outDir: string): string[] {
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
