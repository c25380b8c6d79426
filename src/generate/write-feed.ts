import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { generateFeed, type FeedOptions } from './synthetic-feed.js';

export interface WriteFeedResult {
  /** messages written, duplicate copies included */
  messages: number;
  patients: number;
  usable: number;
  unremarkable: number;
  /** deliberate second copies (same MSH-10) */
  duplicates: number;
  bytes: number;
}

/** Write in chunks of about this many characters: few syscalls, bounded memory. */
const CHUNK = 256 * 1024;

/**
 * Stream a synthetic feed to `path`: each message's segments joined by "\r", each message followed
 * by "\r\n". Honours back-pressure (waits for 'drain'); never holds the whole feed in memory.
 */
export async function writeFeed(path: string, opts: FeedOptions): Promise<WriteFeedResult> {
  const out = createWriteStream(path, { encoding: 'utf8', highWaterMark: CHUNK });
  let failure: Error | undefined;
  out.on('error', (err) => {
    failure = err;
  });
  const result: WriteFeedResult = { messages: 0, patients: opts.patients, usable: 0, unremarkable: 0, duplicates: 0, bytes: 0 };
  let chunk = '';
  try {
    for (const m of generateFeed(opts)) {
      chunk += `${m.text}\r\n`;
      result.messages += 1;
      if (m.category === 'usable') result.usable += 1;
      else result.unremarkable += 1;
      if (m.duplicate) result.duplicates += 1;
      if (chunk.length >= CHUNK) {
        await write(chunk);
        chunk = '';
      }
    }
    if (chunk.length > 0) await write(chunk);
    out.end();
    await once(out, 'finish');
  } catch (err) {
    out.destroy();
    throw failure ?? err;
  }
  if (failure) throw failure;
  return result;

  async function write(text: string): Promise<void> {
    if (failure) throw failure;
    result.bytes += Buffer.byteLength(text, 'utf8');
    // once() rejects if the stream errors while we wait.
    if (!out.write(text)) await once(out, 'drain');
    if (failure) throw failure;
  }
}
