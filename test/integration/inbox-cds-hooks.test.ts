import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CdsHooksConfig } from '../../src/inbox/cds-hooks/cds-hooks.config.js';
import { CDS_SERVICE_ID } from '../../src/inbox/cds-hooks/cds-hooks.plugin.js';
import { CODE_SYSTEM } from '../../src/notifiers/fhir/code-systems.js';
import { sqliteInboxStores } from '../../src/inbox/store/sqlite/sqlite-inbox.stores.js';
import { SqliteAlertStore } from '../../src/store/sqlite-alert.store.js';
import { SqliteDatabase } from '../../src/store/sqlite-database.js';
import { AUTHORITY, PATIENT_ID, PATIENT_SYSTEM } from '../support/alert-fixture.js';
import { inboxHarness, ROUTED, type Harness } from '../support/inbox-harness.js';

const PUBLIC = 'https://sentinel.hospital.example';

/** The CDS Hooks service as the inbox server mounts it: cards and feedback share the inbox's action service and audit. */
describe('when the inbox serves CDS Hooks', () => {
  let h: Harness;
  let db: SqliteDatabase;

  beforeEach(async () => {
    db = new SqliteDatabase(':memory:');
    const config = CdsHooksConfig.parse({ publicBaseUrl: PUBLIC, inboxBaseUrl: PUBLIC, patientSystems: { [AUTHORITY]: PATIENT_SYSTEM } });
    // the JWT check has its own tests (cds-hooks.test.ts); here every call is a trusted EHR's
    h = await inboxHarness(sqliteInboxStores(db), new SqliteAlertStore(db), { cdsHooks: { config, authenticate: async () => true } });
  });
  afterEach(async () => {
    await h.app.close();
    await db.close();
  });

  const patientView = () => h.app.inject({
    method: 'POST',
    url: `/cds-services/${CDS_SERVICE_ID}`,
    payload: {
      hook: 'patient-view',
      hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea',
      context: { userId: 'Practitioner/synthetic-1', patientId: 'ehr-1' },
      prefetch: { patient: { resourceType: 'Patient', id: 'ehr-1', identifier: [{ system: PATIENT_SYSTEM, value: PATIENT_ID }] } },
    },
  });

  it('answers the card with a link into the inbox, and audits the view', async () => {
    const res = await patientView();
    expect(res.statusCode).toBe(200);
    const [card] = res.json().cards as { uuid: string; links: { url: string }[] }[];
    expect(card?.uuid).toBe(ROUTED.id);
    expect(card?.links[0]?.url).toBe(`${PUBLIC}/alerts/${ROUTED.id}`);
    expect((await h.stores.audit.list({ limit: 10 })).filter((e) => e.via === 'cds-hooks')).toMatchObject([{ action: 'view-alert', alertId: ROUTED.id, alertVersion: 3, actor: 'cds-hooks' }]);
  });

  it('records an override as a dismissal through the action service: the alert, the audit and the metrics', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: `/cds-services/${CDS_SERVICE_ID}/feedback`,
      payload: { feedback: [{ card: ROUTED.id, outcome: 'overridden', overrideReason: { reason: { system: CODE_SYSTEM.dismissReason, code: 'already-under-haematology' }, userComment: 'seen in clinic' }, outcomeTimestamp: '2025-02-05T09:00:00Z' }] },
    });
    expect(res.statusCode).toBe(200);
    expect(await h.alerts.getById(ROUTED.id)).toMatchObject({ status: 'dismissed', dismissal: { reason: 'already-under-haematology', note: 'seen in clinic', by: 'cds-hooks' } });
    expect((await h.stores.audit.list({ limit: 10 })).filter((e) => e.action === 'dismiss')).toMatchObject([{ via: 'cds-hooks', outcome: 'ok', alertVersion: 3 }]);
    expect(await h.registry.metrics()).toContain('poems_sentinel_inbox_actions_total{action="dismiss",rule_version="2.0",via="cds-hooks"} 1');
    // the card no longer shows
    expect((await patientView()).json().cards).toEqual([]);
  });
});
