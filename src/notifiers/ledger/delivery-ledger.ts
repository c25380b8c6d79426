import { createHash } from 'node:crypto';
import type { Notification } from '../../domain/alert.js';
import { recipientKey, type Recipient } from '../../domain/recipient.js';
import type { Tier } from '../../domain/tier.js';
import type { ErrorCode } from '../../errors.js';
import type { Route } from '../routing.js';

/**
 * pending: planned, not yet attempted (or reopened by `deliveries retry`); retrying: an attempt
 * failed and the queue will try again; delivered: the peer took custody; dead: refused, or out of
 * attempts — an operator can see it and retry it.
 */
export const DELIVERY_STATUSES = ['pending', 'retrying', 'delivered', 'dead'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One delivery: a notification for one recipient on one channel, and what became of it. */
export interface DeliveryRecord {
  /** deterministic (see `deliveryId`): the same delivery has the same id on every instance */
  id: string;
  notificationKey: string;
  alertId: string;
  episode: number;
  tier: Tier;
  event: Notification['event'];
  channel: string;
  recipient: Recipient;
  status: DeliveryStatus;
  /** attempts so far, over every round (a manual retry does not reset it) */
  attempts: number;
  lastErrorCode: ErrorCode | null;
  lastError: string | null;
  /** the peer's reference for what it received (FHIR location, HTTP status, ACK control id) */
  receipt: string | null;
  createdAt: string;
  updatedAt: string;
  deliveredAt: string | null;
}

export type AttemptOutcome =
  | { status: 'delivered'; receipt?: string }
  | { status: 'retrying' | 'dead'; errorCode: ErrorCode; error: string };

export interface DeliveryFilter {
  status?: DeliveryStatus;
  channel?: string;
  /** default 100 */
  limit?: number;
}

export interface DeliveryCount {
  channel: string;
  status: DeliveryStatus;
  count: number;
}

/**
 * The delivery ledger (issue 8): one record per (notification key, channel, recipient).
 * Implementations: SQLite (embedded, in the service's database file) and PostgreSQL (distributed).
 * test/support/delivery-ledger-conformance.ts runs against both.
 */
export interface DeliveryLedger {
  /**
   * Records the deliveries of a notification as pending, leaving those already recorded as they
   * are; returns every delivery of the notification, in plan order.
   */
  plan(notification: Notification, routes: readonly Route[], now: string): Promise<DeliveryRecord[]>;
  ofNotification(key: string): Promise<DeliveryRecord[]>;
  /** every delivery of one alert episode, whatever the notification (status sync reads it) */
  ofEpisode(alertId: string, episode: number): Promise<DeliveryRecord[]>;
  get(id: string): Promise<DeliveryRecord | null>;
  /**
   * One attempt and its outcome (attempts + 1). A delivered record never changes again, so two
   * workers racing on one delivery record it once; returns whether this call changed the record.
   */
  record(id: string, outcome: AttemptOutcome, now: string): Promise<boolean>;
  /** most recently changed first */
  list(filter?: DeliveryFilter): Promise<DeliveryRecord[]>;
  /** dead → pending (`deliveries retry`); the others stay. Returns the records reopened. */
  reopen(which: { ids: readonly string[] } | 'all-dead', now: string): Promise<DeliveryRecord[]>;
  counts(): Promise<DeliveryCount[]>;
}

/**
 * The id of a delivery: 16 hex digits of SHA-256 over (notification key, channel, recipient).
 * Short enough to type in `deliveries retry` and to be an HL7 MSH-10 (ST 20), the same on every
 * instance, and the same for every attempt of one delivery, so a receiver dedupes on it too.
 */
export function deliveryId(notificationKey: string, channel: string, recipient: Recipient): string {
  return createHash('sha256').update(`${notificationKey}\n${channel}\n${recipientKey(recipient)}`).digest('hex').slice(0, 16);
}

/** The record a plan starts from (pending, no attempt). */
export function plannedRecord(n: Notification, route: Route, now: string): DeliveryRecord {
  return {
    id: deliveryId(n.key, route.channel, route.recipient),
    notificationKey: n.key,
    alertId: n.alertId,
    episode: n.episode,
    tier: n.tier,
    event: n.event,
    channel: route.channel,
    recipient: route.recipient,
    status: 'pending',
    attempts: 0,
    lastErrorCode: null,
    lastError: null,
    receipt: null,
    createdAt: now,
    updatedAt: now,
    deliveredAt: null,
  };
}

/** Error texts are kept short: the ledger is an operator's list, the detail is in the log. */
export const MAX_ERROR_CHARS = 500;

/** The ledger's columns, the same in both adapters (snake case, in this order). */
export const LEDGER_COLUMNS = 'id, notification_key, seq, alert_id, episode, tier, event, channel, recipient, status, attempts, last_error_code, last_error, receipt, created_at, updated_at, delivered_at';

/**
 * A ledger row as a driver returns it: SQLite gives the recipient as JSON text and times as ISO
 * text, PostgreSQL gives jsonb as an object and timestamptz as a Date.
 */
export interface LedgerRow {
  id: string; notification_key: string; seq: number; alert_id: string; episode: number; tier: string; event: string;
  channel: string; recipient: string | Recipient; status: string; attempts: number;
  last_error_code: string | null; last_error: string | null; receipt: string | null;
  created_at: string | Date; updated_at: string | Date; delivered_at: string | Date | null;
}

/** One row mapper for both adapters. The rows are the ledger's own writes: read, not re-validated. */
export function recordFromRow(row: LedgerRow): DeliveryRecord {
  const iso = (t: string | Date): string => (typeof t === 'string' ? t : t.toISOString());
  return {
    id: row.id,
    notificationKey: row.notification_key,
    alertId: row.alert_id,
    episode: row.episode,
    tier: row.tier as DeliveryRecord['tier'],
    event: row.event as DeliveryRecord['event'],
    channel: row.channel,
    recipient: typeof row.recipient === 'string' ? (JSON.parse(row.recipient) as Recipient) : row.recipient,
    status: row.status as DeliveryStatus,
    attempts: row.attempts,
    lastErrorCode: row.last_error_code as DeliveryRecord['lastErrorCode'],
    lastError: row.last_error,
    receipt: row.receipt,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    deliveredAt: row.delivered_at === null ? null : iso(row.delivered_at),
  };
}
