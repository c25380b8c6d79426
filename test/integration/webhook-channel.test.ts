import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Alert, Notification } from '../../src/domain/alert.js';
import { Recipient } from '../../src/domain/recipient.js';
import { PermanentDeliveryError } from '../../src/notifiers/alert-queue.js';
import { TransientDeliveryError } from '../../src/notifiers/http-delivery.js';
import { LocalAlertQueue } from '../../src/notifiers/local.queue.js';
import { WebhookChannelConfig, WebhookNotifier, webhookSignature } from '../../src/notifiers/webhook.notifier.js';
import { SqliteDatabase } from '../../src/store/sqlite-database.js';
import { deliveryOf, RECIPIENT, syntheticAlert } from '../support/alert-fixture.js';
import { loadDocumentedVerifier, LoopbackWebhookReceiver, type VerifySentinel } from '../support/webhook-receiver.js';

const SECRET = 'synthetic-test-secret-0123456789abcdef';
const NOW = new Date('2025-02-05T08:02:00.000Z');

describe('webhook channel against a loopback receiver', () => {
  let verify: VerifySentinel;
  let receiver: LoopbackWebhookReceiver;
  let url: string;
  let clock: Date;
  let notifier: WebhookNotifier;

  beforeAll(async () => {
    verify = await loadDocumentedVerifier();
  });

  beforeEach(async () => {
    // the documented check compares with the receiver's own clock; the sender signs at "now" too
    clock = new Date();
    receiver = new LoopbackWebhookReceiver(SECRET, verify);
    url = await receiver.start();
    notifier = new WebhookNotifier(WebhookChannelConfig.parse({ url, secret: SECRET, timeoutMs: 1_000 }), { clock: () => clock });
  });
  afterEach(async () => receiver.stop());

  it('posts { notification, alert, recipient } signed over timestamp and body; the documented receiver accepts it', async () => {
    const delivery = deliveryOf(syntheticAlert());
    const receipt = await notifier.deliver(delivery);
    expect(receipt).toEqual({ reference: '204' });
    expect(receiver.received).toHaveLength(1);
    const got = receiver.received[0];
    expect(got?.headers['content-type']).toBe('application/json');
    expect(got?.headers['x-sentinel-key']).toBe(delivery.notification.key);
    expect(got?.headers['x-sentinel-timestamp']).toBe(String(Math.floor(clock.getTime() / 1000)));
    expect(got?.headers['x-sentinel-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    const body = got?.body as { notification: unknown; alert: unknown; recipient: unknown };
    expect(Notification.parse(body.notification)).toEqual(delivery.notification);
    expect(Alert.parse(body.alert)).toEqual(delivery.alert);
    expect(Recipient.parse(body.recipient)).toEqual(RECIPIENT);
  });

  it('a repeat of the same notification is dropped by the receiver on X-Sentinel-Key', async () => {
    const delivery = deliveryOf(syntheticAlert());
    await notifier.deliver(delivery);
    expect(await notifier.deliver(delivery)).toEqual({ reference: '200' });
    expect(receiver.requests).toBe(2);
    expect(receiver.received).toHaveLength(1);
  });

  describe('retries', () => {
    it('5xx is transient; the retry is accepted once', async () => {
      receiver.failNext({ status: 500 }, { status: 503 });
      const delivery = deliveryOf(syntheticAlert());
      await expect(notifier.deliver(delivery)).rejects.toBeInstanceOf(TransientDeliveryError);
      await expect(notifier.deliver(delivery)).rejects.toThrow(/webhook answered 503/);
      await notifier.deliver(delivery);
      expect(receiver.received).toHaveLength(1);
    });

    it('no answer within timeoutMs is transient', async () => {
      receiver.failNext('hang');
      await expect(notifier.deliver(deliveryOf(syntheticAlert()))).rejects.toThrow(/webhook: no answer within 1000 ms/);
    });

    it('a reset connection and a receiver that is down are transient', async () => {
      receiver.failNext('reset');
      await expect(notifier.deliver(deliveryOf(syntheticAlert()))).rejects.toBeInstanceOf(TransientDeliveryError);
      await receiver.stop();
      await expect(notifier.deliver(deliveryOf(syntheticAlert()))).rejects.toThrow(/ECONNREFUSED/);
    });

    it.each([400, 404, 410, 422])('%i is permanent: never retried', async (status) => {
      receiver.failNext({ status });
      const err = await notifier.deliver(deliveryOf(syntheticAlert())).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PermanentDeliveryError);
      expect(String(err)).toContain(`webhook answered ${status}`);
    });

    it('429 and 408 ask to come back later: transient', async () => {
      receiver.failNext({ status: 429 }, { status: 408 });
      await expect(notifier.deliver(deliveryOf(syntheticAlert()))).rejects.toBeInstanceOf(TransientDeliveryError);
      await expect(notifier.deliver(deliveryOf(syntheticAlert()))).rejects.toBeInstanceOf(TransientDeliveryError);
    });

    it('a request signed with another secret is refused (401): permanent', async () => {
      const impostor = new WebhookNotifier(WebhookChannelConfig.parse({ url, secret: 'another-secret-that-is-long-enough-000' }));
      await expect(impostor.deliver(deliveryOf(syntheticAlert()))).rejects.toThrow(/webhook answered 401/);
      expect(receiver.received).toHaveLength(0);
    });

    it('a request signed too long ago is refused by the replay window', async () => {
      clock = new Date(Date.now() - 10 * 60_000);
      await expect(notifier.deliver(deliveryOf(syntheticAlert()))).rejects.toThrow(/webhook answered 401/);
    });
  });

  describe('through the embedded outbox', () => {
    it('a notification that meets a 503 stays pending, is retried after its back-off and delivered once', async () => {
      const sql = new SqliteDatabase(':memory:');
      let now = NOW;
      const queue = new LocalAlertQueue(sql, () => now);
      const alert = syntheticAlert();
      const { notification } = deliveryOf(alert);
      await queue.enqueue(notification);
      receiver.failNext({ status: 503 });
      const drainOnce = (): Promise<number> => queue.drain((n) => notifier.deliver({ notification: n, alert, recipient: RECIPIENT }).then(() => undefined));
      expect(await drainOnce()).toBe(0);
      expect(await queue.counts()).toEqual({ pending: 1, delivered: 0, dead: 0 });
      expect(await drainOnce()).toBe(0); // the back-off has not passed: not even attempted
      expect(receiver.requests).toBe(1);
      now = new Date(NOW.getTime() + 5_000);
      expect(await drainOnce()).toBe(1);
      expect(await queue.counts()).toEqual({ pending: 0, delivered: 1, dead: 0 });
      expect(receiver.received).toHaveLength(1);
      await sql.close();
    });

    it('a 410 is dead at once', async () => {
      const sql = new SqliteDatabase(':memory:');
      const queue = new LocalAlertQueue(sql, () => NOW);
      const alert = syntheticAlert();
      await queue.enqueue(deliveryOf(alert).notification);
      receiver.failNext({ status: 410 });
      await queue.drain((n) => notifier.deliver({ notification: n, alert, recipient: RECIPIENT }).then(() => undefined));
      expect(await queue.counts()).toEqual({ pending: 0, delivered: 0, dead: 1 });
      await sql.close();
    });
  });
});

describe('the documented receiver check', () => {
  let verify: VerifySentinel;
  beforeAll(async () => {
    verify = await loadDocumentedVerifier();
  });

  const body = '{"notification":{},"alert":{}}';
  const headersAt = (ts: number, sig = webhookSignature(SECRET, String(ts), body)) => ({ 'x-sentinel-timestamp': String(ts), 'x-sentinel-signature': sig });

  it('accepts the signature the notifier computes', () => {
    expect(verify(headersAt(1_000_000), body, SECRET, 1_000_010)).toBe(true);
    expect(verify(headersAt(1_000_000), Buffer.from(body), SECRET, 1_000_010)).toBe(true);
  });

  it('refuses a changed body, a changed timestamp, another secret, a missing or malformed header', () => {
    expect(verify(headersAt(1_000_000), `${body} `, SECRET, 1_000_010)).toBe(false);
    expect(verify({ ...headersAt(1_000_000), 'x-sentinel-timestamp': '1000001' }, body, SECRET, 1_000_010)).toBe(false);
    expect(verify(headersAt(1_000_000), body, `${SECRET}x`, 1_000_010)).toBe(false);
    expect(verify({}, body, SECRET, 1_000_010)).toBe(false);
    expect(verify(headersAt(1_000_000, 'sha256=00'), body, SECRET, 1_000_010)).toBe(false);
  });

  it('refuses a timestamp outside five minutes either way', () => {
    expect(verify(headersAt(1_000_000), body, SECRET, 1_000_301)).toBe(false);
    expect(verify(headersAt(1_000_000), body, SECRET, 999_699)).toBe(false);
    expect(verify(headersAt(1_000_000), body, SECRET, 1_000_300)).toBe(true);
  });

  it('the receiver example stays within ten lines of code', async () => {
    const { readFileSync } = await import('node:fs');
    const page = readFileSync(new URL('../../docs/channels/webhook.md', import.meta.url), 'utf8');
    const code = /<!-- receiver-example -->\s*```js\n([\s\S]*?)```/.exec(page)?.[1] ?? '';
    const lines = code.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('//'));
    expect(lines.length).toBeLessThanOrEqual(10);
  });
});

describe('webhook configuration', () => {
  it('refuses a short secret, plain http to another machine, unknown keys', () => {
    expect(WebhookChannelConfig.safeParse({ url: 'https://hooks.example/x', secret: 'short' }).success).toBe(false);
    expect(WebhookChannelConfig.safeParse({ url: 'http://hooks.example/x', secret: SECRET }).success).toBe(false);
    expect(WebhookChannelConfig.safeParse({ url: 'http://localhost:9/x', secret: SECRET }).success).toBe(true);
    expect(WebhookChannelConfig.safeParse({ url: 'https://hooks.example/x', secret: SECRET, retries: 3 }).success).toBe(false);
    expect(WebhookChannelConfig.parse({ url: 'https://hooks.example/x', secret: SECRET }).timeoutMs).toBe(10_000);
  });
});
