import type { Flag } from '@medplum/fhirtypes';
import type { Alert } from '../../domain/alert.js';
import { currentEpisodeEvents } from '../alert-text.js';
import { FLAG_CATEGORY_SYSTEM } from './code-systems.js';
import type { PatientSystems } from './patient-identifier.js';
import { episodeIdentifier, patientReference, sentinelAuthor, tierConcept } from './references.js';

/**
 * The chart banner: active while the issue asks something of the clinicians (open, acknowledged
 * — someone is on it, the others should still see it — and snoozed — "not now" is not "no");
 * inactive once withdrawn or dismissed, with the period closed at the alert's last change.
 */
export function flagOf(alert: Alert, systems: PatientSystems): Flag {
  const active = alert.status !== 'withdrawn' && alert.status !== 'dismissed';
  const { start } = currentEpisodeEvents(alert);
  return {
    resourceType: 'Flag',
    identifier: [episodeIdentifier(alert)],
    status: active ? 'active' : 'inactive',
    category: [{ coding: [{ system: FLAG_CATEGORY_SYSTEM, code: 'clinical', display: 'Clinical' }] }],
    code: tierConcept(alert.tier),
    subject: patientReference(alert, systems),
    period: active ? { start } : { start, end: alert.updatedAt },
    author: sentinelAuthor(alert),
  };
}
