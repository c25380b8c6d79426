import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { z } from 'zod';
import { controlIdFromRaw } from '../hl7/ack.js';
import { buildOutboundAlert } from '../hl7/outbound-alert.js';
import { MllpClient, type MllpClientTls } from '../transport/mllp-client.js';
import { PermanentDeliveryError } from './alert-queue.js';
import { alertReportLines } from './alert-text.js';
import { TransientDeliveryError } from './http-delivery.js';
import { deliveryId } from './ledger/delivery-ledger.js';
import type { Delivery, DeliveryReceipt, Notifier } from './notifier.port.js';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1']);
/** HD namespace ids and application names: no delimiters, short */
const HD = z.string().min(1).max(60).regex(/^[^|^~\\&\r\n]+$/, 'no HL7 delimiters');

export const Hl7v2ChannelConfig = z.object({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  /** MDM^T02 (a document for the chart and the recipient's document inbox) or ORU^R01 (a result) */
  messageType: z.enum(['MDM^T02', 'ORU^R01']).default('MDM^T02'),
  sendingApplication: HD.default('POEMS-SENTINEL'),
  sendingFacility: HD.default('POEMS-SENTINEL'),
  receivingApplication: HD,
  receivingFacility: HD,
  /** TXA-2 / OBR-4 / OBX-3 identifier: the code the receiving system files the alert under */
  documentType: HD.default('POEMS-ALERT'),
  /** MSH-11 */
  processingId: z.enum(['P', 'T', 'D']).default('P'),
  connectTimeoutMs: z.number().int().positive().max(60_000).default(5_000),
  /** one message waits this long for its ACK; the queue retries a timeout */
  ackTimeoutMs: z.number().int().positive().max(300_000).default(30_000),
  /** MLLP over TLS: PEM files (CA to trust, and a client certificate when the peer asks for one) */
  tls: z.object({
    caFile: z.string().optional(),
    certFile: z.string().optional(),
    keyFile: z.string().optional(),
    servername: z.string().optional(),
  }).strict().optional(),
  /** plain TCP to another machine: the message carries patient data, so it must be said on purpose */
  allowPlainTcp: z.boolean().default(false),
}).strict().refine((c) => c.tls !== undefined || c.allowPlainTcp || LOOPBACK.has(c.host), {
  message: 'tls is required (plain TCP only to localhost, or with allowPlainTcp on a protected network)',
  path: ['tls'],
});
export type Hl7v2ChannelConfig = z.infer<typeof Hl7v2ChannelConfig>;

/**
 * HL7 v2 outbound channel: the alert as an MDM^T02 (default) or ORU^R01 (hl7/outbound-alert.ts)
 * with the alert text, the evidence table and the work-up, sent over MLLP with our own client
 * (transport/mllp-client.ts; node-hl7-client spins at 100 % CPU when a message is sent before
 * the previous ACK or before `connect`). One connection, kept open and reopened after a failure;
 * one message at a time.
 *
 * The outcome is the ACK's: AA/CA delivered (the receipt is the ACK's MSH-10); AE/CE transient
 * (the receiver could not take it now; the queue retries); AR/CR permanent (the receiver refused
 * the content: dead). No connection, a timeout or an answer that is not an ACK: transient. MSH-10
 * is the delivery id, the same on every attempt, so a receiver that saw the message before (its
 * ACK was lost) can drop the repeat.
 */
export class Hl7v2Notifier implements Notifier {
  readonly channel = 'hl7-v2';
  private client: MllpClient | undefined;
  private connecting: Promise<MllpClient> | undefined;
  private readonly tls: MllpClientTls | undefined;
  private readonly log: Logger | undefined;
  private readonly clock: () => Date;

  constructor(private readonly config: Hl7v2ChannelConfig, deps: { clock?: () => Date; log?: Logger } = {}) {
    this.clock = deps.clock ?? (() => new Date());
    this.log = deps.log?.child({ component: 'hl7-v2-notifier' });
    const t = config.tls;
    this.tls = t === undefined ? undefined : {
      ...(t.caFile ? { ca: readFileSync(t.caFile) } : {}),
      ...(t.certFile ? { cert: readFileSync(t.certFile) } : {}),
      ...(t.keyFile ? { key: readFileSync(t.keyFile) } : {}),
      ...(t.servername ? { servername: t.servername } : {}),
    };
  }

  async deliver({ notification, alert, recipient }: Delivery): Promise<DeliveryReceipt> {
    const c = this.config;
    const controlId = deliveryId(notification.key, this.channel, recipient);
    const message = buildOutboundAlert({
      type: c.messageType, notification, alert, recipient, report: { lines: alertReportLines(notification, alert) },
      controlId, now: this.clock(),
      sendingApplication: c.sendingApplication, sendingFacility: c.sendingFacility,
      receivingApplication: c.receivingApplication, receivingFacility: c.receivingFacility,
      processingId: c.processingId, documentType: c.documentType,
    });
    const client = await this.connection();
    let ack;
    try {
      ack = await client.send(message);
    } catch (err) {
      this.drop(client);
      throw new TransientDeliveryError(`HL7 v2 peer ${this.peer}: ${(err as Error).message}`, undefined, { cause: err });
    }
    if (ack === null) throw new TransientDeliveryError(`HL7 v2 peer ${this.peer}: no ACK`);
    const why = [ack.errorCode, ack.errorText].filter(Boolean).join(' ');
    switch (ack.outcome) {
      case 'AA': {
        const reference = controlIdFromRaw(ack.text);
        this.log?.debug({ key: notification.key, controlId, ack: ack.code }, 'HL7 v2 message accepted');
        return reference ? { reference } : {};
      }
      case 'AE':
        throw new TransientDeliveryError(`HL7 v2 peer ${this.peer} answered ${ack.code}${why ? `: ${why}` : ''}`);
      case 'AR':
        throw new PermanentDeliveryError(`HL7 v2 peer ${this.peer} answered ${ack.code}${why ? `: ${why}` : ''}`);
      default:
        this.drop(client);
        throw new TransientDeliveryError(`HL7 v2 peer ${this.peer} answered MSA-1 "${ack.code}", not an acknowledgement code`);
    }
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.close();
  }

  private get peer(): string {
    return `${this.config.host}:${this.config.port}`;
  }

  /** The open connection, or a new one (a failed connect is transient: the queue retries). */
  private async connection(): Promise<MllpClient> {
    if (this.client?.usable) return this.client;
    this.connecting ??= MllpClient.connect({
      host: this.config.host,
      port: this.config.port,
      connectTimeoutMs: this.config.connectTimeoutMs,
      ackTimeoutMs: this.config.ackTimeoutMs,
      ...(this.tls ? { tls: this.tls } : {}),
    }).finally(() => { this.connecting = undefined; });
    try {
      this.client = await this.connecting;
      return this.client;
    } catch (err) {
      throw new TransientDeliveryError(`HL7 v2 peer ${this.peer}: ${(err as Error).message}`, undefined, { cause: err });
    }
  }

  private drop(client: MllpClient): void {
    if (this.client === client) this.client = undefined;
    void client.close();
  }
}
