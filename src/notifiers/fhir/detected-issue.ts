import type { DetectedIssue, DetectedIssueEvidence, DetectedIssueMitigation } from '@medplum/fhirtypes';
import type { Alert, AlertEvent } from '../../domain/alert.js';
import type { Tier } from '../../domain/tier.js';
import { currentEpisodeEvents, kindLabel } from '../alert-text.js';
import { ACTION_DISPLAY, CODE_SYSTEM } from './code-systems.js';
import type { PatientSystems } from './patient-identifier.js';
import { episodeIdentifier, patientReference, sentinelAuthor, sourceReference, tierConcept } from './references.js';

/**
 * R4 binds DetectedIssue.status to ObservationStatus (registered | preliminary | final | amended |
 * corrected | cancelled | entered-in-error | unknown). @medplum/fhirtypes 4.5 types it with R5's
 * smaller set, which lacks `cancelled`, so the R4 type is spelled out here.
 */
export type R4DetectedIssue = Omit<DetectedIssue, 'status'> & { status: 'final' | 'cancelled' };

const SEVERITY: Record<Tier, NonNullable<DetectedIssue['severity']>> = {
  'criteria-met': 'high',
  'workup-recommended': 'moderate',
  'screening-gap': 'low',
};

/**
 * The alert episode as a DetectedIssue:
 * - status `final` while the issue stands (open, acknowledged, snoozed, dismissed: a dismissal is
 *   a clinician's answer to the issue, recorded as a mitigation, not a retraction of it);
 *   `cancelled` once withdrawn (the evidence no longer supports any tier). `entered-in-error` is
 *   never used: the rule did not err, the record changed;
 * - severity from the tier; code = our tier code; detail = the alert's reason;
 * - evidence: one entry per finding, its kind coded and its source result referenced by identifier;
 * - mitigation: every acknowledgement and dismissal of this episode, with its date and author.
 */
export function detectedIssueOf(alert: Alert, systems: PatientSystems): R4DetectedIssue {
  const { start, events } = currentEpisodeEvents(alert);
  const mitigation = events.filter(isClinicianAction).map(mitigationOf);
  return {
    resourceType: 'DetectedIssue',
    identifier: [episodeIdentifier(alert)],
    status: alert.status === 'withdrawn' ? 'cancelled' : 'final',
    code: tierConcept(alert.tier),
    severity: SEVERITY[alert.tier],
    patient: patientReference(alert, systems),
    identifiedDateTime: start,
    author: sentinelAuthor(alert),
    ...(alert.evidence.length > 0 ? { evidence: alert.evidence.map((f): DetectedIssueEvidence => ({
      code: [{ coding: [{ system: CODE_SYSTEM.findingKind, code: f.kind }], text: kindLabel(f.kind) }],
      detail: [sourceReference(f)],
    })) } : {}),
    detail: alert.reason,
    ...(mitigation.length > 0 ? { mitigation } : {}),
  };
}

type ClinicianAction = AlertEvent & { event: 'acknowledged' | 'dismissed' };

function isClinicianAction(e: AlertEvent): e is ClinicianAction {
  return e.event === 'acknowledged' || e.event === 'dismissed';
}

function mitigationOf(e: ClinicianAction): DetectedIssueMitigation {
  return {
    action: { coding: [{ system: CODE_SYSTEM.alertAction, code: e.event, display: ACTION_DISPLAY[e.event] }], text: e.reason },
    date: e.at,
    ...(e.by ? { author: { type: 'Practitioner', display: e.by } } : {}),
  };
}
