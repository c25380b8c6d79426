import { readFileSync } from 'node:fs';
import { Message } from 'node-hl7-client';
import { describe, expect, it } from 'vitest';
import { component, field, segmentsNamed } from '../../src/hl7/message.js';
import { parseMessage } from '../../src/hl7/parse.js';
import { Hl7Splitter } from '../../src/hl7/split.js';
import { CORPUS_DIR, corpusManifest } from '../support/corpus.js';

/**
 * Differential test: our tokenizer reads the same header and observation codes as
 * node-hl7-client, the reference parser, on every VALID single-message corpus file it parses.
 */
const cases = corpusManifest()
  .filter((e) => e.expect === 'VALID')
  .flatMap((e) => {
    const splitter = new Hl7Splitter();
    const items = [...splitter.push(readFileSync(`${CORPUS_DIR}/${e.file}`)), ...splitter.end()];
    return items.flatMap((item) => (item.kind === 'message' ? [{ file: e.file, text: item.text }] : []));
  })
  .filter(({ text }) => {
    try {
      new Message({ text });
      return true;
    } catch {
      return false; // node-hl7-client refuses some valid messages; nothing to compare there
    }
  });

describe.skipIf(!CORPUS_DIR)('when our parser and node-hl7-client read the same message', () => {
  it('has enough messages to compare', () => {
    expect(cases.length).toBeGreaterThan(40);
  });

  it.each(cases)('$file: MSH-9, MSH-10, MSH-12 and every OBX-3.1 agree', ({ text }) => {
    const ours = parseMessage(text);
    const ref = new Message({ text });
    expect(ours.type).toBe(ref.get('MSH.9.1').toString());
    if (!ours.controlId.startsWith('sha1:')) expect(ours.controlId).toBe(ref.get('MSH.10').toString().trim());
    expect(ours.version).toBe(ref.get('MSH.12.1').toString().trim());
    // node-hl7-client returns the segment itself for one OBX and a list for several; a field's
    // toString() is its first component
    const obxCount = segmentsNamed(ours, 'OBX').length;
    const refCodes: string[] = [];
    if (obxCount === 1) refCodes.push(ref.get('OBX.3.1').toString());
    else if (obxCount > 1) ref.get('OBX').forEach((seg) => refCodes.push(seg.get(3).toString()));
    const ourCodes = segmentsNamed(ours, 'OBX').map((s) => component(field(s, 3), 1, ours.delimiters));
    expect(ourCodes.map((c) => c.replace(/\\[A-Z]\\/g, ''))).toEqual(refCodes.map((c) => c.replace(/\\[A-Z]\\/g, '')));
  });
});
