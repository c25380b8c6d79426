import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/domain/alert.js';
import { CdsHooksConfig } from '../../src/inbox/cds-hooks/cds-hooks.config.js';
import { CDS_SERVICE_ID, cdsHooksPlugin } from '../../src/inbox/cds-hooks/cds-hooks.plugin.js';
import type { CdsAlertLookup, CdsFeedbackRecorder, OverrideReason } from '../../src/inbox/cds-hooks/ports.js';
import { CODE_SYSTEM } from '../../src/notifiers/fhir/code-systems.js';
import { AUTHORITY, PATIENT_ID, PATIENT_KEY, PATIENT_SYSTEM, syntheticAlert } from '../support/alert-fixture.js';
import { bearer as signedBearer, createTestCdsClient } from '../support/cds-client.js';
import { LoopbackFhirServer } from '../support/fhir-server.js';

const PUBLIC = 'https://sentinel.hospital.example';
const DISCOVERY_URL = `${PUBLIC}/cds-services`;
const SERVICE_URL = `${DISCOVERY_URL}/${CDS_SERVICE_ID}`;
const EHR_PATIENT_ID = 'ehr-patient-77';
const ehr = createTestCdsClient();
/** The service's clock; the EHR signs its tokens at the same instant. */
const NOW = new Date('2025-02-10T00:00:00.000Z');
const bearer = (client: typeof ehr, aud: string): string => signedBearer(client, aud, { nowSeconds: NOW.getTime() / 1000 });

/** The EHR's Patient: its own id, our MRN among its identifiers (synthetic). */
const ehrPatient = {
  resourceType: 'Patient',
  id: EHR_PATIENT_ID,
  identifier: [
    { system: 'https://ehr.synthetic.example/enterprise-id', value: 'E-991' },
    { system: PATIENT_SYSTEM, value: PATIENT_ID },
  ],
  name: [{ family: 'TESTPATIENT', given: ['ALPHA'] }],
};

class FakeAlerts implements CdsAlertLookup {
  readonly byKey = new Map<string, Alert>();
  failing = false;
  async getAlertForPatient(patientKey: string): Promise<Alert | null> {
    if (this.failing) throw new Error(`store down while reading ${patientKey}`);
    return this.byKey.get(patientKey) ?? null;
  }
}

class FakeFeedback implements CdsFeedbackRecorder {
  readonly calls: [string, string, OverrideReason | undefined, string][] = [];
  constructor(private readonly known: () => Set<string>) {}
  async recordFeedback(alertId: string, outcome: 'accepted' | 'overridden', reason: OverrideReason | undefined, at: string): Promise<boolean> {
    this.calls.push([alertId, outcome, reason, at]);
    return this.known().has(alertId);
  }
}

function hookRequest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    hook: 'patient-view',
    hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea',
    context: { userId: 'Practitioner/synthetic-1', patientId: EHR_PATIENT_ID },
    prefetch: { patient: ehrPatient },
    ...overrides,
  };
}

