/**
 * The timing sidecar written beside a de-identified file (`<file>.timing`): how the original
 * feed was spaced, without saying when it was or whose message was where.
 *
 * One line per message of the de-identified file: the milliseconds from one message to the next
 * on the original feed's arrival clock (the latest MSH-7 read so far), in the original arrival
 * order. The copy's messages are in another order (shifted time, see message-order.ts), so line
 * k paces the k-th message of the copy: the replay carries the original load, not the original
 * pairing of messages to times. docs/deidentify.md gives the privacy reasoning.
 *
 *   # poems-sentinel timing 1 messages=3 bytes=4096
 *   0
 *   180000
 *   0
 *
 * `bytes` is the size of the de-identified file the sidecar belongs to, so that a replay finds a
 * stale sidecar before it sends anything. Pure.
 */

export const TIMING_SUFFIX = '.timing';
const HEADER = /^# poems-sentinel timing 1 messages=(\d+) bytes=(\d+)$/;

export interface Timing {
  /** milliseconds from the previous message (0 for the first), one per message */
  gaps: number[];
  /** size in bytes of the file the gaps belong to */
  bytes: number;
}

export function timingPath(file: string): string {
  return `${file}${TIMING_SUFFIX}`;
}

export function formatTiming(t: Timing): string {
  return `# poems-sentinel timing 1 messages=${t.gaps.length} bytes=${t.bytes}\n${t.gaps.map((g) => `${g}\n`).join('')}`;
}

/** The sidecar's content, or a description of what is wrong with it. */
export function parseTiming(text: string): Timing | { problem: string } {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const header = HEADER.exec(lines[0] ?? '');
  if (!header) return { problem: 'its first line is not "# poems-sentinel timing 1 messages=N bytes=B"' };
  const gaps: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    const gap = Number(line);
    if (line === '' || !Number.isSafeInteger(gap) || gap < 0) return { problem: `line ${i + 1} is not a whole number of milliseconds (0 or more)` };
    gaps.push(gap);
  }
  if (gaps.length !== Number(header[1])) return { problem: `it holds ${gaps.length} gaps, its header says ${header[1]}` };
  return { gaps, bytes: Number(header[2]) };
}

/**
 * The arrival clock of a feed read in order: the latest MSH-7 so far, as the replay's pacer
 * schedules it (a message whose MSH-7 is missing or earlier than one already seen arrives with
 * the one before it). `see` returns the message's arrival time and records its gap.
 */
export class ArrivalClock {
  readonly gaps: number[] = [];
  private latest: number | null = null;

  /** `sentAt`: MSH-7 in epoch ms, or null; returns the arrival time (null before any MSH-7) */
  see(sentAt: number | null): number | null {
    const before = this.latest;
    if (sentAt !== null && (before === null || sentAt > before)) this.latest = sentAt;
    this.gaps.push(before === null || this.latest === null ? 0 : this.latest - before);
    return this.latest;
  }
}
