import { CHRONIC_KINDS, lastSeen, type Finding } from '../domain/finding.js';
import type { Measurement } from '../domain/result.js';
import type { Timeline } from '../domain/timeline.js';

/**
 * What of a timeline is current (spec §2 "Time"): chronic kinds always; the other kinds and the
 * watched lab values when last seen within `lookbackMonths` of the patient's newest result.
 */
export interface CurrentView {
  /** the newest observedAt of any result, normal or not: the ageing anchor (null: nothing dated) */
  anchor: string | null;
  /** the first instant inside the window (null when nothing is dated) */
  windowStart: string | null;
  current: Finding[];
  agedOut: Finding[];
  measurements: Measurement[];
  agedOutMeasurements: Measurement[];
}

export function currentView(timeline: Timeline, lookbackMonths: number): CurrentView {
  const anchorMs = anchorOf(timeline);
  if (anchorMs === null) {
    // Nothing is dated: nothing can be placed outside the window, so all of it counts.
    return { anchor: null, windowStart: null, current: [...timeline.findings], agedOut: [], measurements: [...timeline.measurements], agedOutMeasurements: [] };
  }
  const startMs = monthsBefore(anchorMs, lookbackMonths);
  const inWindow = (iso: string): boolean => {
    const t = Date.parse(iso);
    // an unparseable time cannot be placed before the window: it is kept rather than silently lost
    return Number.isNaN(t) || t >= startMs;
  };
  const current: Finding[] = [];
  const agedOut: Finding[] = [];
  for (const f of timeline.findings) (CHRONIC_KINDS.has(f.kind) || inWindow(lastSeen(f)) ? current : agedOut).push(f);
  return {
    anchor: new Date(anchorMs).toISOString(),
    windowStart: new Date(startMs).toISOString(),
    current,
    agedOut,
    measurements: timeline.measurements.filter((m) => inWindow(m.observedAt)),
    agedOutMeasurements: timeline.measurements.filter((m) => !inWindow(m.observedAt)),
  };
}

/**
 * The store's anchor; when it has none (an older store), the newest instant the timeline itself
 * shows, so the window never depends on a clock.
 */
function anchorOf(timeline: Timeline): number | null {
  const candidates = [
    ...(timeline.newestObservedAt === null ? [] : [timeline.newestObservedAt]),
    ...timeline.findings.map(lastSeen),
    ...timeline.measurements.map((m) => m.observedAt),
  ];
  let newest: number | null = null;
  for (const iso of candidates) {
    const t = Date.parse(iso);
    if (!Number.isNaN(t) && (newest === null || t > newest)) newest = t;
  }
  return newest;
}

/** Calendar months back in UTC, clamping the day so 31 May − 3 months is 28/29 Feb, not March. */
export function monthsBefore(epochMs: number, months: number): number {
  const from = new Date(epochMs);
  const target = new Date(epochMs);
  target.setUTCDate(1);
  target.setUTCMonth(from.getUTCMonth() - months);
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(from.getUTCDate(), lastDay));
  return target.getTime();
}
