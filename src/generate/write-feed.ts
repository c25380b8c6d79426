import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { generateFeed, type AnyFeedOptions } from './synthetic-feed.js';

export interface WriteFeedResult {
  /** messages written, duplicate copies included */
  messages: number;
  patients: number;
  /** messages carrying something the default profile reads (codes, DG1, report text, merges) */
  usable: number;
  /** routine traffic the profile cannot use */
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
 * `{ patients, seed, variant: 'held-out' }` writes the held-out feed; `{ shape: 'cbc-heavy',
 * messages, patients, seed }` the benchmark's CBC feed.
 */
export async function writeFeed(path: string, opts: AnyFeedOptions): Promise<WriteFeedResult> {
  const messages = generateFeed(opts); // validates opts before the file is created
  // A high-water mark of several chunks lets generation continue while the previous chunks are written.
  const out = createWriteStream(path, { highWaterMark: 8 * CHUNK });
  let failure: Error | undefined;
  out.on('error', (err) => {
    failure = err;
  });
  const result: WriteFeedResult = { messages: 0, patients: opts.patients, usable: 0, unremarkable: 0, duplicates: 0, bytes: 0 };
  const write = async (parts: string[]): Promise<void> => {
    if (failure) throw failure;
    // once() rejects if the stream errors while we wait.
    if (!out.write(parts.join(''), 'utf8')) await once(out, 'drain');
    if (failure) throw failure;
  };
  try {
    let parts: string[] = [];
    let size = 0;
    for (const m of messages) {
      parts.push(m.text, '\r\n');
      size += m.text.length + 2;
      result.messages += 1;
      if (m.category === 'usable') result.usable += 1;
      else result.unremarkable += 1;
      if (m.duplicate) result.duplicates += 1;
      if (size >= CHUNK) {
        await write(parts);
        parts = [];
        size = 0;
      }
    }
    if (parts.length > 0) await write(parts);
    out.end();
    await once(out, 'finish');
  } catch (err) {
    out.destroy();
    throw failure ?? err;
  }
  if (failure) throw failure;
  result.bytes = out.bytesWritten;
  return result;
}
