import type { Logger } from 'pino';
import { z } from 'zod';
import type { FhirChannelConfig } from './fhir/fhir.config.js';
import { transactionOf } from './fhir/transaction.js';
import { deliverHttp } from './http-delivery.js';
import type { Delivery, DeliveryReceipt, Notifier } from './notifier.port.js';

const TransactionResponse = z.object({
  resourceType: z.literal('Bundle'),
  entry: z.array(z.object({ response: z.object({ status: z.string(), location: z.string().optional() }).optional() })).optional(),
});

/**
 * FHIR R4 channel: one transaction Bundle (DetectedIssue, Flag, Task of the alert episode,
 * conditional on their shared identifier; see fhir/transaction.ts) POSTed to the configured base
 * URL. 2xx is delivered (the receipt names the DetectedIssue's location); 4xx, 422 with its
 * OperationOutcome included, is permanent; 5xx, timeouts and connection errors are transient
 * (http-delivery.ts). The resources describe the alert, not the recipient: deliveries of one
 * notification to several recipients write the same resources again, which changes nothing.
 */
export class FhirNotifier implements Notifier {
  readonly channel = 'fhir';
  /** Flag, DetectedIssue and Task follow the alert's status (status notifications) */
  readonly holdsState = true;
  private readonly log: Logger | undefined;

  constructor(private readonly config: FhirChannelConfig, deps: { log?: Logger } = {}) {
    this.log = deps.log?.child({ component: 'fhir-notifier' });
  }

  async deliver({ notification, alert }: Delivery): Promise<DeliveryReceipt> {
    const bundle = transactionOf(notification, alert, this.config.patientSystems);
    const res = await deliverHttp({
      peer: 'FHIR server',
      url: this.config.baseUrl,
      method: 'POST',
      headers: {
        'content-type': 'application/fhir+json',
        accept: 'application/fhir+json',
        'x-sentinel-key': notification.key,
        ...(this.config.bearerToken ? { authorization: `Bearer ${this.config.bearerToken}` } : {}),
      },
      body: JSON.stringify(bundle),
      timeoutMs: this.config.timeoutMs,
    });
    const reference = detectedIssueLocation(res.body);
    this.log?.debug({ key: notification.key, status: res.status, reference }, 'FHIR transaction accepted');
    return reference ? { reference } : {};
  }
}

/** The first entry answers for the DetectedIssue; a server that sends no body still delivered. */
function detectedIssueLocation(body: string): string | undefined {
  try {
    const parsed = TransactionResponse.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data.entry?.[0]?.response?.location : undefined;
  } catch {
    return undefined;
  }
}
