import type { Logger } from 'pino';
import type { RoutingProfile } from '../config/profile-routing.schema.js';
import type { Alert, Notification } from '../domain/alert.js';
import { careTeamOf, recipientKey } from '../domain/recipient.js';
import type { ErrorCode } from '../errors.js';
import { PermanentDeliveryError, type AlertQueue, type QueueAttempt } from './alert-queue.js';
import type { DeliveryLedger, DeliveryRecord, DeliveryStatus } from './ledger/delivery-ledger.js';
import type { Notifier } from './notifier.port.js';
import { routesFor, type Route } from './routing.js';

/** What the dispatcher reports per attempt (metrics: deliveries by channel and outcome). */
export interface DeliveryObserver {
  attempted(channel: string, outcome: Exclude<DeliveryStatus, 'pending'>, seconds: number): void;
}

export interface DispatcherDeps {
  queue: AlertQueue;
  ledger: DeliveryLedger;
  notifiers: readonly Notifier[];
  routing: RoutingProfile;
  alerts: { getById(id: string): Promise<Alert | null> };
  log: Logger;
  observer?: DeliveryObserver;
  /** commits ledger writes (embedded: the SQLite group transaction); default none */
  flush?: () => Promise<void>;
  clock?: () => Date;
}

/** The outcome of one notification's attempt, by delivery. */
export interface DispatchSummary {
  delivered: number;
  retrying: number;
  dead: number;
}

/** Some deliveries of a notification failed and will be tried again: the queue retries the notification. */
export class RetryLaterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RetryLaterError';
  }
}

/**
 * The one notification dispatcher (issue 8), owned by the composition root: takes notifications
 * from the AlertQueue and delivers each to its channels × recipients, recording every delivery in
 * the ledger.
 *
 * - The routes of a notification are decided once, on its first attempt, from the alert as it is
 *   then (routing.ts) and recorded as pending; later attempts work through the same records, so a
 *   retry never reaches someone the first attempt did not plan, and a delivery already delivered
 *   is never sent again, on any instance.
 * - A `status` notification goes to the channels that hold state (`Notifier.holdsState`) that the
 *   alert's episode was already routed to, not to new recipients.
 * - Each attempt delivers the alert as it is now (a withdrawn alert's Flag goes inactive even if
 *   its creation was retried after the withdrawal).
 * - The notification's outcome for the queue: some delivery will be retried → RetryLaterError
 *   (retried with back-off; on the last attempt those deliveries are dead instead); none left to
 *   retry and some dead → PermanentDeliveryError (dead in the queue's view too); else done.
 */
export class NotificationDispatcher {
  private readonly byChannel: ReadonlyMap<string, Notifier>;
  private readonly stateful: ReadonlySet<string>;
  private readonly clock: () => Date;
  private readonly log: Logger;
  private readonly handle = (n: Notification, attempt: QueueAttempt): Promise<void> => this.dispatch(n, attempt).then(() => undefined);

  constructor(private readonly deps: DispatcherDeps) {
    this.byChannel = new Map(deps.notifiers.map((n) => [n.channel, n]));
    this.stateful = new Set(deps.notifiers.filter((n) => n.holdsState === true).map((n) => n.channel));
    this.clock = deps.clock ?? (() => new Date());
    this.log = deps.log.child({ component: 'dispatcher' });
  }

  /** Starts the queue's long-lived consumer with this dispatcher as its handler. */
  start(): void {
    this.deps.queue.start(this.handle, (err) => this.log.error({ err }, 'notification queue failed (retried on the next poll)'));
  }

  /** Delivers what is due now; resolves when nothing due is left (replay, tests, shutdown). */
  drain(): Promise<number> {
    return this.deps.queue.drain(this.handle);
  }

  /** Stops the consumer (a delivery in flight finishes), then closes the channels. */
  async stop(): Promise<void> {
    await this.deps.queue.stop();
    for (const n of this.deps.notifiers) await n.close?.();
  }

