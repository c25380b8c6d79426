import type { Finding } from '../../domain/finding.js';
import type { PatientKey } from '../../domain/patient-key.js';
import type { Measurement } from '../../domain/result.js';
import type { Timeline } from '../../domain/timeline.js';
import type { UnreadNote } from '../../domain/unread.js';
import { NO_FINDINGS, findingsAsTimeline, supersededNotes, type StoredVersion } from './stored-version.js';

export type TimelineRow = Pick<StoredVersion, 'statusClass' | 'observedAt' | 'firstSeen' | 'findings' | 'notes' | 'superseded' | 'measurement'>;

/**
 * A patient's timeline from the stored latest version of each result key (spec §2): their
 * findings (preliminary ones `possible`; a kind seen again with its first and last time), every
 * measurement (normal ones too: persistence needs the latest), their notes and the findings a
 * later version superseded, and the newest observation time of any result as the ageing anchor.
 */
export function timelineFromRows(patientKey: PatientKey, rows: readonly TimelineRow[]): Timeline {
  const findings: Finding[] = [];
  const measurements: Measurement[] = [];
  const notes: UnreadNote[] = [];
  let newest: string | null = null;
  let newestMs = -Infinity;
  for (const r of rows) {
    const current = r.findings === NO_FINDINGS ? [] : (JSON.parse(r.findings) as Finding[]);
    if (current.length > 0) findings.push(...findingsAsTimeline(current, r.statusClass, r.firstSeen));
    if (r.superseded !== NO_FINDINGS) notes.push(...supersededNotes(JSON.parse(r.superseded) as Finding[], current));
    if (r.measurement !== null) measurements.push(r.measurement);
    if (r.notes !== '[]') notes.push(...(JSON.parse(r.notes) as UnreadNote[]));
    if (r.observedAt !== '') {
      const ms = Date.parse(r.observedAt);
      if (ms > newestMs) {
        newestMs = ms;
        newest = r.observedAt;
      }
    }
  }
  return { patientKey, findings, measurements, newestObservedAt: newest, notes };
}
