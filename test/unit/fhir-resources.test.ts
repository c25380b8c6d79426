import { readFileSync } from 'node:fs';
import type { Bundle, Flag, Resource, Task } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import { AlertStatus, DismissReason } from '../../src/domain/alert.js';
import { FindingKind } from '../../src/domain/finding.js';
import { WORKUP_ITEMS } from '../../src/rules/workup.js';
import { TIERS } from '../../src/domain/tier.js';
import { PermanentDeliveryError } from '../../src/notifiers/alert-queue.js';
import { CODE_SYSTEM, IDENTIFIER_SYSTEM } from '../../src/notifiers/fhir/code-systems.js';
import { detectedIssueOf } from '../../src/notifiers/fhir/detected-issue.js';
import { flagOf } from '../../src/notifiers/fhir/flag.js';
import { patientIdentifier, patientKeysOf } from '../../src/notifiers/fhir/patient-identifier.js';
import { identifierQuery } from '../../src/notifiers/fhir/references.js';
import { taskOf } from '../../src/notifiers/fhir/task.js';
import { transactionOf } from '../../src/notifiers/fhir/transaction.js';
import { AUTHORITY, notificationOf, PATIENT_ID, PATIENT_SYSTEM, syntheticAlert } from '../support/alert-fixture.js';
import { loadR4, validateR4 } from '../support/fhir-r4.js';

const systems = { [AUTHORITY]: PATIENT_SYSTEM };

const acknowledged = syntheticAlert({
  status: 'acknowledged',
  updatedAt: '2025-02-06T10:00:00.000Z',
  history: [
    ...syntheticAlert().history,
    { at: '2025-02-06T10:00:00.000Z', event: 'acknowledged', by: 'dr.test', tier: 'criteria-met', status: 'acknowledged', reason: 'acknowledged by dr.test' },
  ],
});

const dismissed = syntheticAlert({
  status: 'dismissed',
  updatedAt: '2025-02-07T10:00:00.000Z',
  dismissal: { reason: 'already-under-haematology', note: 'seen in clinic', tier: 'criteria-met', at: '2025-02-07T10:00:00.000Z', by: 'dr.test' },
  history: [
    ...acknowledged.history,
    { at: '2025-02-07T10:00:00.000Z', event: 'dismissed', by: 'dr.test', tier: 'criteria-met', status: 'dismissed', reason: 'dismissed at criteria-met: already-under-haematology — seen in clinic' },
  ],
});

const withdrawn = syntheticAlert({
  status: 'withdrawn',
  updatedAt: '2025-02-08T10:00:00.000Z',
  history: [
    ...syntheticAlert().history,
    { at: '2025-02-08T10:00:00.000Z', event: 'withdrawn', tier: 'criteria-met', status: 'withdrawn', reason: 'no tier holds any more: no neuropathy' },
  ],
});

