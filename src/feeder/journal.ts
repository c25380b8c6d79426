import { existsSync } from 'node:fs';
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { SentinelError } from '../errors.js';

/** Lines appended and synced together: a crash loses at most this many ACKs (they are re-sent; the service is idempotent). */
const FLUSH_EVERY = 500;
/** …or whatever was ACKed in the last second, whichever comes first */
const FLUSH_INTERVAL_MS = 1_000;
const FORMAT = 'poems-sentinel-replay-journal';

/** One acknowledged message: where it is in the inputs, which message it was, and the answer. */
export interface JournalEntry {
  file: string;
  index: number;
  controlId: string;
  /** MSA-1 as received (AA, AR, CA, CR: a final answer) */
  code: string;
}

interface Line { f: string; i: number; id: string; a: string }

/**
 * The replay journal: one JSON line per acknowledged message (file, position, MSH-10, ACK code),
 * appended and fsynced in batches, so an interrupted replay can skip what the target already
 * has. File names are kept relative to the journal, so a folder moved with its journal still
 * resumes. The first line names the target: resuming into another one would skip messages that
 * target never received.
 */
export class ReplayJournal {
  private readonly done = new Map<string, Map<number, string>>();
  private readonly names = new Map<string, string>();
  private pending: string[] = [];
  private writing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private failure: unknown;

  private constructor(readonly path: string, private readonly handle: FileHandle) {}

  /** The default journal: next to the first input (`<input>.replay-journal`). */
  static defaultPath(inputs: readonly string[]): string {
    return `${(inputs[0] ?? 'replay').replace(/[\\/]+$/, '')}.replay-journal`;
  }

  /**
   * Opens the journal. Without `resume` it must hold no entries yet (they are an earlier run's
   * progress); with `resume`, its entries are loaded (none when it does not exist) and its target
   * must be this one.
   */
  static async open(path: string, opts: { resume: boolean; target: string }): Promise<ReplayJournal> {
    let lines = existsSync(path) ? await readLines(path) : [];
    if (lines.length > 1 && !opts.resume) {
      throw new SentinelError('USAGE', `the journal ${path} of an earlier replay exists: --resume continues that replay; delete the journal (or give another --journal) to send everything again`);
    }
    // a journal without entries (a run that stopped before any ACK) holds nothing to keep
    if (lines.length <= 1) lines = [];
    let handle: FileHandle;
    try {
      handle = await open(path, lines.length === 0 ? 'w' : 'a');
    } catch (err) {
      throw new SentinelError('INPUT_UNREADABLE', `cannot write the journal ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    const journal = new ReplayJournal(path, handle);
    try {
      if (lines.length === 0) {
        journal.pending.push(JSON.stringify({ format: FORMAT, version: 1, target: opts.target }));
        await journal.flush();
      } else {
        journal.load(lines, opts.target);
      }
    } catch (err) {
      await handle.close();
      throw err;
    }
    return journal;
  }

  /** messages acknowledged in earlier runs */
  get size(): number {
    let n = 0;
    for (const m of this.done.values()) n += m.size;
    return n;
  }

  /** The file as the journal names it (relative to the journal). */
  name(file: string): string {
    let name = this.names.get(file);
    if (name === undefined) {
      name = relative(dirname(resolve(this.path)), resolve(file)).split('\\').join('/');
      this.names.set(file, name);
    }
    return name;
  }

  /** The control id journaled for this position, or undefined when it was not acknowledged. */
  lookup(fileName: string, index: number): string | undefined {
    return this.done.get(fileName)?.get(index);
  }

  /** Every journaled position per file (to check the inputs before sending). */
  entries(): ReadonlyMap<string, ReadonlyMap<number, string>> {
    return this.done;
  }

  /** Records an acknowledged message; written within FLUSH_INTERVAL_MS or FLUSH_EVERY entries. */
  record(entry: JournalEntry): void {
    const line: Line = { f: this.name(entry.file), i: entry.index, id: entry.controlId, a: entry.code };
    this.pending.push(JSON.stringify(line));
    if (this.pending.length >= FLUSH_EVERY) void this.flush().catch(() => undefined);
    else this.timer ??= setTimeout(() => void this.flush().catch(() => undefined), FLUSH_INTERVAL_MS);
  }

  /** Appends and fsyncs what was recorded; resolves once it is on disk. Flushes never overlap. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const text = this.pending.length > 0 ? `${this.pending.join('\n')}\n` : '';
    this.pending = [];
    this.writing = this.writing.then(async () => {
      if (this.failure) throw this.failure;
      if (text === '') return;
      try {
        await this.handle.appendFile(text, 'utf8');
        await this.handle.datasync();
      } catch (err) {
        this.failure = err;
        throw err;
      }
    });
    return this.writing;
  }

  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      await this.handle.close();
    }
  }

  private load(lines: string[], target: string): void {
    const header = parseLine(lines[0] ?? '') as { format?: unknown; target?: unknown } | undefined;
    if (header?.format !== FORMAT) throw new SentinelError('JOURNAL_MISMATCH', `${this.path} is not a replay journal`);
    if (header.target !== target) {
      throw new SentinelError('JOURNAL_MISMATCH', `the journal ${this.path} was written for ${String(header.target)}, not ${target}: resuming would skip messages ${target} never received`);
    }
    lines.slice(1).forEach((text, k) => {
      const line = parseLine(text) as Partial<Line> | undefined;
      const valid = line && typeof line.f === 'string' && Number.isInteger(line.i) && typeof line.id === 'string';
      if (!valid) {
        // the last line may be cut by a crash in the middle of a write: that entry was never confirmed
        if (k === lines.length - 2) return;
        throw new SentinelError('JOURNAL_MISMATCH', `${this.path} line ${k + 2} is not a journal entry`);
      }
      let file = this.done.get(line.f as string);
      if (!file) this.done.set(line.f as string, (file = new Map()));
      file.set(line.i as number, line.id as string);
    });
  }
}

async function readLines(path: string): Promise<string[]> {
  try {
    return (await readFile(path, 'utf8')).split('\n').filter((l) => l !== '');
  } catch (err) {
    throw new SentinelError('INPUT_UNREADABLE', `cannot read the journal ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function parseLine(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
