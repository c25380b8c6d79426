/** Public types of the synthetic feed: options, emitted messages, the plan and expected outcomes. */
import type { Tier } from '../domain/tier.js';
import type { Archetype, ExpectedStatus } from './archetypes.js';
import type { Variant } from './phrasing.js';

/** The default shape: patients following archetypes among routine hospital traffic. */
export interface FeedOptions {
  shape?: 'archetypes';
  /** number of patients (surviving identities); merged and alias-linked patients add one key each */
  patients: number;
  /** any finite number; used as an unsigned 32-bit integer */
  seed: number;
  /** time of the first admission; default 2025-01-06T00:00:00Z (never the clock) */
  start?: Date;
  /**
   * 'default' (tests, demo, benchmark) or 'held-out': another seed family and phrasing/unit pools
   * that the default feed never uses, to evaluate the rule on wording it was not tuned on
   */
  variant?: Variant;
}

/**
 * The benchmark's CBC-heavy shape (issue 7 item 6): `messages` messages over `patients`
 * patients, all CBCs (WBC, RBC, Hb, Hct, MCV, platelets; LOINC-coded, vendor unit spellings)
 * except one ADT^A08 with a CIDP diagnosis for about one patient in six; about 15 % of platelet
 * counts above 450 ×10⁹/L.
 */
export interface CbcFeedOptions {
  shape: 'cbc-heavy';
  messages: number;
  patients: number;
  seed: number;
  start?: Date;
}

export type AnyFeedOptions = FeedOptions | CbcFeedOptions;

/** Whether a message carries anything the default site profile reads (codes, DG1, report text, merges). */
export type MessageCategory = 'usable' | 'unremarkable';

export type MessageKind =
  | 'adt-admit'
  | 'adt-update'
  | 'adt-discharge'
  | 'adt-diagnosis'
  | 'adt-merge'
  | 'lab-bmp'
  | 'lab-cbc'
  | 'lab-flc'
  | 'lab-vegf'
  | 'lab-spep'
  | 'lab-ife'
  | 'report-radiology'
  | 'report-pathology'
  | 'report-neurophysiology';

export interface GeneratedMessage {
  /** one HL7 message, segments joined by "\r", no trailing separator */
  text: string;
  /** MSH-10 */
  controlId: string;
  /** "<PID-3.4>|<PID-3.1>" of the message's PID (the surviving id for an A40) */
  patientKey: string;
  category: MessageCategory;
  /** true for the second copy of a deliberately duplicated message (same text, same MSH-10) */
  duplicate: boolean;
  /** simulated arrival time, epoch milliseconds (the order of the feed) */
  arrivalMs: number;
}

export interface ExpectedOutcome {
  patientKey: string;
  archetype: Archetype;
  expectedTier: Tier | null;
  expectedStatus: ExpectedStatus;
  /** set on a prior identifier that an ADT^A40 merges (or a PID-3 alias links) into this surviving key */
  mergedInto?: string;
}

export interface PlannedMessage {
  controlId: string;
  /** PID-3 of this message as a patient key (the prior id for messages sent before a merge) */
  patientKey: string;
  kind: MessageKind;
  category: MessageCategory;
  /** MSH-7 */
  messageTime: Date;
  /** when the message reaches the receiver in the simulated feed */
  arrivalTime: Date;
  /** never delayed: its order relative to the patient's other messages decides the outcome */
  pinned: boolean;
  duplicate: boolean;
  text: string;
}

export interface PlannedPatient {
  index: number;
  /** surviving key "SYNTH|P000123" */
  patientKey: string;
  /** identifiers merged into `patientKey` (ADT^A40 priors) or linked to it (PID-3 aliases) */
  priorPatientKeys: string[];
  archetype: Archetype;
  sex: 'M' | 'F';
  expectedTier: Tier | null;
  expectedStatus: ExpectedStatus;
  /** the patient's messages in their own arrival order */
  messages: PlannedMessage[];
}

export interface FeedPlan {
  seed: number;
  start: Date;
  patients: PlannedPatient[];
  /** one entry per patient key, including merged-away prior ids */
  outcomes: Map<string, ExpectedOutcome>;
}
