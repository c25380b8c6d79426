/**
 * Arrival order. A message arrives at its MSH-7, routine messages with 0-90 s of jitter (so
 * patients interleave), and ~2 % of the messages whose order cannot change an expected outcome are
 * delayed by 1-36 h (deliberately out of order). Some archetypes additionally deliver a result
 * at an explicit time (an original after its correction, a preliminary after its final). Messages whose relative order decides an expected
 * alert status (corrections, deletions, merges, a known POEMS diagnosis) are never delayed.
 */
import type { Draft } from './patient-messages.js';
import { chance, int, type Rng } from './rng.js';
import { MIN, SEC, pad } from './time.js';

/** routine messages arrive up to this long after their MSH-7, so patients interleave */
const MAX_JITTER = 90 * SEC;
/** share of delayable messages that arrive late (out of order) */
const DELAY_SHARE = 0.02;

/** one message ready to emit */
export interface Scheduled {
  arrival: number;
  /** patientIndex * 1024 + message index: the deterministic tie-breaker */
  seq: number;
  controlId: string;
  duplicate: boolean;
  draft: Draft;
}

/**
 * Sort a patient's drafts by MSH-7 (stable: same-time drafts keep their order), give them control
 * ids and arrival times, add duplicate copies. Returns them in arrival order.
 */
export function schedule(tag: string, index: number, drafts: readonly Draft[], rng: Rng): Scheduled[] {
  const out: Scheduled[] = [];
  const patientNo = pad(index + 1, 7);
  const sorted = [...drafts].sort((a, b) => a.at - b.at);
  const ids = new Map<Draft, string>(sorted.map((d, j) => [d, `SG${tag}${patientNo}${pad(j, 3)}`]));
  sorted.forEach((d, j) => {
    let arrival: number;
    if (d.arrival !== undefined) arrival = d.arrival;
    else if (d.category === 'unremarkable') arrival = d.at + int(rng, 0, MAX_JITTER / SEC) * SEC;
    else arrival = d.at;
    if (!d.pinned && d.arrival === undefined && chance(rng, DELAY_SHARE)) arrival += int(rng, 60, 36 * 60) * MIN;
    // A reused control id (an interface engine that restarted its counter) repeats an earlier MSH-10.
    const controlId = (d.controlIdOf && ids.get(d.controlIdOf)) ?? ids.get(d) ?? '';
    out.push({ arrival, seq: index * 1024 + j, controlId, duplicate: false, draft: d });
    if (d.duplicateAfter !== undefined) {
      out.push({ arrival: arrival + d.duplicateAfter, seq: index * 1024 + 512 + j, controlId, duplicate: true, draft: d });
    }
  });
  out.sort(compareScheduled);
  return out;
}

function compareScheduled(a: Scheduled, b: Scheduled): number {
  return a.arrival - b.arrival || a.seq - b.seq;
}

/** Binary min-heap on (arrival, seq). */
export class MinHeap {
  private readonly items: Scheduled[] = [];

  peek(): Scheduled | undefined {
    return this.items[0];
  }

  push(item: Scheduled): void {
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = a[parent] as Scheduled;
      if (compareScheduled(p, item) <= 0) break;
      a[i] = p;
      i = parent;
    }
    a[i] = item;
  }

  pop(): Scheduled | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (top === undefined || last === undefined || a.length === 0) return top;
    let i = 0;
    const n = a.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      if (r < n && compareScheduled(a[r] as Scheduled, a[l] as Scheduled) < 0) c = r;
      const child = a[c] as Scheduled;
      if (compareScheduled(last, child) <= 0) break;
      a[i] = child;
      i = c;
    }
    a[i] = last;
    return top;
  }
}
