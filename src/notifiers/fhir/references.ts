import type { CodeableConcept, Device, Identifier, Patient, Reference } from '@medplum/fhirtypes';
import type { Alert } from '../../domain/alert.js';
import type { Finding } from '../../domain/finding.js';
import type { Tier } from '../../domain/tier.js';
import { PermanentDeliveryError } from '../alert-queue.js';
import { findingLine, TIER_TITLE } from '../alert-text.js';
import { CODE_SYSTEM, IDENTIFIER_SYSTEM } from './code-systems.js';
import { patientIdentifier, splitPatientKey, type PatientSystems } from './patient-identifier.js';

/**
 * The business identifier of one alert episode, shared by its DetectedIssue, Flag and Task. The
 * episode is part of it: a withdrawn alert that reopens is a new issue on the chart, while an
 * escalation within an episode updates the same resources.
 */
export function episodeIdentifier(alert: Alert): Identifier {
  return { use: 'official', system: IDENTIFIER_SYSTEM.alertEpisode, value: `${alert.id}.${alert.episode}` };
}

/**
 * `identifier=<system>|<value>` for a conditional create or update. Search syntax escapes `\`,
 * `|`, `,` and `$` inside a token; the query part is then percent-encoded.
 */
export function identifierQuery(id: Identifier): string {
  const escape = (s: string): string => s.replace(/[\\|,$]/g, (c) => `\\${c}`);
  return `identifier=${encodeURIComponent(`${escape(id.system ?? '')}|${escape(id.value ?? '')}`)}`;
}

/**
 * The patient as a logical reference by identifier: we never know the EHR's Patient ids. An
 * authority with no system is a configuration error that retrying cannot fix.
 */
export function patientReference(alert: Alert, systems: PatientSystems): Reference<Patient> {
  const identifier = patientIdentifier(alert.patientKey, systems);
  if (identifier === undefined) {
    // the authority names a facility, not a person: it may appear in the dead-letter list
    const { authority } = splitPatientKey(alert.patientKey);
    throw new PermanentDeliveryError(`no FHIR identifier system for assigning authority "${authority}": add it to the FHIR channel's patientSystems`);
  }
  return { type: 'Patient', identifier };
}

/**
 * The HL7 v2 result a finding came from, by identifier: a diagnosis (DG1/PRB) is a Condition in
 * FHIR, everything else an Observation. The value names the sending facility, the message and the
 * result key, so the interface team can find the message, and an EHR that keeps the same
 * identifiers on its own resources can resolve it.
 */
export function sourceReference(f: Finding): Reference {
  const type = /^(DG1|PRB)\b/.test(f.source.segment) ? 'Condition' : 'Observation';
  const value = `${f.source.sendingFacility}|${f.source.messageControlId}|${f.source.resultKey}`;
  return { type, identifier: { system: IDENTIFIER_SYSTEM.hl7v2Result, value }, display: findingLine(f) };
}

export function tierConcept(tier: Tier): CodeableConcept {
  return { coding: [{ system: CODE_SYSTEM.tier, code: tier, display: TIER_TITLE[tier] }], text: TIER_TITLE[tier] };
}

/** The rule as the author of what we write: a device, named, not a resolvable resource. */
export function sentinelAuthor(alert: Alert): Reference<Device> {
  return { type: 'Device', display: `poems-sentinel (rule ${alert.ruleVersion}, profile ${alert.profileVersion})` };
}
