import type { Alert, Notification } from '../domain/alert.js';
import type { Recipient } from '../domain/recipient.js';

/** One delivery: a notification, the alert as it is now, for one recipient on one channel. */
export interface Delivery {
  notification: Notification;
  alert: Alert;
  recipient: Recipient;
}

/** What a channel reports back; `reference` is the peer's id for what it received (FHIR id, HTTP status, ACK control id). */
export interface DeliveryReceipt {
  reference?: string;
}

/**
 * A delivery channel (inbox, FHIR, HL7 v2 outbound, webhook). `deliver` resolves once the peer
 * has taken custody; it throws `PermanentDeliveryError` when retrying cannot help (the peer
 * refused the content: HTTP 4xx, MLLP AR, FHIR 422) and any other error when it can (timeouts,
 * 5xx, AE, connection refused). Deliveries are at-least-once: a peer must deduplicate on
 * `notification.key`, which every channel sends.
 */
export interface Notifier {
  readonly channel: string;
  /**
   * true for a channel whose peer keeps the alert's state (FHIR Flag, DetectedIssue, Task): it
   * also gets `status` notifications when the alert is withdrawn, acknowledged or dismissed
   */
  readonly holdsState?: boolean;
  deliver(delivery: Delivery): Promise<DeliveryReceipt>;
  close?(): Promise<void>;
}
