import type { Alert, DismissReason } from '../../domain/alert.js';

/** Where the service finds a patient's alert (the inbox wires it to the alert store). */
export interface CdsAlertLookup {
  /** the patient's alert of the POEMS rule, whatever its status, or null */
  getAlertForPatient(patientKey: string): Promise<Alert | null>;
}

/** A clinician's override in the EHR, as one of our dismissal reasons plus their words. */
export interface OverrideReason {
  reason: DismissReason;
  comment: string;
}

/**
 * Where the service records what a clinician did with a card, as the inbox records its own
 * actions: `accepted` is an acknowledgement, `overridden` a dismissal with `reason` (absent when
 * the EHR sent none: the recorder dismisses as `other`). CDS Hooks feedback does not say who
 * acted; the recorder names the EHR as the actor. Resolves false when no such alert exists.
 */
export interface CdsFeedbackRecorder {
  recordFeedback(alertId: string, outcome: 'accepted' | 'overridden', reason: OverrideReason | undefined, at: string): Promise<boolean>;
}
