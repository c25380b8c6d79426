/**
 * The catalogue of stable error codes. Every rejected message and every failure that reaches a
 * user carries one of these codes. `permanent` picks the outcome at the edges: a permanent error
 * is dead-lettered (MLLP: AR), a transient one is retried (MLLP: AE).
 * A `warning` code never rejects a message: it is logged and counted, and the message is applied.
 * docs/error-codes.md lists every code; a test keeps the two equal.
 */
export const ERROR_CODES = {
  HL7_EMPTY_INPUT: { permanent: true, summary: 'the input held no bytes other than whitespace' },
  HL7_NO_MSH: { permanent: true, summary: 'segments outside any message: no MSH header before them' },
  HL7_BAD_ENCODING: { permanent: true, summary: 'MSH-1/MSH-2 delimiters missing, repeated, alphanumeric or too many' },
  HL7_BAD_SEGMENT: { permanent: true, summary: 'a segment whose name is not three letters/digits' },
  HL7_NO_MESSAGE_TYPE: { permanent: true, summary: 'MSH-9 message type missing or malformed' },
  HL7_NO_VERSION: { permanent: true, summary: 'MSH-12 version missing' },
  HL7_UNSUPPORTED_VERSION: { permanent: true, summary: 'MSH-12 is not an HL7 version 2.x' },
  HL7_BATCH_STRUCTURE: { permanent: true, summary: 'batch envelope (FHS/BHS/BTS/FTS) out of place or with other delimiters' },
  HL7_STRUCTURE_MISMATCH: { permanent: true, summary: 'segments that the message type cannot carry (e.g. OBR in ADT)' },
  HL7_NO_PATIENT_ID: { permanent: true, summary: 'a clinical message without a PID-3 patient identifier' },
  HL7_NO_MERGE_ID: { permanent: true, summary: 'a merge (A34/A36/A40) without an MRG-1 prior identifier' },
  HL7_FRAME_TOO_LARGE: { permanent: true, summary: 'a message larger than the configured maximum' },
  MLLP_UNFRAMED_BYTES: { permanent: true, summary: 'bytes between MLLP frames that are not whitespace' },
  MLLP_ABANDONED_FRAME: { permanent: true, summary: 'a partial MLLP frame abandoned by a new start block (VT) before its end (FS)' },
  MLLP_INCOMPLETE_FRAME: { permanent: true, summary: 'a partial MLLP frame cut off: the connection ended or a deadline passed before its FS' },
  MLLP_HTTP_REQUEST: { permanent: true, summary: 'an HTTP request sent to the MLLP port (answered 400, connection closed)' },
  STORE_UNAVAILABLE: { permanent: false, summary: 'the state store could not be written; retry later' },
  KAFKA_TOPIC_MISSING: { permanent: true, summary: 'the Kafka topic named does not exist' },
  KAFKA_UNAVAILABLE: { permanent: false, summary: 'no Kafka broker could be reached' },
  PROFILE_INVALID: { permanent: true, summary: 'the site profile file does not validate' },
  INPUT_UNREADABLE: { permanent: true, summary: 'an input file or directory could not be read' },
  USAGE: { permanent: true, summary: 'bad command-line usage' },
  JOURNAL_MISMATCH: { permanent: true, summary: 'a replay journal that does not match the input files or the target it was written for (a file changed since the interrupted run)' },
  TIMING_MISMATCH: { permanent: true, summary: 'a timing sidecar that does not belong to its feed file (another size or number of messages), or is not one' },
  REPLAY_TARGET_UNAVAILABLE: { permanent: false, summary: 'the service or broker a replay sends to could not be reached' },
  DELIVERY_REFUSED: { permanent: true, summary: 'a notification channel refused the delivery (HTTP 4xx, FHIR 422, MLLP AR/CR) or cannot address it (no FHIR system for the patient authority): dead, not retried' },
  DELIVERY_FAILED: { permanent: false, summary: 'a notification channel could not take the delivery now (timeout, connection refused, HTTP 5xx/408/429, MLLP AE/CE): retried with back-off, dead after the last attempt' },
  DELIVERY_NO_CHANNEL: { permanent: true, summary: 'a delivery names a channel this instance has not configured (routing names it, the channel configuration does not)' },
  DELIVERY_ALERT_MISSING: { permanent: true, summary: 'a notification whose alert is not in the alert store' },
  // the inbox (HTTP problem details; status in src/inbox/http/problem.ts)
  INBOX_UNAUTHENTICATED: { permanent: true, summary: 'the inbox or its API was called without a valid session or API token' },
  INBOX_LOGIN_FAILED: { permanent: true, summary: 'an inbox login with an unknown account, a wrong password or a disabled account (not told apart)' },
  INBOX_RATE_LIMITED: { permanent: false, summary: 'too many inbox logins for this account or from this address; retry after the Retry-After seconds' },
  INBOX_FORBIDDEN: { permanent: true, summary: 'the account\'s role does not allow this, or the alert is not routed to it' },
  INBOX_CSRF: { permanent: true, summary: 'a form or cookie-authenticated API write without the session\'s CSRF token' },
  INBOX_NOT_FOUND: { permanent: true, summary: 'no such alert or page' },
  INBOX_BAD_REQUEST: { permanent: true, summary: 'an inbox request that does not validate (the failing fields are named, never their values)' },
  INBOX_ALERT_CHANGED: { permanent: true, summary: 'an action on an alert version that is no longer current (the rule updated it): read it again, then act' },
  INBOX_INTERNAL: { permanent: false, summary: 'the inbox failed to answer (logged with a request id; no details are shown)' },
  CONTROL_ID_REUSED: { permanent: false, warning: true, summary: 'warning, not a rejection: a (sending facility, MSH-10) seen before with other content (a restarted counter); the message is applied and counted' },
} as const satisfies Record<string, { permanent: boolean; summary: string; warning?: true }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class SentinelError extends Error {
  readonly code: ErrorCode;
  readonly permanent: boolean;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SentinelError';
    this.code = code;
    this.permanent = ERROR_CODES[code].permanent;
  }
}
