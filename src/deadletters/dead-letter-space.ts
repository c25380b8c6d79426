import type { DeadLetter, DeadLetterStore } from '../store/timeline-store.js';

/** One stored letter as the quota counts it. */
export interface LetterSize {
  origin: string;
  /** `letterSize` of the letter as stored */
  size: number;
}

/**
 * What a dead-letter adapter offers the quota (dead-letter-quota.ts): how much each origin holds,
 * and deleting the oldest letters. Sizes are `letterSize`, computed the same way by every adapter.
 */
export interface DeadLetterSpace {
  /** stored letters and their sizes summed per origin */
  usage(): Promise<{ origin: string; letters: number; bytes: number }[]>;
  /**
   * Deletes the oldest letters (of origins starting with `originPrefix`, or of every origin)
   * until at least `bytes` are freed or none is left; returns the letters deleted.
   */
  dropOldest(bytes: number, originPrefix?: string): Promise<LetterSize[]>;
}

export type SpaciousDeadLetterStore = DeadLetterStore & DeadLetterSpace;

/** What a letter costs against a quota: its raw bytes, its detail and its origin, in bytes (UTF-8). */
export function letterSize(l: Pick<DeadLetter, 'bytes' | 'detail' | 'origin'>): number {
  return l.bytes.length + Buffer.byteLength(l.detail) + Buffer.byteLength(l.origin);
}

/**
 * The peer a letter's origin belongs to, as a prefix of every origin of that peer: an MLLP peer
 * address (not its port: every connection has another), a Kafka topic, a file. The separator
 * stays on the prefix, so `mllp:10.0.0.1:` never matches `mllp:10.0.0.10:…`.
 */
export function peerOf(origin: string): string {
  const mllp = /^(mllp:.*:)[^:]*$/.exec(origin);
  if (mllp) return mllp[1] as string;
  const kafka = /^(kafka:.*\/)\d+\/\d+$/.exec(origin);
  if (kafka) return kafka[1] as string;
  const file = /^(file:.*#)\d+$/.exec(origin);
  if (file) return file[1] as string;
  return origin;
}
