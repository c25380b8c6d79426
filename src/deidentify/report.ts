import type { ErrorCode } from '../errors.js';

/**
 * Counts of what was replaced, per segment-field ("PID-5") and per action or text pattern
 * ("pseudonym", "text:name"). Counts only: never an original value, never the key.
 */
export class ReplacementCounts {
  readonly byField: Record<string, Record<string, number>> = {};
  readonly byAction: Record<string, number> = {};
  readonly droppedSegments: Record<string, number> = {};

  add(field: string, action: string): void {
    const f = (this.byField[field] ??= {});
    f[action] = (f[action] ?? 0) + 1;
    this.byAction[action] = (this.byAction[action] ?? 0) + 1;
  }

  dropSegment(id: string): void {
    this.droppedSegments[id] = (this.droppedSegments[id] ?? 0) + 1;
  }
}

export interface FileReport {
  input: string;
  output: string;
  /** the timing sidecar beside the output (none in Safe Harbor mode) */
  timing: string | null;
  messagesRead: number;
  messagesWritten: number;
  rejected: Partial<Record<ErrorCode, number>>;
}

/** The JSON report written beside the de-identified files (docs/deidentify.md). */
export interface DeidentifyReport {
  tool: 'poems-sentinel deidentify';
  mode: 'pseudonymised' | 'safe-harbor';
  /** names the key without revealing it: the same id means the same key, so outputs join */
  keyId: string;
  files: FileReport[];
  messages: { read: number; written: number; rejected: Partial<Record<ErrorCode, number>> };
  /** patient groups (a key with its merged and alias identifiers) seen in the input */
  patients: number;
  replacements: { bySegmentField: Record<string, Record<string, number>>; byAction: Record<string, number> };
  droppedSegments: Record<string, number>;
  /** the reference labels written for the copy (--labels), counts only */
  labels: { input: string; output: string; rows: number; inFeed: number; notInFeed: number; diagnosisDates: Record<string, number> } | null;
  seconds: number;
  messagesPerSecond: number;
}