describe('FHIR resources of an alert', () => {
  beforeAll(() => loadR4(), 60_000);

  describe('when every status and tier is written', () => {
    const cases = AlertStatus.options.flatMap((status) => TIERS.map((tier) => ({ status, tier })));
    it.each(cases)('$status $tier: DetectedIssue, Flag, Task and the Bundle pass the R4 validator and the required value sets', ({ status, tier }) => {
      const alert = syntheticAlert({ status, tier, notifiedTiers: [tier] });
      for (const event of ['created', 'escalated'] as const) {
        const bundle = transactionOf(notificationOf(alert, event), alert, systems);
        expect(validateR4(bundle)).toEqual([]);
        for (const entry of bundle.entry ?? []) expect(validateR4(entry.resource as Resource)).toEqual([]);
      }
    });
  });

  it('the validator is real: it rejects a wrong code, an unknown property and R5-only status codes', () => {
    const flag = flagOf(syntheticAlert(), systems);
    expect(validateR4({ ...flag, status: 'paused' } as unknown as Flag).map((i) => i.expression?.[0])).toEqual(['Flag.status']);
    expect(validateR4({ ...flag, colour: 'red' } as unknown as Flag)).not.toEqual([]);
    const issue = detectedIssueOf(syntheticAlert(), systems);
    // R4 binds DetectedIssue.status to ObservationStatus: `cancelled` is R4, `mitigated` is R5 only
    expect(validateR4({ ...issue, status: 'mitigated' } as unknown as Resource)).not.toEqual([]);
    expect(validateR4({ ...issue, status: 'cancelled' } as unknown as Resource)).toEqual([]);
    const task = taskOf(syntheticAlert(), systems);
    expect(validateR4({ ...task, intent: 'wish' } as unknown as Task).map((i) => i.expression?.[0])).toEqual(['Task.intent']);
    const bundle = transactionOf(notificationOf(syntheticAlert()), syntheticAlert(), systems);
    const nested = { ...bundle, entry: [{ ...bundle.entry?.[0], resource: { ...flag, status: 'paused' } }] } as unknown as Bundle;
    expect(validateR4(nested)).not.toEqual([]);
  });

  describe('DetectedIssue', () => {
    it('an open criteria-met alert: final, high severity, our tier code, the patient by identifier, evidence by source identifier', () => {
      const issue = detectedIssueOf(syntheticAlert(), systems);
      expect(issue).toMatchObject({
        status: 'final',
        severity: 'high',
        code: { coding: [{ system: CODE_SYSTEM.tier, code: 'criteria-met' }] },
        patient: { type: 'Patient', identifier: { system: PATIENT_SYSTEM, value: PATIENT_ID } },
        identifier: [{ system: IDENTIFIER_SYSTEM.alertEpisode, value: '3f6c1d2e-8a4b-4c5d-9e6f-0a1b2c3d4e5f.1' }],
        identifiedDateTime: '2025-02-05T08:01:00.000Z',
        detail: 'CIDP with an IgA λ monoclonal protein, VEGF elevation and thrombocytosis',
      });
      expect(issue.mitigation).toBeUndefined();
      expect(issue.evidence).toHaveLength(4);
      expect(issue.evidence?.[2]).toEqual({
        code: [{ coding: [{ system: CODE_SYSTEM.findingKind, code: 'vegfHigh' }], text: 'VEGF elevation' }],
        detail: [{ type: 'Observation', identifier: { system: IDENTIFIER_SYSTEM.hl7v2Result, value: 'SYNTHLAB|MSG0003|F1002|75628-8|' }, display: 'VEGF elevation: 850 pg/mL on 2025-02-05' }],
      });
      expect(issue.evidence?.[0]?.detail?.[0]?.type).toBe('Condition');
    });

    it.each([
      ['workup-recommended', 'moderate'],
      ['screening-gap', 'low'],
    ] as const)('severity of %s is %s', (tier, severity) => {
      expect(detectedIssueOf(syntheticAlert({ tier }), systems).severity).toBe(severity);
    });

    it('acknowledgement and dismissal become mitigations with action code, date and author', () => {
      const issue = detectedIssueOf(dismissed, systems);
      expect(issue.status).toBe('final');
      expect(issue.mitigation).toEqual([
        { action: { coding: [{ system: CODE_SYSTEM.alertAction, code: 'acknowledged', display: 'Acknowledged by a clinician' }], text: 'acknowledged by dr.test' }, date: '2025-02-06T10:00:00.000Z', author: { type: 'Practitioner', display: 'dr.test' } },
        { action: { coding: [{ system: CODE_SYSTEM.alertAction, code: 'dismissed', display: 'Dismissed by a clinician' }], text: 'dismissed at criteria-met: already-under-haematology — seen in clinic' }, date: '2025-02-07T10:00:00.000Z', author: { type: 'Practitioner', display: 'dr.test' } },
      ]);
    });

    it('a withdrawn alert is cancelled, never entered-in-error', () => {
      expect(detectedIssueOf(withdrawn, systems).status).toBe('cancelled');
    });

    it('a reopened episode has its own identifier and starts at the reopening, without the earlier episode\'s actions', () => {
      const reopened = syntheticAlert({
        episode: 2,
        updatedAt: '2025-03-01T00:00:00.000Z',
        history: [
          ...dismissed.history,
          { at: '2025-02-20T00:00:00.000Z', event: 'withdrawn', tier: 'criteria-met', status: 'withdrawn', reason: 'no tier' },
          { at: '2025-03-01T00:00:00.000Z', event: 'reopened', tier: 'criteria-met', status: 'open', reason: 'again' },
        ],
      });
      const issue = detectedIssueOf(reopened, systems);
      expect(issue.identifier?.[0]?.value).toBe('3f6c1d2e-8a4b-4c5d-9e6f-0a1b2c3d4e5f.2');
      expect(issue.identifiedDateTime).toBe('2025-03-01T00:00:00.000Z');
      expect(issue.mitigation).toBeUndefined();
    });
  });

  describe('Flag', () => {
    it.each([
      ['open', 'active'],
      ['acknowledged', 'active'],
      ['snoozed', 'active'],
      ['dismissed', 'inactive'],
      ['withdrawn', 'inactive'],
    ] as const)('%s → %s', (status, flagStatus) => {
      const flag = flagOf(syntheticAlert({ status, updatedAt: '2025-02-09T00:00:00.000Z' }), systems);
      expect(flag.status).toBe(flagStatus);
      expect(flag.period).toEqual(flagStatus === 'active' ? { start: '2025-02-05T08:01:00.000Z' } : { start: '2025-02-05T08:01:00.000Z', end: '2025-02-09T00:00:00.000Z' });
      expect(flag.identifier).toEqual(detectedIssueOf(syntheticAlert(), systems).identifier);
    });
  });

  describe('Task', () => {
    it('a proposal for the suggested work-up, one input per item, urgent when criteria are met, focused on the DetectedIssue', () => {
      const task = taskOf(syntheticAlert(), systems);
      expect(task).toMatchObject({
        status: 'requested',
        intent: 'proposal',
        priority: 'urgent',
        for: { type: 'Patient', identifier: { system: PATIENT_SYSTEM, value: PATIENT_ID } },
        focus: { type: 'DetectedIssue', identifier: { system: IDENTIFIER_SYSTEM.alertEpisode } },
      });
      expect(task.input).toEqual([
        { type: { coding: [{ system: CODE_SYSTEM.workup, code: 'bone-imaging' }], text: 'Suggested work-up' }, valueString: 'Low-dose whole-body CT for sclerotic bone lesions.' },
        { type: { coding: [{ system: CODE_SYSTEM.workup, code: 'haematology-referral' }], text: 'Suggested work-up' }, valueString: 'Haematology referral if the criteria are approached.' },
      ]);
      expect(taskOf(syntheticAlert({ tier: 'screening-gap' }), systems).priority).toBe('routine');
      expect(taskOf(syntheticAlert({ suggestedWorkup: [] }), systems).input).toBeUndefined();
    });

    it.each([
      [acknowledged, 'accepted', undefined],
      [syntheticAlert({ status: 'snoozed' }), 'on-hold', undefined],
      [dismissed, 'rejected', 'dismissed at criteria-met: already-under-haematology — seen in clinic'],
      [withdrawn, 'cancelled', 'no tier holds any more: no neuropathy'],
    ] as const)('follows the clinicians: %#', (alert, status, reason) => {
      const task = taskOf(alert, systems);
      expect(task.status).toBe(status);
      expect(task.statusReason?.text).toBe(reason);
    });
  });

  describe('the transaction Bundle', () => {
    it('first notification of an episode: conditional creates on the shared identifier; the key is the Bundle identifier', () => {
      const alert = syntheticAlert();
      const bundle = transactionOf(notificationOf(alert, 'created'), alert, systems);
      const query = `identifier=${encodeURIComponent(`${IDENTIFIER_SYSTEM.alertEpisode}|${alert.id}.1`)}`;
      expect(bundle.type).toBe('transaction');
      expect(bundle.identifier).toEqual({ system: IDENTIFIER_SYSTEM.notification, value: `${alert.id}|1|criteria-met` });
      expect(bundle.entry?.map((e) => [e.resource?.resourceType, e.request])).toEqual([
        ['DetectedIssue', { method: 'POST', url: 'DetectedIssue', ifNoneExist: query }],
        ['Flag', { method: 'POST', url: 'Flag', ifNoneExist: query }],
        ['Task', { method: 'POST', url: 'Task', ifNoneExist: query }],
      ]);
      expect(transactionOf(notificationOf(alert, 'reopened'), alert, systems).entry?.[0]?.request?.method).toBe('POST');
    });

    it('an escalation within the episode: conditional updates', () => {
      const alert = syntheticAlert();
      const bundle = transactionOf(notificationOf(alert, 'escalated'), alert, systems);
      expect(bundle.entry?.map((e) => e.request?.method)).toEqual(['PUT', 'PUT', 'PUT']);
      expect(bundle.entry?.[1]?.request?.url).toBe(`Flag?${identifierQuery({ system: IDENTIFIER_SYSTEM.alertEpisode, value: `${alert.id}.1` })}`);
    });

    it('escapes search delimiters inside an identifier', () => {
      expect(decodeURIComponent(identifierQuery({ system: 'urn:x', value: 'a|b,c$d\\e' }))).toBe('identifier=urn:x|a\\|b\\,c\\$d\\\\e');
    });

    it('refuses an alert whose assigning authority has no FHIR system: permanent, nothing guessed', () => {
      const alert = syntheticAlert({ patientKey: 'ELSEWHERE|42' });
      expect(() => transactionOf(notificationOf(alert), alert, systems)).toThrow(PermanentDeliveryError);
      expect(() => transactionOf(notificationOf(alert), alert, systems)).toThrow(/assigning authority "ELSEWHERE"/);
    });
  });
});

