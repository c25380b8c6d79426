import type { Delimiters } from './delimiters.js';
import { unescapeHl7 } from './escape.js';

/**
 * One segment, split into fields. `fields[n]` is SEG-n exactly as sent (still escaped), for
 * every segment including MSH (whose `fields[1]` is the field separator itself), so that
 * accessors read like the standard: `field(obx, 3)` is OBX-3.
 */
export interface Segment {
  readonly id: string;
  readonly fields: readonly string[];
  /** SEG-n without splitting the whole segment (cheap peek for the hot path) */
  get(n: number): string;
}

export interface Hl7Message {
  /** the message as decoded text, segments joined by "\r" (kept for audit and dead letters) */
  readonly text: string;
  readonly delimiters: Delimiters;
  readonly segments: readonly Segment[];
  /** MSH-9.1 / MSH-9.2 */
  readonly type: string;
  readonly trigger: string;
  /** MSH-10; when a sender leaves it empty, a content hash stands in (see parse.ts) */
  readonly controlId: string;
  /** MSH-4.1 (namespace id), falling back to MSH-3.1 */
  readonly sendingFacility: string;
  /** MSH-12.1 */
  readonly version: string;
  /** MSH-7 as ISO 8601, or '' when absent or unreadable */
  readonly messageTime: string;
}

/** SEG-n as sent, or '' when absent. */
export function field(seg: Segment, n: number): string {
  return seg.get(n);
}

/** The repetitions of a field. */
export function repetitions(raw: string, d: Delimiters): string[] {
  return raw === '' ? [] : raw.split(d.repetition);
}

/** Component n (1-based) of one field repetition, still escaped. */
export function component(raw: string, n: number, d: Delimiters): string {
  let start = 0;
  for (let i = 1; i < n; i++) {
    const next = raw.indexOf(d.component, start);
    if (next < 0) return '';
    start = next + 1;
  }
  const end = raw.indexOf(d.component, start);
  return end < 0 ? raw.slice(start) : raw.slice(start, end);
}

/** Subcomponent n (1-based) of a component. */
export function subcomponent(raw: string, n: number, d: Delimiters): string {
  return raw.split(d.subcomponent)[n - 1] ?? '';
}

/** Human text of a field or component: escape sequences decoded, the HL7 null "" read as empty. */
export function text(raw: string, d: Delimiters): string {
  if (raw === '""') return '';
  return unescapeHl7(raw, d);
}

export function segmentsNamed(msg: Hl7Message, id: string): Segment[] {
  return msg.segments.filter((s) => s.id === id);
}

export function firstSegment(msg: Hl7Message, id: string): Segment | undefined {
  return msg.segments.find((s) => s.id === id);
}
