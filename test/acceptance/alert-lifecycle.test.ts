/**
 * Alert lifecycle (spec §4): escalation and notification per episode, downgrades, withdrawal and
 * reopening, dismissal and snooze surviving withdrawal, merges combining alerts. Notifications
 * are listed as "tier@episode".
 */
import { describe } from 'vitest';
import { a40, ackAlert, cidp, clockAt, dismissAlert, ife, plt, pn, snoozeAlert, vegf } from './harness/feed-builders.js';
import { sequenceCases } from './harness/sequence.js';

const LAMBDA = 'IgA lambda monoclonal protein detected.';
const PRIOR = 'Q900^^^HOSPA^MR';
const SURVIVOR = 'P100^^^HOSPA^MR';

describe('escalation, updates and downgrades within an episode', () => {
  sequenceCases([
    {
      label: 'Screening gap → work-up → criteria met: each tier notified once',
      steps: [cidp('20250301'), plt('20250302', 520), vegf('20250305', 480), ife('20250310', LAMBDA)],
      want: { tier: 'criteria-met', status: 'open', notified: ['screening-gap@1', 'workup-recommended@1', 'criteria-met@1'] },
    },
    {
      label: 'Same tier again (another high count): evidence updates, no new notification',
      steps: [cidp('20250301'), plt('20250302', 520), plt('20250320', 540)],
      want: { tier: 'screening-gap', status: 'open', notified: ['screening-gap@1'] },
    },
    {
      label: 'Downgrade after a deletion, then the same tier again in the same episode: not re-notified',
      steps: [
        cidp('20250301'),
        plt('20250302', 520),
        vegf('20250305', 480, { order: 'V1' }),
        vegf('20250305', '', { order: 'V1', status: 'D', sent: '20250306' }),
        vegf('20250320', 510, { order: 'V2' }),
      ],
      want: { tier: 'workup-recommended', status: 'open', notified: ['screening-gap@1', 'workup-recommended@1'] },
    },
    {
      label: 'A downgrade keeps the alert open at the lower tier',
      steps: [cidp('20250301'), plt('20250302', 520), vegf('20250305', 480, { order: 'V1' }), vegf('20250305', '', { order: 'V1', status: 'D', sent: '20250306' })],
      want: { tier: 'screening-gap', status: 'open', notified: ['screening-gap@1', 'workup-recommended@1'] },
    },
    {
      label: 'Acknowledged alert, same tier update: stays acknowledged',
      steps: [cidp('20250301'), plt('20250302', 520), ackAlert(), plt('20250320', 540)],
      want: { tier: 'screening-gap', status: 'acknowledged', notified: ['screening-gap@1'] },
    },
  ]);
});

describe('withdrawal and reopening', () => {
  sequenceCases([
    {
      label: 'Withdrawn by a correction, then qualifies again: a new episode, notified again',
      steps: [cidp('20250301'), plt('20250302', 520, { order: 'O1' }), plt('20250302', 300, { order: 'O1', status: 'C', sent: '20250303' }), plt('20250401', 530)],
      want: { tier: 'screening-gap', status: 'open', notified: ['screening-gap@1', 'screening-gap@2'] },
    },
    {
      label: 'Withdrawn by a deletion, then qualifies again through other evidence: episode 2 notified',
      steps: [pn('20250301'), vegf('20250302', 480, { order: 'V1' }), vegf('20250302', '', { order: 'V1', status: 'D', sent: '20250303' }), ife('20250401', LAMBDA)],
      want: { tier: 'workup-recommended', status: 'open', notified: ['workup-recommended@1', 'workup-recommended@2'] },
    },
  ]);
});

