import type { Bundle, BundleEntry, BundleEntryRequest, Flag, Resource, Task } from '@medplum/fhirtypes';
import type { Alert, Notification } from '../../domain/alert.js';
import { IDENTIFIER_SYSTEM } from './code-systems.js';
import { detectedIssueOf, type R4DetectedIssue } from './detected-issue.js';
import { flagOf } from './flag.js';
import type { PatientSystems } from './patient-identifier.js';
import { episodeIdentifier, identifierQuery } from './references.js';
import { taskOf } from './task.js';

type Emitted = R4DetectedIssue | Flag | Task;

/**
 * The transaction Bundle for one delivery: the episode's DetectedIssue, Flag and Task, each
 * written conditionally on the shared business identifier, so that no delivery, retry or
 * duplicate ever makes a second copy:
 * - the first notification of an episode (`created`, `reopened`) is a conditional create
 *   (`POST` with `ifNoneExist`): a retry, or a late copy of it arriving after an escalation was
 *   written, changes nothing;
 * - every later notification of the episode (`escalated`) is a conditional update
 *   (`PUT <type>?identifier=…`): the resources take the alert as it is now (tier, severity,
 *   status, evidence, mitigations), and are created if the first delivery never got through.
 * The Bundle itself carries the notification key as its identifier (the port's deduplication key).
 */
export function transactionOf(notification: Notification, alert: Alert, systems: PatientSystems): Bundle {
  const identifier = episodeIdentifier(alert);
  const query = identifierQuery(identifier);
  const create = notification.event === 'created' || notification.event === 'reopened';
  const entry = (resource: Emitted): BundleEntry => {
    const request: BundleEntryRequest = create
      ? { method: 'POST', url: resource.resourceType, ifNoneExist: query }
      : { method: 'PUT', url: `${resource.resourceType}?${query}` };
    // R4DetectedIssue differs from medplum's type only in the status codes it allows
    return { resource: resource as Resource, request };
  };
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    identifier: { system: IDENTIFIER_SYSTEM.notification, value: notification.key },
    timestamp: notification.createdAt,
    entry: [detectedIssueOf(alert, systems), flagOf(alert, systems), taskOf(alert, systems)].map(entry),
  };
}
