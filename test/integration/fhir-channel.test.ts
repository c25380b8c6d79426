import type { DetectedIssue, Flag, Task } from '@medplum/fhirtypes';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { notificationKey } from '../../src/domain/alert.js';
import { PermanentDeliveryError } from '../../src/notifiers/alert-queue.js';
import { FhirChannelConfig } from '../../src/notifiers/fhir/fhir.config.js';
import { IDENTIFIER_SYSTEM } from '../../src/notifiers/fhir/code-systems.js';
import { FhirNotifier } from '../../src/notifiers/fhir.notifier.js';
import { TransientDeliveryError } from '../../src/notifiers/http-delivery.js';
import { AUTHORITY, deliveryOf, PATIENT_SYSTEM, syntheticAlert } from '../support/alert-fixture.js';
import { LoopbackFhirServer } from '../support/fhir-server.js';

const TOKEN = 'test-token-not-a-secret';

describe('FHIR R4 channel against a loopback FHIR server', () => {
  let server: LoopbackFhirServer;
  let baseUrl: string;
  let notifier: FhirNotifier;

  beforeEach(async () => {
    server = new LoopbackFhirServer({ bearerToken: TOKEN });
    baseUrl = await server.start();
    notifier = new FhirNotifier(FhirChannelConfig.parse({ baseUrl, bearerToken: TOKEN, timeoutMs: 1_000, patientSystems: { [AUTHORITY]: PATIENT_SYSTEM } }));
  });
  afterEach(async () => server.stop());

  const counts = (): number[] => ['DetectedIssue', 'Flag', 'Task'].map((t) => server.all(t).length);

  it('writes the DetectedIssue, Flag and Task of a new alert in one transaction, each with the shared identifier', async () => {
    const alert = syntheticAlert();
    const receipt = await notifier.deliver(deliveryOf(alert));
    expect(receipt.reference).toMatch(/^DetectedIssue\/\d+\/_history\/1$/);
    expect(counts()).toEqual([1, 1, 1]);
    const request = server.requests[0];
    expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request?.headers['content-type']).toBe('application/fhir+json');
    expect(request?.headers['x-sentinel-key']).toBe(notificationKey(alert.id, 1, 'criteria-met'));
    const value = `${alert.id}.1`;
    for (const type of ['DetectedIssue', 'Flag', 'Task']) {
      expect(server.search(type, `${IDENTIFIER_SYSTEM.alertEpisode}|${value}`)).toHaveLength(1);
    }
  });

  it('a retried or duplicated delivery never makes a second copy', async () => {
    const delivery = deliveryOf(syntheticAlert());
    await notifier.deliver(delivery);
    await notifier.deliver(delivery);
    await notifier.deliver(delivery);
    expect(counts()).toEqual([1, 1, 1]);
    expect(server.all('DetectedIssue')[0]?.meta.versionId).toBe('1');
  });

  it('an escalation updates the same resources; a late copy of the first notification does not undo it', async () => {
    const first = syntheticAlert({ tier: 'workup-recommended', notifiedTiers: ['workup-recommended'] });
    await notifier.deliver(deliveryOf(first));
    const escalated = syntheticAlert({ tier: 'criteria-met', notifiedTiers: ['workup-recommended', 'criteria-met'], updatedAt: '2025-02-10T00:00:00.000Z' });
    await notifier.deliver(deliveryOf(escalated, 'escalated'));
    await notifier.deliver(deliveryOf(first, 'created'));
    expect(counts()).toEqual([1, 1, 1]);
    const issue = server.all('DetectedIssue')[0] as unknown as DetectedIssue;
    expect(issue.severity).toBe('high');
    expect(issue.meta?.versionId).toBe('2');
    expect((server.all('Task')[0] as unknown as Task).priority).toBe('urgent');
  });

  it('an escalation whose first notification never arrived creates the resources', async () => {
    await notifier.deliver(deliveryOf(syntheticAlert(), 'escalated'));
    expect(counts()).toEqual([1, 1, 1]);
  });

  it('clinician actions and withdrawal reach the chart with a later delivery of the episode', async () => {
    const alert = syntheticAlert();
    await notifier.deliver(deliveryOf(alert));
    const withdrawn = syntheticAlert({
      status: 'withdrawn',
      updatedAt: '2025-02-08T00:00:00.000Z',
      history: [...alert.history, { at: '2025-02-08T00:00:00.000Z', event: 'withdrawn', tier: 'criteria-met', status: 'withdrawn', reason: 'no tier holds any more: IFE corrected' }],
    });
    await notifier.deliver(deliveryOf(withdrawn, 'escalated'));
    expect(counts()).toEqual([1, 1, 1]);
    expect((server.all('DetectedIssue')[0] as unknown as { status: string }).status).toBe('cancelled');
    expect((server.all('Flag')[0] as unknown as Flag).status).toBe('inactive');
    expect((server.all('Task')[0] as unknown as Task).status).toBe('cancelled');
  });

  it('a reopened episode is a new issue on the chart', async () => {
    await notifier.deliver(deliveryOf(syntheticAlert()));
    await notifier.deliver(deliveryOf(syntheticAlert({ episode: 2 }), 'reopened'));
    expect(counts()).toEqual([2, 2, 2]);
  });

  describe('when the server fails', () => {
    it('5xx is transient, and the retry writes once', async () => {
      server.failNext({ status: 503 });
      const delivery = deliveryOf(syntheticAlert());
      const err = await notifier.deliver(delivery).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TransientDeliveryError);
      expect(err).not.toBeInstanceOf(PermanentDeliveryError);
      expect(counts()).toEqual([0, 0, 0]);
      await notifier.deliver(delivery);
      expect(counts()).toEqual([1, 1, 1]);
    });

    it('429 and 408 are transient too', async () => {
      server.failNext({ status: 429 }, { status: 408 });
      await expect(notifier.deliver(deliveryOf(syntheticAlert()))).rejects.toBeInstanceOf(TransientDeliveryError);
      await expect(notifier.deliver(deliveryOf(syntheticAlert()))).rejects.toBeInstanceOf(TransientDeliveryError);
    });

    it('a server that never answers is a transient timeout, bounded by timeoutMs', async () => {
      server.failNext('hang');
      await expect(notifier.deliver(deliveryOf(syntheticAlert()))).rejects.toThrow(/FHIR server: no answer within 1000 ms/);
    });

    it('a reset connection is transient', async () => {
      server.failNext('reset');
      await expect(notifier.deliver(deliveryOf(syntheticAlert()))).rejects.toBeInstanceOf(TransientDeliveryError);
    });

    it('a server that is down is transient', async () => {
      await server.stop();
      await expect(notifier.deliver(deliveryOf(syntheticAlert()))).rejects.toThrow(/FHIR server: connection failed \(ECONNREFUSED\)/);
    });
  });

  describe('when the server refuses', () => {
    it('an invalid resource is a 422 with the validator\'s OperationOutcome: permanent', async () => {
      // not a FHIR dateTime: the alert contract allows any string, FHIR does not
      const alert = syntheticAlert({ updatedAt: 'yesterday' });
      const err = await notifier.deliver(deliveryOf(alert)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PermanentDeliveryError);
      expect(String(err)).toMatch(/FHIR server answered 422: .*lastModified/);
      expect(counts()).toEqual([0, 0, 0]);
    });

    it('a missing or wrong token is a 401: permanent', async () => {
      const anonymous = new FhirNotifier(FhirChannelConfig.parse({ baseUrl, timeoutMs: 1_000, patientSystems: { [AUTHORITY]: PATIENT_SYSTEM } }));
      await expect(anonymous.deliver(deliveryOf(syntheticAlert()))).rejects.toThrow(/FHIR server answered 401/);
    });

    it('a patient whose authority has no FHIR system is refused before any request', async () => {
      await expect(notifier.deliver(deliveryOf(syntheticAlert({ patientKey: 'UNMAPPED|9' })))).rejects.toBeInstanceOf(PermanentDeliveryError);
      expect(server.requests).toHaveLength(0);
    });
  });
});

describe('FHIR channel configuration', () => {
  it('refuses plain http to another machine unless told, and a bad patient system', () => {
    expect(FhirChannelConfig.safeParse({ baseUrl: 'http://fhir.hospital.example/r4' }).success).toBe(false);
    expect(FhirChannelConfig.safeParse({ baseUrl: 'http://fhir.hospital.example/r4', allowInsecureHttp: true }).success).toBe(true);
    expect(FhirChannelConfig.safeParse({ baseUrl: 'https://fhir.hospital.example/r4' }).success).toBe(true);
    expect(FhirChannelConfig.safeParse({ baseUrl: 'https://fhir.hospital.example/r4', patientSystems: { HOSP: 'not a uri' } }).success).toBe(false);
    expect(FhirChannelConfig.safeParse({ baseUrl: 'https://fhir.hospital.example/r4', colour: 'red' }).success).toBe(false);
  });
});