describe('dismissal and snooze', () => {
  sequenceCases([
    {
      label: 'Dismissed at screening gap; a second high count is not notified',
      steps: [cidp('20250301'), plt('20250302', 520), dismissAlert(), plt('20250320', 540)],
      want: { tier: 'screening-gap', status: 'dismissed', notified: ['screening-gap@1'] },
    },
    {
      label: 'Dismissed at screening gap; a rise to work-up is notified',
      steps: [cidp('20250301'), plt('20250302', 520), dismissAlert(), vegf('20250320', 480)],
      want: { tier: 'workup-recommended', notified: ['screening-gap@1', 'workup-recommended@1'] },
    },
    {
      label: 'Dismissal survives withdrawal: the reopened episode at the same tier is not notified',
      steps: [cidp('20250301'), plt('20250302', 520, { order: 'O1' }), dismissAlert(), plt('20250302', 300, { order: 'O1', status: 'C', sent: '20250303' }), plt('20250401', 530)],
      want: { tier: 'screening-gap', notified: ['screening-gap@1'] },
    },
    {
      label: 'Dismissal survives withdrawal: the reopened episode is notified above the dismissed tier',
      steps: [cidp('20250301'), plt('20250302', 520, { order: 'O1' }), dismissAlert(), plt('20250302', 300, { order: 'O1', status: 'C', sent: '20250303' }), plt('20250401', 530), vegf('20250405', 480)],
      want: { tier: 'workup-recommended', notified: ['screening-gap@1', 'workup-recommended@2'] },
    },
    {
      label: 'Snoozed; the tier rises before the date: notified',
      steps: [cidp('20250301'), plt('20250302', 520), snoozeAlert('20250601'), vegf('20250320', 480)],
      want: { tier: 'workup-recommended', notified: ['screening-gap@1', 'workup-recommended@1'] },
    },
    {
      label: 'Snooze survives withdrawal: reopened before the snooze date, not notified',
      steps: [cidp('20250301'), plt('20250302', 520, { order: 'O1' }), snoozeAlert('20250601'), plt('20250302', 300, { order: 'O1', status: 'C', sent: '20250303' }), plt('20250401', 530)],
      want: { tier: 'screening-gap', notified: ['screening-gap@1'] },
    },
    {
      label: 'Snooze survives withdrawal: reopened after the snooze date, notified',
      steps: [cidp('20250301'), plt('20250302', 520, { order: 'O1' }), snoozeAlert('20250401'), plt('20250302', 300, { order: 'O1', status: 'C', sent: '20250303' }), clockAt('20250501'), plt('20250501', 530)],
      want: { tier: 'screening-gap', notified: ['screening-gap@1', 'screening-gap@2'] },
    },
  ]);
});

describe('merges (ADT^A40) combine alerts', () => {
  sequenceCases([
    {
      label: 'Only the prior id had an alert: it moves to the survivor without a new notification',
      steps: [cidp('20250301', { pid3: PRIOR }), plt('20250302', 520, { pid3: PRIOR }), a40('20250310', SURVIVOR, PRIOR)],
      want: { tier: 'screening-gap', status: 'open' },
      also: { 'HOSPA|Q900': { status: 'none' } },
      notifications: ['screening-gap@1'],
    },
    {
      label: 'Findings split across two ids meet the criteria only after the merge',
      steps: [cidp('20250301', { pid3: PRIOR }), plt('20250302', 520, { pid3: PRIOR }), ife('20250305', LAMBDA), vegf('20250306', 480), a40('20250310', SURVIVOR, PRIOR)],
      want: { tier: 'criteria-met', status: 'open' },
      notifications: ['screening-gap@1', 'criteria-met@1'],
    },
    {
      label: 'Both ids had alerts: the survivor keeps the higher tier, the other closes withdrawn, nobody re-notified',
      steps: [cidp('20250301', { pid3: PRIOR }), plt('20250302', 520, { pid3: PRIOR }), pn('20250303'), vegf('20250304', 480), a40('20250310', SURVIVOR, PRIOR)],
      want: { tier: 'workup-recommended', status: 'open' },
      also: { 'HOSPA|Q900': { status: 'withdrawn' } },
      notifications: ['screening-gap@1', 'workup-recommended@1'],
    },
    {
      label: 'The merged alert carries the dismissal: not notified at the dismissed tier, notified above it',
      steps: [
        cidp('20250301', { pid3: PRIOR }),
        vegf('20250302', 480, { pid3: PRIOR }),
        dismissAlert('HOSPA|Q900'),
        pn('20250303'),
        plt('20250304', 520),
        a40('20250310', SURVIVOR, PRIOR),
        ife('20250320', LAMBDA),
      ],
      want: { tier: 'criteria-met' },
      notifications: ['workup-recommended@1', 'criteria-met@1'],
    },
  ]);
});
