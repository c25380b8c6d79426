import { createHmac } from 'node:crypto';
import type { Logger } from 'pino';
import { z } from 'zod';
import { deliverHttp, isLoopbackHttpOrHttps } from './http-delivery.js';
import type { Delivery, DeliveryReceipt, Notifier } from './notifier.port.js';

export const WebhookChannelConfig = z.object({
  url: z.string().url(),
  /** the shared HMAC-SHA256 key; 32 characters at least (a random 256-bit value in hex or base64) */
  secret: z.string().min(32),
  /** one attempt, answer included; the queue retries a timeout */
  timeoutMs: z.number().int().positive().max(60_000).default(10_000),
  /** http:// to another machine: only for a test network, the body carries patient data */
  allowInsecureHttp: z.boolean().default(false),
}).strict().refine((c) => c.allowInsecureHttp || isLoopbackHttpOrHttps(c.url), {
  message: 'url must be https (http only to localhost, or with allowInsecureHttp)',
  path: ['url'],
});
export type WebhookChannelConfig = z.infer<typeof WebhookChannelConfig>;

/** Header names; docs/channels/webhook.md shows a receiver that checks them. */
export const WEBHOOK_HEADERS = {
  signature: 'x-sentinel-signature',
  timestamp: 'x-sentinel-timestamp',
  key: 'x-sentinel-key',
} as const;

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`: the timestamp is signed, so it cannot be replayed with a new date. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Webhook channel: `POST <url>` with the JSON `{ notification, alert, recipient }` (the alert JSON
 * contract), signed with HMAC-SHA256 over `<unix seconds>.<body>`. One attempt per call: 5xx,
 * 408, 429, timeouts and connection errors throw a transient error and the queue retries with
 * back-off; any other 4xx is permanent (http-delivery.ts). The receiver drops repeats by
 * `X-Sentinel-Key` (with `recipient` from the body, when it routes per recipient).
 */
export class WebhookNotifier implements Notifier {
  readonly channel = 'webhook';
  private readonly clock: () => Date;
  private readonly log: Logger | undefined;

  constructor(private readonly config: WebhookChannelConfig, deps: { clock?: () => Date; log?: Logger } = {}) {
    this.clock = deps.clock ?? (() => new Date());
    this.log = deps.log?.child({ component: 'webhook-notifier' });
  }

  async deliver({ notification, alert, recipient }: Delivery): Promise<DeliveryReceipt> {
    const body = JSON.stringify({ notification, alert, recipient });
    const timestamp = String(Math.floor(this.clock().getTime() / 1000));
    const res = await deliverHttp({
      peer: 'webhook',
      url: this.config.url,
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'poems-sentinel',
        [WEBHOOK_HEADERS.signature]: webhookSignature(this.config.secret, timestamp, body),
        [WEBHOOK_HEADERS.timestamp]: timestamp,
        [WEBHOOK_HEADERS.key]: notification.key,
      },
      body,
      timeoutMs: this.config.timeoutMs,
    });
    this.log?.debug({ key: notification.key, status: res.status }, 'webhook accepted');
    return { reference: String(res.status) };
  }
}
