import type { ErrorCode } from '../errors.js';
import type { Outcome, UnreadCounts } from './ingest.js';

/** What a run of the pipeline did with its messages: the one tally every consumer and replay keeps. */
export interface OutcomeCounts {
  accepted: number;
  /** accepted messages seen before (same control id and content): applied once */
  duplicates: number;
  /** accepted messages whose (facility, MSH-10) had come before with other content */
  controlIdReused: number;
  rejected: Partial<Record<ErrorCode, number>>;
  /** values and phrases seen but not used, by reason (spec §1.1: a site fixes its profile from these) */
  unread: UnreadCounts;
}

export function emptyOutcomeCounts(): OutcomeCounts {
  return { accepted: 0, duplicates: 0, controlIdReused: 0, rejected: {}, unread: {} };
}

export function countOutcome(counts: OutcomeCounts, outcome: Outcome): void {
  if (outcome.status === 'rejected') {
    countRejection(counts, outcome.code);
    return;
  }
  counts.accepted += 1;
  if (outcome.duplicate) counts.duplicates += 1;
  if (outcome.controlIdReused) counts.controlIdReused += 1;
  for (const [reason, n] of Object.entries(outcome.unread) as [keyof UnreadCounts, number][]) counts.unread[reason] = (counts.unread[reason] ?? 0) + n;
}

/** A message rejected before the pipeline saw it (a file or frame that is not a message). */
export function countRejection(counts: OutcomeCounts, code: ErrorCode): void {
  counts.rejected[code] = (counts.rejected[code] ?? 0) + 1;
}

/** every rejection, whatever its code */
export function rejectedTotal(counts: Pick<OutcomeCounts, 'rejected'>): number {
  return Object.values(counts.rejected).reduce((n, v) => n + (v ?? 0), 0);
}
