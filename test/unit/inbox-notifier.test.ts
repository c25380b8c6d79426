import { describe, expect, it } from 'vitest';
import { AlertActionService } from '../../src/inbox/actions/alert-action.service.js';
import { actionFeedbackRecorder } from '../../src/inbox/cds-hooks/feedback-recorder.js';
import { sqliteInboxStores } from '../../src/inbox/store/sqlite/sqlite-inbox.stores.js';
import { InboxNotifier } from '../../src/notifiers/inbox.notifier.js';
import { SqliteAlertStore } from '../../src/store/sqlite-alert.store.js';
import { SqliteDatabase } from '../../src/store/sqlite-database.js';
import { deliveryOf, RECIPIENT, syntheticAlert } from '../support/alert-fixture.js';

describe('the inbox channel', () => {
  it('records one item per (alert, recipient), idempotent on re-delivery, updated on escalation', async () => {
    const stores = sqliteInboxStores(new SqliteDatabase(':memory:'));
    const notifier = new InboxNotifier(stores.items, () => new Date('2025-02-05T08:02:00.000Z'));
    const gap = syntheticAlert({ tier: 'screening-gap' });
    expect(await notifier.deliver(deliveryOf(gap))).toEqual({ reference: 'inbox:created' });
    expect(await notifier.deliver(deliveryOf(gap))).toEqual({ reference: 'inbox:unchanged' });
    expect(await notifier.deliver(deliveryOf(syntheticAlert(), 'escalated'))).toEqual({ reference: 'inbox:updated' });
    expect(await stores.items.alertIdsFor([`pool:${RECIPIENT.id}`])).toEqual(new Set([gap.id]));
    expect((await stores.items.recipientsOf(gap.id))[0]).toMatchObject({ tier: 'criteria-met', recipient: RECIPIENT });
  });
});

describe('CDS Hooks feedback through the action service', () => {
  it('acknowledges on accepted, dismisses with the override reason, audited as cds-hooks', async () => {
    const db = new SqliteDatabase(':memory:');
    const alerts = new SqliteAlertStore(db);
    const stores = sqliteInboxStores(db);
    await alerts.put(syntheticAlert());
    const recorder = actionFeedbackRecorder(new AlertActionService({ alerts, audit: stores.audit, clock: () => new Date('2025-02-06T00:00:00.000Z') }));
    expect(await recorder.recordFeedback(syntheticAlert().id, 'accepted', undefined, '2025-02-06T00:00:00Z')).toBe(true);
    expect((await alerts.getById(syntheticAlert().id))?.status).toBe('acknowledged');
    expect(await recorder.recordFeedback(syntheticAlert().id, 'overridden', { reason: 'already-under-haematology', comment: 'seen in clinic' }, '2025-02-06T00:00:00Z')).toBe(true);
    expect((await alerts.getById(syntheticAlert().id))?.dismissal).toMatchObject({ reason: 'already-under-haematology', note: 'seen in clinic', by: 'cds-hooks' });
    expect(await recorder.recordFeedback('unknown-card', 'accepted', undefined, '2025-02-06T00:00:00Z')).toBe(false);
    const audit = await stores.audit.list({ limit: 10 });
    expect(audit.map((e) => [e.action, e.outcome, e.via])).toEqual([['acknowledge', 'ok', 'cds-hooks'], ['dismiss', 'ok', 'cds-hooks'], ['acknowledge', 'failed', 'cds-hooks']]);
  });
});