describe('CDS Hooks service', () => {
  let app: FastifyInstance;
  let alerts: FakeAlerts;
  let feedback: FakeFeedback;
  let fhir: LoopbackFhirServer;
  let fhirBase: string;

  beforeAll(async () => {
    fhir = new LoopbackFhirServer({ bearerToken: 'ehr-issued-access-token' });
    fhirBase = await fhir.start();
    fhir.seed(ehrPatient as never);
  }, 60_000);
  afterAll(async () => fhir.stop());

  beforeEach(async () => {
    alerts = new FakeAlerts();
    alerts.byKey.set(PATIENT_KEY, syntheticAlert());
    feedback = new FakeFeedback(() => new Set([...alerts.byKey.values()].map((a) => a.id)));
    app = Fastify();
    const config = CdsHooksConfig.parse({
      publicBaseUrl: PUBLIC,
      inboxBaseUrl: `${PUBLIC}/inbox`,
      patientSystems: { [AUTHORITY]: PATIENT_SYSTEM },
      fhirServers: [fhirBase],
      trustedClients: [{ iss: ehr.iss, jwks: ehr.jwks }],
      corsOrigins: ['https://ehr.synthetic.example'],
    });
    await app.register(cdsHooksPlugin, { config, alerts, feedback, clock: () => NOW });
    await app.ready();
  });
  afterEach(async () => app.close());

  const call = (body: unknown, aud = SERVICE_URL) => app.inject({ method: 'POST', url: `/cds-services/${CDS_SERVICE_ID}`, headers: { authorization: bearer(ehr, aud), 'content-type': 'application/json' }, payload: JSON.stringify(body) });
  const cardsOf = async (body: unknown): Promise<unknown[]> => {
    const res = await call(body);
    expect(res.statusCode).toBe(200);
    return (res.json() as { cards: unknown[] }).cards;
  };

  describe('discovery', () => {
    it('lists the patient-view service with its prefetch template', async () => {
      const res = await app.inject({ method: 'GET', url: '/cds-services', headers: { authorization: bearer(ehr, DISCOVERY_URL) } });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        services: [{ hook: 'patient-view', id: 'poems-sentinel-patient-view', title: 'POEMS syndrome surveillance', description: expect.any(String), prefetch: { patient: 'Patient/{{context.patientId}}' } }],
      });
    });

    it('refuses a call without a trusted JWT, or with one for another endpoint', async () => {
      expect((await app.inject({ method: 'GET', url: '/cds-services' })).statusCode).toBe(401);
      expect((await app.inject({ method: 'GET', url: '/cds-services', headers: { authorization: bearer(ehr, SERVICE_URL) } })).statusCode).toBe(401);
      expect((await call(hookRequest(), DISCOVERY_URL)).statusCode).toBe(401);
    });
  });

  describe('CORS', () => {
    it('answers a preflight without credentials, and marks every answer for the allowed origin only', async () => {
      const pre = await app.inject({ method: 'OPTIONS', url: `/cds-services/${CDS_SERVICE_ID}`, headers: { origin: 'https://ehr.synthetic.example', 'access-control-request-method': 'POST' } });
      expect(pre.statusCode).toBe(204);
      expect(pre.headers['access-control-allow-origin']).toBe('https://ehr.synthetic.example');
      expect(pre.headers['access-control-allow-methods']).toBe('GET, POST, OPTIONS');
      expect(pre.headers['access-control-allow-headers']).toBe('Authorization, Content-Type');
      expect(pre.headers['access-control-expose-headers']).toBe('Origin, Accept, Content-Location, Location, X-Requested-With');
      expect(pre.headers['access-control-allow-credentials']).toBeUndefined();
      const denied = await app.inject({ method: 'GET', url: '/cds-services', headers: { origin: 'https://evil.example' } });
      expect(denied.statusCode).toBe(401);
      expect(denied.headers['access-control-allow-origin']).toBeUndefined();
      const res = await app.inject({ method: 'GET', url: '/cds-services', headers: { origin: 'https://ehr.synthetic.example', authorization: bearer(ehr, DISCOVERY_URL) } });
      expect(res.headers['access-control-allow-origin']).toBe('https://ehr.synthetic.example');
      expect(res.headers.vary).toContain('Origin');
    });
  });

  describe('patient-view', () => {
    it('answers the open alert of the patient found through the prefetched Patient\'s identifiers', async () => {
      const cards = await cardsOf(hookRequest());
      expect(cards).toHaveLength(1);
      expect(cards[0]).toMatchObject({
        uuid: syntheticAlert().id,
        indicator: 'critical',
        source: { label: 'POEMS Sentinel' },
        links: [{ url: `${PUBLIC}/inbox/alerts/${syntheticAlert().id}`, type: 'absolute' }],
      });
    });

    it('reads a searchset Bundle prefetch too', async () => {
      expect(await cardsOf(hookRequest({ prefetch: { patient: { resourceType: 'Bundle', type: 'searchset', entry: [{ resource: ehrPatient }] } } }))).toHaveLength(1);
    });

    it.each([
      ['no alert', () => alerts.byKey.clear()],
      ['a withdrawn alert', () => alerts.byKey.set(PATIENT_KEY, syntheticAlert({ status: 'withdrawn' }))],
      ['a dismissed alert', () => alerts.byKey.set(PATIENT_KEY, syntheticAlert({ status: 'dismissed' }))],
      ['a running snooze', () => alerts.byKey.set(PATIENT_KEY, syntheticAlert({ status: 'snoozed', snoozedUntil: '2025-03-01T00:00:00.000Z', snoozedTier: 'criteria-met' }))],
    ])('%s: no cards', async (_what, arrange) => {
      arrange();
      expect(await cardsOf(hookRequest())).toEqual([]);
    });

    it('a Patient with none of our identifiers, or a prefetched null: no cards', async () => {
      expect(await cardsOf(hookRequest({ prefetch: { patient: { ...ehrPatient, identifier: [{ system: 'https://elsewhere.example', value: PATIENT_ID }] } } }))).toEqual([]);
      expect(await cardsOf(hookRequest({ prefetch: { patient: null } }))).toEqual([]);
    });

    it('refuses a prefetched Patient that is not the chart\'s patient (400)', async () => {
      const res = await call(hookRequest({ prefetch: { patient: { ...ehrPatient, id: 'someone-else' } } }));
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ error: 'the Patient is not context.patientId' });
    });

    it('without a prefetch, reads the Patient from an allowed FHIR server with the call\'s access token', async () => {
      const fhirAuthorization = { access_token: 'ehr-issued-access-token', token_type: 'Bearer', expires_in: 300, scope: 'patient/Patient.read', subject: 'poems-sentinel' };
      const before = fhir.requests.length;
      expect(await cardsOf(hookRequest({ prefetch: undefined, fhirServer: fhirBase, fhirAuthorization }))).toHaveLength(1);
      expect(fhir.requests.slice(before).map((r) => [r.method, r.url, r.headers.authorization])).toEqual([['GET', `/fhir/Patient/${EHR_PATIENT_ID}`, 'Bearer ehr-issued-access-token']]);
      // an unknown id on the FHIR server: no patient, no cards
      expect(await cardsOf(hookRequest({ prefetch: undefined, fhirServer: fhirBase, fhirAuthorization, context: { userId: 'Practitioner/1', patientId: 'nobody' } }))).toEqual([]);
    });

    it('412 when there is no prefetch and no FHIR server it may read', async () => {
      const fhirAuthorization = { access_token: 't', token_type: 'Bearer', expires_in: 300, scope: 's', subject: 'x' };
      expect((await call(hookRequest({ prefetch: undefined }))).statusCode).toBe(412);
      expect((await call(hookRequest({ prefetch: {}, fhirServer: fhirBase }))).statusCode).toBe(412);
      const before = fhir.requests.length;
      expect((await call(hookRequest({ prefetch: undefined, fhirServer: 'http://127.0.0.1:9/fhir', fhirAuthorization }))).statusCode).toBe(412);
      expect(fhir.requests.length).toBe(before);
      expect((await call(hookRequest({ prefetch: undefined, fhirServer: fhirBase, fhirAuthorization: { ...fhirAuthorization, access_token: 'wrong' } }))).statusCode).toBe(412);
    });

    it('validates the body: 400 with the failing paths and no values; wrong hook, bad JSON, unknown service', async () => {
      const res = await call({ hook: 'patient-view', context: { patientId: 42 } });
      expect(res.statusCode).toBe(400);
      const body = res.json() as { error: string; issues: { path: string }[] };
      expect(body.error).toBe('invalid request');
      expect(body.issues.map((i) => i.path).sort()).toEqual(['context.patientId', 'context.userId', 'hookInstance']);
      expect(res.body).not.toContain('42');
      expect((await call(hookRequest({ hook: 'order-sign' }))).statusCode).toBe(400);
      const bad = await app.inject({ method: 'POST', url: `/cds-services/${CDS_SERVICE_ID}`, headers: { authorization: bearer(ehr, SERVICE_URL), 'content-type': 'application/json' }, payload: '{"hook":' });
      expect(bad.statusCode).toBe(400);
      expect(bad.body).not.toMatch(/at .*\.js/);
      const other = await app.inject({ method: 'POST', url: '/cds-services/other', headers: { authorization: bearer(ehr, `${DISCOVERY_URL}/other`), 'content-type': 'application/json' }, payload: JSON.stringify(hookRequest()) });
      expect(other.statusCode).toBe(404);
    });

    it('a failing store is a 500 without a stack trace or the error text', async () => {
      alerts.failing = true;
      const res = await call(hookRequest());
      expect(res.statusCode).toBe(500);
      expect(res.json()).toEqual({ error: 'internal error' });
    });
  });

  describe('feedback', () => {
    const feedbackCall = (body: unknown) => app.inject({
      method: 'POST',
      url: `/cds-services/${CDS_SERVICE_ID}/feedback`,
      headers: { authorization: bearer(ehr, `${SERVICE_URL}/feedback`), 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });
    const id = syntheticAlert().id;

    it('records accepted as an acknowledgement and overridden with its reason', async () => {
      const res = await feedbackCall({ feedback: [
        { card: id, outcome: 'accepted', acceptedSuggestions: [{ id: 'x' }], outcomeTimestamp: '2025-02-10T09:00:00Z' },
        { card: id, outcome: 'overridden', overrideReason: { reason: { system: CODE_SYSTEM.dismissReason, code: 'already-under-haematology' }, userComment: 'seen in clinic' }, outcomeTimestamp: '2025-02-10T09:05:00Z' },
        { card: id, outcome: 'overridden', outcomeTimestamp: '2025-02-10T09:06:00Z' },
      ] });
      expect(res.statusCode).toBe(200);
      expect(feedback.calls).toEqual([
        [id, 'accepted', undefined, '2025-02-10T09:00:00Z'],
        [id, 'overridden', { reason: 'already-under-haematology', comment: 'seen in clinic' }, '2025-02-10T09:05:00Z'],
        [id, 'overridden', undefined, '2025-02-10T09:06:00Z'],
      ]);
    });

    it('accepts a token addressed to the service endpoint itself', async () => {
      const res = await app.inject({
        method: 'POST', url: `/cds-services/${CDS_SERVICE_ID}/feedback`,
        headers: { authorization: bearer(ehr, SERVICE_URL), 'content-type': 'application/json' },
        payload: JSON.stringify({ feedback: [{ card: id, outcome: 'accepted', outcomeTimestamp: '2025-02-10T09:00:00Z' }] }),
      });
      expect(res.statusCode).toBe(200);
    });

    it('an unknown card is answered 200 (nothing to record)', async () => {
      expect((await feedbackCall({ feedback: [{ card: 'no-such-card', outcome: 'accepted', outcomeTimestamp: '2025-02-10T09:00:00Z' }] })).statusCode).toBe(200);
    });

    it.each([
      ['no feedback', {}],
      ['an empty list', { feedback: [] }],
      ['an unknown outcome', { feedback: [{ card: 'c', outcome: 'ignored', outcomeTimestamp: '2025-02-10T09:00:00Z' }] }],
      ['no timestamp', { feedback: [{ card: 'c', outcome: 'accepted' }] }],
      ['a timestamp that is not ISO', { feedback: [{ card: 'c', outcome: 'accepted', outcomeTimestamp: 'yesterday' }] }],
    ])('400 on %s, nothing recorded', async (_what, body) => {
      expect((await feedbackCall(body)).statusCode).toBe(400);
      expect(feedback.calls).toEqual([]);
    });

    it('refuses feedback without a trusted JWT', async () => {
      const res = await app.inject({ method: 'POST', url: `/cds-services/${CDS_SERVICE_ID}/feedback`, payload: { feedback: [{ card: id, outcome: 'accepted', outcomeTimestamp: '2025-02-10T09:00:00Z' }] } });
      expect(res.statusCode).toBe(401);
      expect(feedback.calls).toEqual([]);
    });
  });

  describe('over a real loopback port', () => {
    it('an EHR discovers the service, opens the chart, sees the card and overrides it', async () => {
      await app.listen({ host: '127.0.0.1', port: 0 });
      const address = app.server.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      const base = `http://127.0.0.1:${address.port}`;
      const discovery = await fetch(`${base}/cds-services`, { headers: { authorization: bearer(ehr, DISCOVERY_URL), origin: 'https://ehr.synthetic.example' } });
      expect(discovery.status).toBe(200);
      expect(discovery.headers.get('access-control-allow-origin')).toBe('https://ehr.synthetic.example');
      const { services } = (await discovery.json()) as { services: { id: string }[] };
      const serviceId = services[0]?.id ?? '';

      const res = await fetch(`${base}/cds-services/${serviceId}`, { method: 'POST', headers: { authorization: bearer(ehr, `${DISCOVERY_URL}/${serviceId}`), 'content-type': 'application/json' }, body: JSON.stringify(hookRequest()) });
      expect(res.status).toBe(200);
      const { cards } = (await res.json()) as { cards: { uuid: string; summary: string; detail: string; overrideReasons: { system: string; code: string }[] }[] };
      expect(cards).toHaveLength(1);
      const card = cards[0];
      expect(card?.summary.length).toBeLessThan(140);
      expect(card?.detail).toContain('| VEGF elevation | 850 | pg/mL |');

      const reason = card?.overrideReasons.find((r) => r.code === 'poems-excluded');
      const fb = await fetch(`${base}/cds-services/${serviceId}/feedback`, {
        method: 'POST',
        headers: { authorization: bearer(ehr, `${DISCOVERY_URL}/${serviceId}/feedback`), 'content-type': 'application/json' },
        body: JSON.stringify({ feedback: [{ card: card?.uuid, outcome: 'overridden', overrideReason: { reason, userComment: 'VEGF normal on repeat' }, outcomeTimestamp: '2025-02-10T10:00:00Z' }] }),
      });
      expect(fb.status).toBe(200);
      expect(feedback.calls).toEqual([[syntheticAlert().id, 'overridden', { reason: 'poems-excluded', comment: 'VEGF normal on repeat' }, '2025-02-10T10:00:00Z']]);
    });
  });
});

describe('CDS Hooks service without trusted clients', () => {
  it('refuses every call', async () => {
    const app = Fastify();
    const config = CdsHooksConfig.parse({ publicBaseUrl: PUBLIC, inboxBaseUrl: PUBLIC });
    await app.register(cdsHooksPlugin, { config, alerts: new FakeAlerts(), feedback: new FakeFeedback(() => new Set()), clock: () => NOW });
    const res = await app.inject({ method: 'GET', url: '/cds-services', headers: { authorization: bearer(ehr, DISCOVERY_URL) } });
    expect(res.statusCode).toBe(401);
    await app.close();
  });
});
