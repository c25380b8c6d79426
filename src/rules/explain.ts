import type { SiteProfile } from '../config/profile.schema.js';
import type { Assessment } from '../domain/assessment.js';
import { lastSeen, type Finding } from '../domain/finding.js';
import type { PatientKey } from '../domain/patient-key.js';
import type { Measurement } from '../domain/result.js';
import type { Timeline } from '../domain/timeline.js';
import type { UnreadNote } from '../domain/unread.js';
import { CRITERION_OF_KIND, hasDefiniteTypedClone, LABEL } from './criteria.js';
import type { Persistence } from './persistence.js';
import { assessTier, readTimeline } from './poems.rule.js';

/** A finding the rule read, and what it counted for. */
export interface UsedFinding {
  finding: Finding;
  /** the criterion or flag it is evidence for, in words */
  role: string;
}

export interface MeasurementLine extends Measurement {
  /** false: older than the lookback, not read by the rule (still shown) */
  inLookback: boolean;
}

/**
 * Spec §5: why a patient has, or has not, an alert. Every finding used (with its source and
 * certainty), every value or phrase seen but not used with its reason, and the lab values.
 */
export interface Explanation {
  patientKey: PatientKey;
  lookbackMonths: number;
  /** the patient's newest result: the lookback is counted back from it */
  anchor: string | null;
  windowStart: string | null;
  assessment: Assessment;
  used: UsedFinding[];
  unused: UnreadNote[];
  measurements: MeasurementLine[];
  persistence: Persistence[];
  ifeDone: boolean;
  poemsKnown: boolean;
}

export function explain(timeline: Timeline, profile: SiteProfile): Explanation {
  const { view, input } = readTimeline(timeline, profile);
  const definiteTyped = hasDefiniteTypedClone(view.current);
  const agedOutNotes = view.agedOut.map((f) => agedOutNote(f, view.windowStart, view.anchor, profile.lookbackMonths));
  return {
    patientKey: timeline.patientKey,
    lookbackMonths: profile.lookbackMonths,
    anchor: view.anchor,
    windowStart: view.windowStart,
    assessment: assessTier(timeline, profile),
    used: byTime(view.current, (f) => f.observedAt).map((finding) => ({ finding, role: roleOf(finding, definiteTyped) })),
    unused: byTime([...timeline.notes, ...agedOutNotes], (n) => n.observedAt),
    measurements: byTime(
      [...view.measurements.map((m) => ({ ...m, inLookback: true })), ...view.agedOutMeasurements.map((m) => ({ ...m, inLookback: false }))],
      (m) => m.observedAt,
    ),
    persistence: [...input.persistence],
    ifeDone: input.ifeDone,
    poemsKnown: input.poemsKnown,
  };
}

function roleOf(f: Finding, definiteTypedOnRecord: boolean): string {
  switch (f.kind) {
    case 'neuropathy':
      return f.qualifiers.cidp === true ? 'polyneuropathy (CIDP)' : 'polyneuropathy';
    case 'clone': {
      const chain = f.qualifiers.lightChain ?? 'unknown';
      if (chain === 'lambda') return 'monoclonal protein, λ';
      if (chain === 'kappa') return 'monoclonal protein, κ';
      return definiteTypedOnRecord
        ? 'monoclonal protein, light chain unknown (the typed clone on record)'
        : 'monoclonal protein, light chain unknown (untyped clone)';
    }
    case 'ifeDone':
      return 'immunofixation done';
    case 'poemsKnown':
      return f.certainty === 'definite' ? 'POEMS syndrome diagnosed: suppresses the alert' : 'POEMS syndrome, not affirmed: does not suppress';
    case 'thrombocytosis':
    case 'polycythemia':
      return `${f.kind} (minor criterion thrombocytosis/polycythemia)`;
    default: {
      const criterion = CRITERION_OF_KIND[f.kind];
      return criterion === undefined ? f.kind : LABEL[criterion];
    }
  }
}

function agedOutNote(f: Finding, windowStart: string | null, anchor: string | null, months: number): UnreadNote {
  const value = f.value === undefined ? '' : ` ${f.value}${f.unit ? ` ${f.unit}` : ''}`;
  return {
    reason: 'AGED_OUT',
    kind: f.kind,
    text: (f.qualifiers.matched ?? `${f.kind}${value}`).slice(0, 160),
    detail: `last seen ${lastSeen(f)}, before the lookback window (from ${windowStart ?? '?'}, ${months} months before the newest result ${anchor ?? '?'})`,
    observedAt: lastSeen(f),
    source: f.source,
  };
}

/** Oldest first; undated last; stable. */
function byTime<T>(items: readonly T[], at: (item: T) => string): T[] {
  const key = (item: T): number => {
    const t = Date.parse(at(item));
    return Number.isNaN(t) ? Number.POSITIVE_INFINITY : t;
  };
  return items.map((item, i) => ({ item, i, t: key(item) })).sort((a, b) => (a.t === b.t ? a.i - b.i : a.t - b.t)).map(({ item }) => item);
}
