import { z } from 'zod';
import { PermanentDeliveryError } from './alert-queue.js';

/** A failure that a later attempt may not meet: 5xx, 408, 429, a timeout, a refused or reset connection. */
export class TransientDeliveryError extends Error {
  constructor(message: string, readonly status?: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientDeliveryError';
  }
}

export interface HttpDeliveryRequest {
  /** what the peer is, for error messages ("FHIR server", "webhook") */
  peer: string;
  url: string;
  method: 'POST' | 'PUT';
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

export interface HttpDeliveryResponse {
  status: number;
  body: string;
}

/** Response bodies are read for receipts and error messages only; more than this is not needed. */
const MAX_BODY_CHARS = 64 * 1024;

/**
 * One HTTP attempt with the status classes every HTTP channel shares (the queue does the retrying):
 * - 2xx: delivered;
 * - 408 Request Timeout and 429 Too Many Requests: transient, whatever their 4xx class says,
 *   because both say "try again later";
 * - every other 4xx, and 3xx (redirects are not followed: a POST that turns into a GET on
 *   another host would lose the body or leak it): permanent, retrying cannot change the answer;
 * - 5xx, a timeout (the whole exchange, body included, is bounded by `timeoutMs`), a refused or
 *   reset connection: transient.
 */
export async function deliverHttp(req: HttpDeliveryRequest): Promise<HttpDeliveryResponse> {
  let res: Response;
  let body: string;
  try {
    res = await fetch(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(req.timeoutMs),
    });
    body = (await res.text()).slice(0, MAX_BODY_CHARS);
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    const what = timedOut ? `no answer within ${req.timeoutMs} ms` : `connection failed (${causeCode(err)})`;
    throw new TransientDeliveryError(`${req.peer}: ${what}`, undefined, { cause: err });
  }
  if (res.status >= 200 && res.status < 300) return { status: res.status, body };
  const message = `${req.peer} answered ${res.status}${describeBody(body)}`;
  if (res.status >= 500 || res.status === 408 || res.status === 429) throw new TransientDeliveryError(message, res.status);
  throw new PermanentDeliveryError(message);
}

function causeCode(err: unknown): string {
  const cause = err instanceof Error ? (err.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === 'string' ? cause.code : err instanceof Error ? err.message : String(err);
}

const OperationOutcome = z.object({
  resourceType: z.literal('OperationOutcome'),
  issue: z.array(z.object({
    severity: z.string().optional(),
    code: z.string().optional(),
    details: z.object({ text: z.string().optional() }).optional(),
    diagnostics: z.string().optional(),
    expression: z.array(z.string()).optional(),
  })),
});

/**
 * A short account of an error body for the dead-letter list: an OperationOutcome's issues
 * (code, where, what), otherwise the first characters of the text.
 */
function describeBody(body: string): string {
  const text = body.trim();
  if (text === '') return '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return `: ${text.slice(0, 300)}`;
  }
  const outcome = OperationOutcome.safeParse(parsed);
  if (!outcome.success) return `: ${text.slice(0, 300)}`;
  const issues = outcome.data.issue.map((i) => [i.code, i.expression?.join(','), i.details?.text ?? i.diagnostics].filter(Boolean).join(' '));
  return `: ${issues.join('; ').slice(0, 500)}`;
}

/** http: is accepted only towards this machine; alerts carry patient data and tokens. */
export function isLoopbackHttpOrHttps(raw: string): boolean {
  const url = new URL(raw);
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}
