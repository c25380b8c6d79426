import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseTiming, timingPath } from '../deidentify/timing-sidecar.js';
import { SentinelError } from '../errors.js';

/** Where `--speed` takes its spacing from: the timing sidecars beside the inputs when present (auto), one named file, or MSH-7 (none). */
export type TimingChoice = { kind: 'auto' } | { kind: 'none' } | { kind: 'file'; path: string };

/** The original spacing of each input file, from its timing sidecar. */
export interface FeedTiming {
  gapsByFile: ReadonlyMap<string, readonly number[]>;
  /** the sidecar files, for the summary */
  sources: string[];
}

/**
 * The timing sidecars of the inputs, or null to pace by MSH-7. A de-identified copy moves every
 * patient's dates by that patient's own offset, so MSH-7 no longer spaces consecutive messages
 * of different patients; its sidecar (written by `deidentify`) holds the original spacing.
 * Every input must have one or none (a mix would pace part of the feed by shifted dates); a
 * sidecar whose header does not match its file's size is refused before anything is sent.
 */
export async function loadFeedTiming(files: readonly string[], choice: TimingChoice): Promise<FeedTiming | null> {
  if (choice.kind === 'none') return null;
  let pairs: [file: string, sidecar: string][];
  if (choice.kind === 'file') {
    if (files.length !== 1) throw new SentinelError('USAGE', `--timing FILE paces one input file (here ${files.length}); with several, keep each file's sidecar beside it (<file>.timing)`);
    pairs = [[files[0] as string, choice.path]];
  } else {
    const found = files.map((f) => [f, timingPath(f)] as [string, string]).filter(([, t]) => existsSync(t));
    if (found.length === 0) return null;
    if (found.length < files.length) {
      const without = files.filter((f) => !existsSync(timingPath(f))).map((f) => basename(f));
      throw new SentinelError('USAGE', `some inputs have a timing sidecar and ${without.slice(0, 3).join(', ')}${without.length > 3 ? ' …' : ''} have none: replay them apart, or pace all by MSH-7 with --timing none`);
    }
    pairs = found;
  }
  const gapsByFile = new Map<string, number[]>();
  for (const [file, sidecar] of pairs) {
    let text: string;
    try {
      text = await readFile(sidecar, 'utf8');
    } catch (err) {
      throw new SentinelError('INPUT_UNREADABLE', `cannot read the timing sidecar ${sidecar}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    const timing = parseTiming(text);
    if ('problem' in timing) throw new SentinelError('TIMING_MISMATCH', `${sidecar} is not a timing sidecar: ${timing.problem}`);
    const size = (await stat(file)).size;
    if (timing.bytes !== size) throw new SentinelError('TIMING_MISMATCH', `${sidecar} was written for a file of ${timing.bytes} bytes; ${file} has ${size}: not its sidecar (pace by MSH-7 with --timing none, or --rate)`);
    gapsByFile.set(file, timing.gaps);
  }
  return { gapsByFile, sources: pairs.map(([, sidecar]) => sidecar) };
}

/**
 * Feed times from the sidecars: message k of a file is due at the sum of its file's first k
 * gaps, files one after the other. These replace MSH-7 for the pacer, which then schedules the
 * original spacing (`speed` N) exactly as it would have for the original feed.
 */
export class TimingClock {
  private file = '';
  private gaps: readonly number[] = [];
  private ordinal = 0;
  private now = 0;

  constructor(private readonly timing: FeedTiming) {}

  /** The feed time of the next message of `file` (messages in file order). */
  next(file: string): number {
    if (file !== this.file) {
      this.file = file;
      this.gaps = this.timing.gapsByFile.get(file) ?? [];
      this.ordinal = 0;
    }
    const gap = this.gaps[this.ordinal];
    if (gap === undefined) throw new SentinelError('TIMING_MISMATCH', `${file} holds more messages than its timing sidecar (${this.gaps.length}): not its sidecar`);
    this.ordinal += 1;
    this.now += gap;
    return this.now;
  }
}
