import type { AlertStatus, DismissReason } from '../../domain/alert.js';

/**
 * Our own FHIR code and identifier systems. They are URNs on purpose: they name poems-sentinel's
 * vocabulary, are stable across sites and releases, and do not pretend to be resolvable web
 * pages. docs/channels/fhir.md lists every code. Patient identifier systems are the site's, not
 * ours (see patient-identifier.ts).
 */
const NS = 'urn:poems-sentinel';

export const CODE_SYSTEM = {
  /** DetectedIssue.code, Flag.code: the alert tier (criteria-met, workup-recommended, screening-gap) */
  tier: `${NS}:code:alert-tier`,
  /** DetectedIssue.evidence.code: the finding kind (neuropathy, clone, vegfHigh …) */
  findingKind: `${NS}:code:finding-kind`,
  /** Task.input.type: the suggested work-up item id (immunofixation, vegf …) */
  workup: `${NS}:code:workup`,
  /** Task.code */
  task: `${NS}:code:task`,
  /** DetectedIssue.mitigation.action: what a clinician did (acknowledged, dismissed) */
  alertAction: `${NS}:code:alert-action`,
  /** CDS Hooks overrideReasons and feedback: the fixed dismissal reasons */
  dismissReason: `${NS}:code:dismiss-reason`,
} as const;

export const IDENTIFIER_SYSTEM = {
  /** value `<alert id>.<episode>`: DetectedIssue, Flag and Task of one alert episode share it */
  alertEpisode: `${NS}:id:alert-episode`,
  /** value: the notification key (alert id|episode|tier), on the transaction Bundle */
  notification: `${NS}:id:notification`,
  /** value `<MSH-4>|<MSH-10>|<result key>`: the HL7 v2 result a finding came from */
  hl7v2Result: `${NS}:id:hl7v2-result`,
} as const;

/** HL7's own flag-category code system (Flag.category, extensible binding). */
export const FLAG_CATEGORY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/flag-category';

export const ACTION_DISPLAY: Record<Extract<AlertStatus, 'acknowledged' | 'dismissed'>, string> = {
  acknowledged: 'Acknowledged by a clinician',
  dismissed: 'Dismissed by a clinician',
};

/** Displays of the dismissal reasons (src/domain/alert.ts DismissReason), as a clinician picks them. */
export const DISMISS_REASON_DISPLAY: Record<DismissReason, string> = {
  'poems-excluded': 'POEMS syndrome excluded',
  'already-under-haematology': 'Already under haematology care',
  'not-clinically-relevant': 'Not clinically relevant',
  'wrong-patient': 'Wrong patient',
  other: 'Other reason',
};
