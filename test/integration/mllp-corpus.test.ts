import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE } from '../../src/config/default-profile.js';
import { pipelineMllpHandler } from '../../src/consumers/mllp-handler.js';
import { MllpListener } from '../../src/consumers/mllp.consumer.js';
import { Hl7Splitter } from '../../src/hl7/split.js';
import { startEmbedded, type Embedded } from '../../src/app/embedded.js';
import { CORPUS_DIR, corpusManifest } from '../support/corpus.js';
import { MllpClient } from '../../testkit/mllp.js';

/**
 * The public corpus over MLLP: every message of every file, one frame each (what an interface
 * engine would send), is answered — AA or AR with a code — and the listener never drops the
 * connection or crashes. Valid files are acknowledged AA throughout.
 *
 * Some corpus messages ask for no acknowledgement (enhanced mode, MSH-15 = NE/ER/SU), which the
 * listener honours; here every message that names MSH-15 asks for all of them (AL), so that each
 * frame must be answered. Enhanced mode answers CA/CE/CR, read as AA/AE/AR.
 */
const ORIGINAL_MODE: Record<string, string> = { CA: 'AA', CE: 'AE', CR: 'AR' };

function askForEveryAck(text: string): string {
  const [msh = '', ...rest] = text.split('\r');
  const sep = msh.charAt(3);
  const fields = msh.split(sep);
  if (!msh.startsWith('MSH') || sep === '' || fields.length < 15 || fields[14] === '') return text;
  fields[14] = 'AL';
  return [fields.join(sep), ...rest].join('\r');
}
describe.skipIf(!CORPUS_DIR)('when the public HL7 corpus is sent over MLLP', () => {
  const log = pino({ level: 'silent' });
  let dir: string;
  let app: Embedded;
  let listener: MllpListener;
  let port: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sentinel-mllp-corpus-'));
    app = startEmbedded({ dbPath: join(dir, 'state.db'), profile: DEFAULT_PROFILE, log });
    listener = new MllpListener({ port: 0, maxFrameBytes: 1024 * 1024 }, pipelineMllpHandler(app.pipeline, app.db), log);
    ({ port } = await listener.start());
  });
  afterAll(async () => {
    await listener?.stop();
    await app?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(corpusManifest())('answers every frame of $file ($expect)', async (entry) => {
    const splitter = new Hl7Splitter();
    const items = [...splitter.push(readFileSync(`${CORPUS_DIR}/${entry.file}`)), ...splitter.end()];
    const client = await MllpClient.connect({ port });
    try {
      const codes: string[] = [];
      for (const item of items) {
        const frame = item.kind === 'message' ? Buffer.from(askForEveryAck(item.text), 'utf8') : item.bytes;
        const { ackCode } = await client.send(frame);
        codes.push(ORIGINAL_MODE[ackCode] ?? ackCode);
      }
      for (const code of codes) expect(['AA', 'AR']).toContain(code);
      if (entry.expect === 'VALID') expect(codes.every((c) => c === 'AA')).toBe(true);
      else if (!entry.recoverable) expect(codes).toContain('AR');
    } finally {
      await client.close();
    }
  });
});
