import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SentinelError } from '../errors.js';
import { Hl7Splitter, type SplitItem } from '../hl7/split.js';

/**
 * Files the tools write beside feeds, never read as a feed when a directory is expanded: a
 * de-identified copy's timing sidecars and report, a timed replay's journal. Named on the
 * command line, a file is read whatever its name.
 */
const NOT_FEEDS = /(?:\.timing|\.replay-journal|^deidentify-report\.json)$/;

/** Expands files and directories (recursively, sorted by name) into the files to read, in order. */
export async function expandInputs(inputs: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const input of inputs) {
    let info;
    try {
      info = await stat(input);
    } catch {
      throw new SentinelError('INPUT_UNREADABLE', `cannot read ${input}: no such file or directory`);
    }
    if (info.isDirectory()) {
      const entries = (await readdir(input)).sort();
      files.push(...(await expandInputs(entries.filter((e) => !e.startsWith('.') && !NOT_FEEDS.test(e)).map((e) => join(input, e)))));
    } else {
      files.push(input);
    }
  }
  return files;
}

export interface FileItem { item: SplitItem; origin: string; file: string; bytesRead: number }

/**
 * Streams the messages of one file in arrival (file) order, a read chunk's worth at a time
 * (one await per chunk, not per message). Memory stays bounded whatever the file size.
 */
export async function* readHl7File(path: string, maxMessageBytes?: number): AsyncGenerator<FileItem[]> {
  const splitter = new Hl7Splitter(maxMessageBytes);
  let n = 0;
  let bytesRead = 0;
  let stream;
  try {
    stream = createReadStream(path, { highWaterMark: 256 * 1024 });
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytesRead += chunk.length;
      yield splitter.push(chunk).map((item) => ({ item, origin: `file:${path}#${++n}`, file: path, bytesRead }));
    }
  } catch (err) {
    if (err instanceof SentinelError) throw err;
    throw new SentinelError('INPUT_UNREADABLE', `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  yield splitter.end().map((item) => ({ item, origin: `file:${path}#${++n}`, file: path, bytesRead }));
}
