import { describe, expect, it } from 'vitest';
import { notificationKey, type Notification } from '../../src/domain/alert.js';
import type { Recipient } from '../../src/domain/recipient.js';
import { deliveryId, type DeliveryLedger } from '../../src/notifiers/ledger/delivery-ledger.js';
import type { Route } from '../../src/notifiers/routing.js';

// Synthetic data only: alerts alert-1…, providers SYNTHHOSP|D1001…

export interface LedgerHarness {
  ledger: DeliveryLedger;
}

const T0 = '2025-03-01T10:00:00.000Z';
const T1 = '2025-03-01T10:00:01.000Z';
const T2 = '2025-03-01T10:00:02.000Z';
const T3 = '2025-03-01T10:00:03.000Z';

const DOCTOR: Recipient = { kind: 'ordering-provider', id: 'SYNTHHOSP|D1001' };
const ATTENDING: Recipient = { kind: 'attending', id: 'SYNTHHOSP|D3003' };
const POOL: Recipient = { kind: 'pool', id: 'haematology', display: 'Haematology on call' };

export function notification(alertId: string, tier: Notification['tier'] = 'workup-recommended', o: Partial<Notification> = {}): Notification {
  const episode = o.episode ?? 1;
  return { key: notificationKey(alertId, episode, tier), alertId, episode, patientKey: 'SYNTH|P0001', tier, event: 'created', createdAt: T0, ...o };
}

const routes = (...pairs: [string, Recipient][]): Route[] => pairs.map(([channel, recipient]) => ({ channel, recipient }));

/**
 * What every DeliveryLedger must do (SQLite and PostgreSQL run it). `make` gives a fresh, empty
 * ledger per test.
 */