describe('patient identifier systems', () => {
  it('configured systems first, then OIDs as urn:oid, otherwise none', () => {
    expect(patientIdentifier('HOSP|123', { HOSP: 'https://hosp.example/mrn' })).toEqual({ system: 'https://hosp.example/mrn', value: '123' });
    expect(patientIdentifier('2.16.840.1.113883.3.72|123', {})).toEqual({ system: 'urn:oid:2.16.840.1.113883.3.72', value: '123' });
    expect(patientIdentifier('HOSP|123', {})).toBeUndefined();
    expect(patientIdentifier('|123', {})).toBeUndefined();
    expect(patientIdentifier('|123', { '': 'urn:oid:2.999' })).toEqual({ system: 'urn:oid:2.999', value: '123' });
    expect(patientIdentifier('HOSP|12|3', { HOSP: 'urn:x' })).toEqual({ system: 'urn:x', value: '12|3' });
  });

  it('and back: FHIR identifiers to patient keys, unknown systems ignored', () => {
    const keys = patientKeysOf([
      { system: 'http://other.example/ssn', value: '999' },
      { system: 'https://hosp.example/mrn', value: '123' },
      { system: 'urn:oid:2.16.840.1.113883.3.72', value: '456' },
      { system: 'urn:oid:not-an-oid', value: '7' },
      { value: 'no-system' },
    ], { HOSP: 'https://hosp.example/mrn' });
    expect(keys).toEqual(['HOSP|123', '2.16.840.1.113883.3.72|456']);
  });
});

describe('docs/channels/fhir.md', () => {
  const page = readFileSync(new URL('../../docs/channels/fhir.md', import.meta.url), 'utf8');
  it('lists every code system and every code we emit', () => {
    const systems = [...Object.values(CODE_SYSTEM), ...Object.values(IDENTIFIER_SYSTEM)];
    const codes = [...TIERS, ...FindingKind.options, ...WORKUP_ITEMS.map((w) => w.id), ...DismissReason.options, 'acknowledged', 'dismissed', 'poems-workup'];
    for (const text of [...systems, ...codes]) expect(page, text).toContain(`\`${text}\``);
  });
});
