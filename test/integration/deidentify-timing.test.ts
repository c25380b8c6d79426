import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTiming, timingPath } from '../../src/deidentify/timing-sidecar.js';
import { readFeed } from '../../src/feeder/feed-reader.js';
import { loadFeedTiming, TimingClock, type FeedTiming } from '../../src/feeder/feed-timing.js';
import { Pacer } from '../../src/feeder/pacer.js';
import { writeFeed } from '../../src/generate/write-feed.js';
import { component, firstSegment, type Hl7Message } from '../../src/hl7/message.js';
import { parseMessage } from '../../src/hl7/parse.js';
import { deidentify, pairOutputs, readInput, readOutput } from '../support/deidentify-run.js';

const DAY_MS = 86_400_000;

/** When the pacer sends each message at --speed 60 (a message it sends at once goes with the one before). */
async function schedule(file: string, timing: FeedTiming | null): Promise<number[]> {
  const pacer = new Pacer({ kind: 'speed', factor: 60 }, 0);
  const clock = timing ? new TimingClock(timing) : null;
  const due: number[] = [];
  let last = 0;
  for await (const batch of readFeed([file])) {
    for (const item of batch) {
      if (item.kind !== 'message') continue;
      last = pacer.next(clock ? clock.next(item.file) : item.feedTime).atMs ?? last;
      due.push(last);
    }
  }
  return due;
}

const msh7 = (m: Hl7Message): number => Date.parse(m.messageTime);
const patientOf = (m: Hl7Message): string => component(firstSegment(m, 'PID')?.get(3) ?? '', 1, m.delimiters);

/**
 * The attack the copy's order must resist: pair the k-th message of the copy with the k-th
 * time of the sidecar (the original arrival clock), take per patient the median of (shifted
 * MSH-7 − that time), and see whether it differs from the patient's true offset by one constant
 * (the unknown start of the feed). The share of patients on the commonest constant: near 1 when
 * the order gives the offsets away.
 */
function offsetsRecovered(copy: readonly Hl7Message[], arrival: readonly number[], trueOffsetDays: ReadonlyMap<string, number>): number {
  const residues = new Map<string, number[]>();
  copy.forEach((m, k) => {
    const p = patientOf(m);
    if (p === '' || Number.isNaN(msh7(m))) return;
    residues.set(p, [...(residues.get(p) ?? []), msh7(m) - (arrival[k] as number)]);
  });
  const constants = new Map<number, number>();
  for (const [p, r] of residues) {
    const median = r.sort((a, b) => a - b)[r.length >> 1] as number;
    const c = Math.round((median - (trueOffsetDays.get(p) as number) * DAY_MS) / DAY_MS);
    constants.set(c, (constants.get(c) ?? 0) + 1);
  }
  return Math.max(...constants.values()) / residues.size;
}

describe('when a de-identified copy is replayed with --speed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-deid-timing-'));
  const input = join(dir, 'feed.hl7');
  const copy = join(dir, 'out', 'feed.hl7');

  beforeAll(async () => {
    await writeFeed(input, { patients: 200, seed: 7 });
    await deidentify([input], join(dir, 'out'));
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has the original spacing: the pacer schedules every message of the copy when it scheduled the original’s', async () => {
    const timing = await loadFeedTiming([copy], { kind: 'auto' });
    expect(timing?.sources).toEqual([timingPath(copy)]);
    const original = await schedule(input, null);
    expect(original.length).toBeGreaterThan(1000);
    expect(await schedule(copy, timing)).toEqual(original);
    // paced by its shifted MSH-7 instead, the copy spans months more than the feed
    const shifted = await schedule(copy, null);
    expect((shifted.at(-1) as number) * 60).toBeGreaterThan((original.at(-1) as number) * 60 + 60 * DAY_MS);
  });

  it('writes a sidecar of non-negative gaps only: no date, no patient', () => {
    const [header, ...lines] = readFileSync(timingPath(copy), 'utf8').split('\n');
    expect(header).toMatch(/^# poems-sentinel timing 1 messages=\d+ bytes=\d+$/);
    expect(lines.every((l) => l === '' || /^\d+$/.test(l))).toBe(true);
  });

  it('keeps each patient’s messages in their order and shows no message’s true day by its position', async () => {
    const { accepted } = readInput(input);
    const outputs = readOutput(copy).map(parseMessage);
    const paired = pairOutputs(accepted, outputs);
    const position = new Map(outputs.map((m, k) => [m, k]));
    const positionsOf = new Map<string, number[]>();
    paired.forEach((m) => positionsOf.set(patientOf(m), [...(positionsOf.get(patientOf(m)) ?? []), position.get(m) as number]));
    for (const [p, ks] of positionsOf) expect(ks, p).toEqual([...ks].sort((a, b) => a - b));

    const trueOffset = new Map<string, number>();
    paired.forEach((m, i) => {
      const before = msh7(accepted[i] as Hl7Message);
      if (!Number.isNaN(before)) trueOffset.set(patientOf(m), Math.round((msh7(m) - before) / DAY_MS));
    });
    const gaps = parseTiming(readFileSync(timingPath(copy), 'utf8'));
    if ('problem' in gaps) throw new Error(gaps.problem);
    let t = 0;
    const arrival = gaps.gaps.map((g) => (t += g));
    // the same copy in the input's order (as copies were written before): the order gives the offsets away
    expect(offsetsRecovered(paired, arrival, trueOffset)).toBeGreaterThan(0.9);
    // in its own order it does not: no better than guessing that every message came on the feed's busiest day
    const guess = offsetsRecovered(outputs, outputs.map(() => 0), trueOffset);
    expect(guess).toBeLessThan(0.5);
    expect(offsetsRecovered(outputs, arrival, trueOffset)).toBeLessThan(guess + 0.05);
  });
});
