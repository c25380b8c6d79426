import { Registry } from 'prom-client';
import { beforeEach, describe, expect, it } from 'vitest';
import { AlertActionService, type Actor } from '../../src/inbox/actions/alert-action.service.js';
import { dwellSeconds } from '../../src/inbox/actions/dwell.js';
import { registerInboxMetrics, type InboxMetrics } from '../../src/inbox/metrics.js';
import type { InboxStores } from '../../src/inbox/store/inbox-stores.js';
import { sqliteInboxStores } from '../../src/inbox/store/sqlite/sqlite-inbox.stores.js';
import { SqliteAlertStore } from '../../src/store/sqlite-alert.store.js';
import { SqliteDatabase } from '../../src/store/sqlite-database.js';
import { syntheticAlert } from '../support/alert-fixture.js';

const CREATED = '2025-02-05T08:01:00.000Z';
const NOW = new Date('2025-02-05T09:01:00.000Z'); // an hour later
const clinician: Actor = { name: 'drneuro', role: 'clinician', ip: '127.0.0.1', via: 'web' };

describe('dwell time', () => {
  it('counts from creation to the first action', () => {
    expect(dwellSeconds(syntheticAlert(), NOW.toISOString())).toBe(3_600);
  });
  it('counts from the latest escalation, reopening or snooze end', () => {
    const a = syntheticAlert({ history: [
      { at: CREATED, event: 'created', tier: 'screening-gap', status: 'open', reason: 'r' },
      { at: '2025-02-05T08:31:00.000Z', event: 'escalated', tier: 'criteria-met', status: 'open', reason: 'r' },
    ] });
    expect(dwellSeconds(a, NOW.toISOString())).toBe(1_800);
  });
  it('is not counted again for a second action', () => {
    const a = syntheticAlert({ history: [
      { at: CREATED, event: 'created', tier: 'criteria-met', status: 'open', reason: 'r' },
      { at: '2025-02-05T08:11:00.000Z', event: 'acknowledged', by: 'x', tier: 'criteria-met', status: 'acknowledged', reason: 'r' },
    ] });
    expect(dwellSeconds(a, NOW.toISOString())).toBeNull();
  });
});

describe('when a clinician acts on an alert', () => {
  let db: SqliteDatabase;
  let alerts: SqliteAlertStore;
  let inbox: InboxStores;
  let registry: Registry;
  let metrics: InboxMetrics;
  let service: AlertActionService;

  beforeEach(async () => {
    db = new SqliteDatabase(':memory:');
    alerts = new SqliteAlertStore(db);
    inbox = sqliteInboxStores(db);
    registry = new Registry();
    metrics = registerInboxMetrics(registry);
    service = new AlertActionService({ alerts, audit: inbox.audit, metrics, flush: () => db.flush(), clock: () => NOW });
    await alerts.put(syntheticAlert());
  });

  it('dismisses with a coded reason, saves the next version, audits and measures', async () => {
    const out = await service.act(syntheticAlert().id, { kind: 'dismiss', reason: 'poems-excluded', note: 'bone marrow normal' }, clinician, 3);
    expect(out).toMatchObject({ ok: true, dwellSeconds: 3_600 });
    const saved = await alerts.getById(syntheticAlert().id);
    expect(saved).toMatchObject({ version: 4, status: 'dismissed', dismissal: { reason: 'poems-excluded', note: 'bone marrow normal', by: 'drneuro' } });
    expect(saved?.history.at(-1)).toMatchObject({ event: 'dismissed', by: 'drneuro', at: NOW.toISOString() });
    const [entry] = await inbox.audit.list({ limit: 10 });
    expect(entry).toMatchObject({ actor: 'drneuro', role: 'clinician', action: 'dismiss', outcome: 'ok', alertId: syntheticAlert().id, alertVersion: 3, ip: '127.0.0.1', via: 'web' });
    expect(entry?.detail).toBe('version=4 reason=poems-excluded note given dwell=3600s');
    expect(entry?.detail).not.toContain('marrow');
    const text = await registry.metrics();
    expect(text).toContain('poems_sentinel_inbox_actions_total{action="dismiss",rule_version="2.0",via="web"} 1');
    expect(text).toContain('poems_sentinel_inbox_dwell_seconds_bucket{le="3600",action="dismiss",tier="criteria-met"} 1');
  });

  it('refuses an action on a version the clinician did not see, and audits the refusal', async () => {
    const out = await service.act(syntheticAlert().id, { kind: 'acknowledge' }, clinician, 2);
    expect(out).toMatchObject({ ok: false, problem: 'version-conflict' });
    expect((await alerts.getById(syntheticAlert().id))?.status).toBe('open');
    expect((await inbox.audit.list({ limit: 10 }))[0]).toMatchObject({ action: 'acknowledge', outcome: 'failed', alertVersion: 2 });
  });

  it('retries a lost race when no version was named (CDS Hooks feedback)', async () => {
    let raced = false;
    const racing = Object.create(alerts) as SqliteAlertStore;
    racing.replace = async (alert, expected) => {
      if (!raced) {
        raced = true;
        const current = await alerts.getById(alert.id);
        if (current) await alerts.put({ ...current, version: current.version + 1 });
      }
      return alerts.replace(alert, expected);
    };
    const svc = new AlertActionService({ alerts: racing, audit: inbox.audit, clock: () => NOW });
    const out = await svc.act(syntheticAlert().id, { kind: 'acknowledge' }, { ...clinician, via: 'cds-hooks' });
    expect(out).toMatchObject({ ok: true, alert: { version: 5, status: 'acknowledged' } });
  });

  it('snoozes only into the future and for at most a year', async () => {
    expect(await service.act(syntheticAlert().id, { kind: 'snooze', until: '2025-01-01' }, clinician, 3)).toMatchObject({ ok: false, problem: 'invalid' });
    expect(await service.act(syntheticAlert().id, { kind: 'snooze', until: '2027-01-01' }, clinician, 3)).toMatchObject({ ok: false, problem: 'invalid' });
    const out = await service.act(syntheticAlert().id, { kind: 'snooze', until: '2025-03-01' }, clinician, 3);
    expect(out).toMatchObject({ ok: true, alert: { status: 'snoozed', snoozedUntil: '2025-03-01T00:00:00.000Z' } });
  });

  it('answers not-found for an unknown alert', async () => {
    expect(await service.act('no-such-alert', { kind: 'acknowledge' }, clinician)).toEqual({ ok: false, problem: 'not-found' });
  });
});