export function deliveryLedgerConformance(make: () => Promise<LedgerHarness>): void {
  describe('planning', () => {
    it('records each (channel, recipient) as pending, in plan order, with its deterministic id', async () => {
      const { ledger } = await make();
      const n = notification('alert-1');
      const planned = await ledger.plan(n, routes(['inbox', DOCTOR], ['inbox', ATTENDING], ['fhir', POOL]), T0);
      expect(planned.map((r) => [r.channel, r.recipient, r.status, r.attempts])).toEqual([
        ['inbox', DOCTOR, 'pending', 0], ['inbox', ATTENDING, 'pending', 0], ['fhir', POOL, 'pending', 0],
      ]);
      expect(planned[0]).toEqual({
        id: deliveryId(n.key, 'inbox', DOCTOR), notificationKey: n.key, alertId: 'alert-1', episode: 1, tier: 'workup-recommended', event: 'created',
        channel: 'inbox', recipient: DOCTOR, status: 'pending', attempts: 0, lastErrorCode: null, lastError: null, receipt: null,
        createdAt: T0, updatedAt: T0, deliveredAt: null,
      });
      expect(new Set(planned.map((r) => r.id)).size).toBe(3);
    });

    it('plans a notification once: a second plan keeps the first records and adds only what is new', async () => {
      const { ledger } = await make();
      const n = notification('alert-1');
      const [first] = await ledger.plan(n, routes(['inbox', DOCTOR]), T0);
      await ledger.record(first!.id, { status: 'delivered', receipt: 'r1' }, T1);
      const again = await ledger.plan(n, routes(['inbox', DOCTOR], ['webhook', DOCTOR]), T2);
      expect(again.map((r) => [r.channel, r.status, r.createdAt])).toEqual([['inbox', 'delivered', T0], ['webhook', 'pending', T2]]);
      expect(await ledger.ofNotification(n.key)).toEqual(again);
    });

    it('keeps notifications apart: another tier or episode is another delivery to the same recipient', async () => {
      const { ledger } = await make();
      const a = await ledger.plan(notification('alert-1', 'workup-recommended'), routes(['inbox', DOCTOR]), T0);
      const b = await ledger.plan(notification('alert-1', 'criteria-met', { event: 'escalated' }), routes(['inbox', DOCTOR]), T1);
      const c = await ledger.plan(notification('alert-1', 'criteria-met', { episode: 2, event: 'reopened' }), routes(['inbox', DOCTOR]), T2);
      expect(new Set([a[0]?.id, b[0]?.id, c[0]?.id]).size).toBe(3);
      expect((await ledger.ofEpisode('alert-1', 1)).map((r) => r.tier)).toEqual(['workup-recommended', 'criteria-met']);
      expect((await ledger.ofEpisode('alert-1', 2)).map((r) => r.event)).toEqual(['reopened']);
      expect(await ledger.ofEpisode('alert-2', 1)).toEqual([]);
    });

    it('plans nothing for no routes, and knows no unknown id', async () => {
      const { ledger } = await make();
      expect(await ledger.plan(notification('alert-1'), [], T0)).toEqual([]);
      expect(await ledger.get('0000000000000000')).toBeNull();
    });
  });

  describe('attempts', () => {
    it('records a delivery with its receipt, once: a delivered record never changes again', async () => {
      const { ledger } = await make();
      const [r] = await ledger.plan(notification('alert-1'), routes(['fhir', DOCTOR]), T0);
      expect(await ledger.record(r!.id, { status: 'delivered', receipt: 'DetectedIssue/7/_history/1' }, T1)).toBe(true);
      expect(await ledger.record(r!.id, { status: 'delivered', receipt: 'again' }, T2)).toBe(false);
      expect(await ledger.record(r!.id, { status: 'dead', errorCode: 'DELIVERY_REFUSED', error: 'late failure' }, T3)).toBe(false);
      expect(await ledger.get(r!.id)).toMatchObject({ status: 'delivered', attempts: 1, receipt: 'DetectedIssue/7/_history/1', deliveredAt: T1, updatedAt: T1, lastErrorCode: null });
    });

    it('counts retries with the last error code and text, then the delivery', async () => {
      const { ledger } = await make();
      const [r] = await ledger.plan(notification('alert-1'), routes(['webhook', POOL]), T0);
      await ledger.record(r!.id, { status: 'retrying', errorCode: 'DELIVERY_FAILED', error: 'webhook answered 503' }, T1);
      expect(await ledger.get(r!.id)).toMatchObject({ status: 'retrying', attempts: 1, lastErrorCode: 'DELIVERY_FAILED', lastError: 'webhook answered 503', updatedAt: T1 });
      await ledger.record(r!.id, { status: 'retrying', errorCode: 'DELIVERY_FAILED', error: 'x'.repeat(5000) }, T2);
      expect((await ledger.get(r!.id))?.lastError?.length).toBeLessThanOrEqual(500);
      await ledger.record(r!.id, { status: 'delivered', receipt: '204' }, T3);
      expect(await ledger.get(r!.id)).toMatchObject({ status: 'delivered', attempts: 3, receipt: '204', deliveredAt: T3, lastErrorCode: 'DELIVERY_FAILED' });
    });

    it('records a refusal as dead', async () => {
      const { ledger } = await make();
      const [r] = await ledger.plan(notification('alert-1'), routes(['hl7-v2', DOCTOR]), T0);
      await ledger.record(r!.id, { status: 'dead', errorCode: 'DELIVERY_REFUSED', error: 'AR: unknown provider' }, T1);
      expect(await ledger.get(r!.id)).toMatchObject({ status: 'dead', attempts: 1, lastErrorCode: 'DELIVERY_REFUSED', deliveredAt: null });
    });
  });

  describe('the dead-letter view and retry', () => {
    async function mixed(ledger: DeliveryLedger): Promise<string[]> {
      const ids: string[] = [];
      for (const [i, alertId] of ['alert-1', 'alert-2', 'alert-3', 'alert-4'].entries()) {
        const [r] = await ledger.plan(notification(alertId), routes([i % 2 === 0 ? 'webhook' : 'fhir', DOCTOR]), T0);
        ids.push(r!.id);
      }
      await ledger.record(ids[0]!, { status: 'dead', errorCode: 'DELIVERY_REFUSED', error: '400' }, T1);
      await ledger.record(ids[1]!, { status: 'dead', errorCode: 'DELIVERY_FAILED', error: 'timeout' }, T2);
      await ledger.record(ids[2]!, { status: 'delivered' }, T3);
      return ids;
    }

    it('lists by status and channel, most recently changed first, bounded', async () => {
      const { ledger } = await make();
      const ids = await mixed(ledger);
      expect((await ledger.list({ status: 'dead' })).map((r) => r.id)).toEqual([ids[1], ids[0]]);
      expect((await ledger.list({ status: 'dead', channel: 'webhook' })).map((r) => r.id)).toEqual([ids[0]]);
      expect((await ledger.list()).map((r) => r.id)).toEqual([ids[2], ids[1], ids[0], ids[3]]);
      expect(await ledger.list({ limit: 2 })).toHaveLength(2);
      expect(await ledger.counts()).toEqual([
        { channel: 'fhir', status: 'dead', count: 1 }, { channel: 'fhir', status: 'pending', count: 1 },
        { channel: 'webhook', status: 'dead', count: 1 }, { channel: 'webhook', status: 'delivered', count: 1 },
      ]);
    });

    it('reopens a dead delivery by id (attempts kept), and nothing that is not dead', async () => {
      const { ledger } = await make();
      const ids = await mixed(ledger);
      const reopened = await ledger.reopen({ ids: [ids[0]!, ids[2]!, ids[3]!, 'ffffffffffffffff'] }, T3);
      expect(reopened.map((r) => [r.id, r.status, r.attempts, r.updatedAt])).toEqual([[ids[0], 'pending', 1, T3]]);
      expect((await ledger.get(ids[2]!))?.status).toBe('delivered');
    });

    it('reopens every dead delivery at once', async () => {
      const { ledger } = await make();
      const ids = await mixed(ledger);
      expect((await ledger.reopen('all-dead', T3)).map((r) => r.id).sort()).toEqual([ids[0], ids[1]].sort());
      expect(await ledger.list({ status: 'dead' })).toEqual([]);
      expect(await ledger.reopen('all-dead', T3)).toEqual([]);
    });
  });
}
