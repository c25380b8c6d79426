import { lastSeen, type Finding } from '../domain/finding.js';
import type { Measurement } from '../domain/result.js';

export type BloodCountKind = 'thrombocytosis' | 'polycythemia';
export const BLOOD_COUNT_KINDS: readonly BloodCountKind[] = ['thrombocytosis', 'polycythemia'];

export interface Persistence {
  kind: BloodCountKind;
  persistent: boolean;
  /** in words, for the reason and the explanation */
  detail: string;
}

const DAY_MS = 86_400_000;

/**
 * Spec §2: persistent when at least two abnormal results of the kind (platelets by any platelet
 * code; polycythemia by Hb or Hct) lie at least `minDays` calendar days apart and the latest
 * result of the kind is abnormal. Results are the watched measurements, normal ones included;
 * a kind with no measurement (a coded diagnosis only) falls back to its findings, where a
 * diagnosis re-sent later counts as seen again.
 */
export function persistenceOf(kind: BloodCountKind, measurements: readonly Measurement[], findings: readonly Finding[], minDays: number): Persistence {
  const ofKind = measurements.filter((m) => m.kind === kind && !Number.isNaN(Date.parse(m.observedAt)));
  if (ofKind.length === 0) return fromFindings(kind, findings.filter((f) => f.kind === kind), minDays);
  const newest = Math.max(...ofKind.map((m) => Date.parse(m.observedAt)));
  // Hb and Hct (or two platelet codes) drawn together are both "the latest": either abnormal
  // is a polycythemia at that draw.
  const latestAbnormal = ofKind.some((m) => Date.parse(m.observedAt) === newest && m.abnormal);
  const abnormal = ofKind.filter((m) => m.abnormal).map((m) => m.observedAt);
  const span = daySpan(abnormal);
  if (!latestAbnormal) return { kind, persistent: false, detail: `latest ${label(kind)} result (${day(newest)}) is normal` };
  if (span < minDays) return { kind, persistent: false, detail: `${abnormal.length} abnormal result(s) spanning ${span} day(s), fewer than ${minDays}` };
  return { kind, persistent: true, detail: `${abnormal.length} abnormal results over ${span} days, the latest abnormal` };
}

function fromFindings(kind: BloodCountKind, findings: readonly Finding[], minDays: number): Persistence {
  if (findings.length === 0) return { kind, persistent: false, detail: `no ${kind} on record` };
  const span = daySpan(findings.flatMap((f) => [f.observedAt, lastSeen(f)]));
  return span >= minDays
    ? { kind, persistent: true, detail: `${kind} recorded over ${span} days (no measurements: from its findings)` }
    : { kind, persistent: false, detail: `${kind} recorded over ${span} day(s), fewer than ${minDays}` };
}

/** Calendar days (UTC dates) between the earliest and the latest instant. */
function daySpan(instants: readonly string[]): number {
  const days = instants.map((iso) => Math.floor(Date.parse(iso) / DAY_MS)).filter((d) => !Number.isNaN(d));
  if (days.length < 2) return 0;
  return Math.max(...days) - Math.min(...days);
}

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function label(kind: BloodCountKind): string {
  return kind === 'thrombocytosis' ? 'platelet' : 'Hb/Hct';
}