  /** One attempt of one notification (the queue's handler); exported for tests. */
  async dispatch(n: Notification, attempt: QueueAttempt): Promise<DispatchSummary> {
    const { ledger } = this.deps;
    const alert = await this.deps.alerts.getById(n.alertId);
    if (alert === null) {
      this.log.error({ key: n.key, code: 'DELIVERY_ALERT_MISSING' satisfies ErrorCode }, 'notification of an alert that is not in the store');
      throw new PermanentDeliveryError(`DELIVERY_ALERT_MISSING: alert ${n.alertId} is not in the alert store`);
    }
    let records = await ledger.ofNotification(n.key);
    if (records.length === 0) {
      const routes = await this.routesOf(n, alert);
      records = await ledger.plan(n, routes, this.now());
      if (records.length === 0) this.log.debug({ key: n.key, event: n.event }, 'no route: nothing to deliver');
    }
    const summary: DispatchSummary = { delivered: 0, retrying: 0, dead: 0 };
    for (const record of records) {
      if (record.status === 'delivered') continue;
      if (record.status === 'dead') {
        summary.dead += 1;
        continue;
      }
      summary[await this.deliver(record, n, alert, attempt)] += 1;
    }
    await this.deps.flush?.();
    if (summary.retrying > 0) throw new RetryLaterError(`${summary.retrying} of ${records.length} deliveries of ${n.key} to retry`);
    if (summary.dead > 0) throw new PermanentDeliveryError(`${summary.dead} of ${records.length} deliveries of ${n.key} are dead (deliveries list --status dead)`);
    return summary;
  }

  private async deliver(record: DeliveryRecord, n: Notification, alert: Alert, attempt: QueueAttempt): Promise<Exclude<DeliveryStatus, 'pending'>> {
    const { ledger, observer } = this.deps;
    const started = performance.now();
    const notifier = this.byChannel.get(record.channel);
    let outcome: Exclude<DeliveryStatus, 'pending'>;
    if (notifier === undefined) {
      outcome = 'dead';
      await ledger.record(record.id, { status: 'dead', errorCode: 'DELIVERY_NO_CHANNEL', error: `no channel "${record.channel}" is configured` }, this.now());
    } else {
      try {
        const receipt = await notifier.deliver({ notification: n, alert, recipient: record.recipient });
        outcome = 'delivered';
        await ledger.record(record.id, { status: 'delivered', ...(receipt.reference !== undefined ? { receipt: receipt.reference } : {}) }, this.now());
      } catch (err) {
        const permanent = err instanceof PermanentDeliveryError;
        outcome = permanent || attempt.final ? 'dead' : 'retrying';
        const errorCode: ErrorCode = permanent ? 'DELIVERY_REFUSED' : 'DELIVERY_FAILED';
        const error = err instanceof Error ? err.message : String(err);
        await ledger.record(record.id, { status: outcome, errorCode, error }, this.now());
        // the recipient id is a staff identifier, not a patient's; the patient key is never logged
        this.log.warn({ delivery: record.id, key: n.key, channel: record.channel, recipient: recipientKey(record.recipient), code: errorCode, attempt: attempt.attempt, outcome, err: error }, 'delivery failed');
      }
    }
    observer?.attempted(record.channel, outcome, (performance.now() - started) / 1000);
    return outcome;
  }

  private async routesOf(n: Notification, alert: Alert): Promise<Route[]> {
    if (n.event !== 'status') return routesFor(n.tier, careTeamOf(alert), this.deps.routing);
    // status: the stateful channels this episode was routed to, once per (channel, recipient)
    const routes = new Map<string, Route>();
    for (const r of await this.deps.ledger.ofEpisode(n.alertId, n.episode)) {
      if (r.event === 'status' || r.status === 'dead' || !this.stateful.has(r.channel)) continue;
      routes.set(`${r.channel} ${recipientKey(r.recipient)}`, { channel: r.channel, recipient: r.recipient });
    }
    return [...routes.values()];
  }

  private now(): string {
    return this.clock().toISOString();
  }
}

export function createDispatcher(deps: DispatcherDeps): NotificationDispatcher {
  return new NotificationDispatcher(deps);
}
