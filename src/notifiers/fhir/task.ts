import type { Task, TaskInput } from '@medplum/fhirtypes';
import type { Alert, AlertStatus } from '../../domain/alert.js';
import { currentEpisodeEvents, TIER_TITLE } from '../alert-text.js';
import { CODE_SYSTEM } from './code-systems.js';
import type { PatientSystems } from './patient-identifier.js';
import { episodeIdentifier, patientReference, sentinelAuthor } from './references.js';

/**
 * The clinicians' answer to the alert, in Task terms: acknowledging takes the work on
 * (`accepted`), a snooze puts it `on-hold`, a dismissal declines it (`rejected`), and a withdrawn
 * alert no longer asks for it (`cancelled`).
 */
const STATUS: Record<AlertStatus, Task['status']> = {
  open: 'requested',
  acknowledged: 'accepted',
  snoozed: 'on-hold',
  dismissed: 'rejected',
  withdrawn: 'cancelled',
};

/**
 * The suggested work-up as a Task: a proposal (the rule suggests, a clinician decides), urgent
 * when the criteria are met, one `input` per work-up item (coded by its stable id, the text as the
 * value), focused on the episode's DetectedIssue by its shared identifier.
 */
export function taskOf(alert: Alert, systems: PatientSystems): Task {
  const { start, events } = currentEpisodeEvents(alert);
  const input = alert.suggestedWorkup.map((item): TaskInput => ({
    type: { coding: [{ system: CODE_SYSTEM.workup, code: item.id }], text: 'Suggested work-up' },
    valueString: item.text,
  }));
  const closing = alert.status === 'dismissed' || alert.status === 'withdrawn' ? [...events].reverse().find((e) => e.status === alert.status) : undefined;
  const identifier = episodeIdentifier(alert);
  return {
    resourceType: 'Task',
    identifier: [identifier],
    status: STATUS[alert.status],
    ...(closing ? { statusReason: { text: closing.reason } } : {}),
    intent: 'proposal',
    priority: alert.tier === 'criteria-met' ? 'urgent' : 'routine',
    code: { coding: [{ system: CODE_SYSTEM.task, code: 'poems-workup', display: 'POEMS syndrome work-up' }], text: 'POEMS syndrome work-up' },
    description: `${TIER_TITLE[alert.tier]}: ${alert.reason}`,
    focus: { type: 'DetectedIssue', identifier },
    for: patientReference(alert, systems),
    authoredOn: start,
    lastModified: alert.updatedAt,
    requester: sentinelAuthor(alert),
    ...(input.length > 0 ? { input } : {}),
  };
}
