import type { ErrorCode } from '../errors.js';
import { DEFAULT_DELIMITERS, type Delimiters } from './delimiters.js';
import { component, type Hl7Message } from './message.js';

export type AckCode = 'AA' | 'AE' | 'AR';

export interface AckInput {
  /** the parsed original, or null when it could not be parsed */
  message: Hl7Message | null;
  /** the original as decoded text (read for MSH-10 when `message` is null) */
  rawText: string;
  code: AckCode;
  /** our stable error code and a short text, for AE/AR (the ERR segment) */
  error?: { code: ErrorCode; text: string };
  now: Date;
  /** MSH-10 of the ACK itself */
  controlId: string;
}

/** Our codes are local: the ERR-3 alternate triplet maps each to HL7 table 0357 (message error condition codes). */
export const LOCAL_CODING_SYSTEM = '99SENTINEL';

const TABLE_0357: Record<ErrorCode, readonly [string, string]> = {
  HL7_EMPTY_INPUT: ['100', 'Segment sequence error'],
  HL7_NO_MSH: ['100', 'Segment sequence error'],
  HL7_BAD_ENCODING: ['102', 'Data type error'],
  HL7_BAD_SEGMENT: ['100', 'Segment sequence error'],
  HL7_NO_MESSAGE_TYPE: ['200', 'Unsupported message type'],
  HL7_NO_VERSION: ['101', 'Required field missing'],
  HL7_UNSUPPORTED_VERSION: ['203', 'Unsupported version id'],
  HL7_BATCH_STRUCTURE: ['100', 'Segment sequence error'],
  HL7_STRUCTURE_MISMATCH: ['100', 'Segment sequence error'],
  HL7_NO_PATIENT_ID: ['101', 'Required field missing'],
  HL7_NO_MERGE_ID: ['101', 'Required field missing'],
  HL7_FRAME_TOO_LARGE: ['207', 'Application internal error'],
  MLLP_UNFRAMED_BYTES: ['207', 'Application internal error'],
  MLLP_ABANDONED_FRAME: ['207', 'Application internal error'],
  MLLP_INCOMPLETE_FRAME: ['207', 'Application internal error'],
  MLLP_HTTP_REQUEST: ['207', 'Application internal error'],
  STORE_UNAVAILABLE: ['207', 'Application internal error'],
  KAFKA_TOPIC_MISSING: ['207', 'Application internal error'],
  KAFKA_UNAVAILABLE: ['207', 'Application internal error'],
  PROFILE_INVALID: ['207', 'Application internal error'],
  INPUT_UNREADABLE: ['207', 'Application internal error'],
  USAGE: ['207', 'Application internal error'],
  JOURNAL_MISMATCH: ['207', 'Application internal error'],
  TIMING_MISMATCH: ['207', 'Application internal error'],
  REPLAY_TARGET_UNAVAILABLE: ['207', 'Application internal error'],
  DELIVERY_REFUSED: ['207', 'Application internal error'],
  DELIVERY_FAILED: ['207', 'Application internal error'],
  DELIVERY_NO_CHANNEL: ['207', 'Application internal error'],
  DELIVERY_ALERT_MISSING: ['207', 'Application internal error'],
  // inbox (HTTP) codes: never sent in an ACK; listed because the table names every code
  INBOX_UNAUTHENTICATED: ['207', 'Application internal error'],
  INBOX_LOGIN_FAILED: ['207', 'Application internal error'],
  INBOX_RATE_LIMITED: ['207', 'Application internal error'],
  INBOX_FORBIDDEN: ['207', 'Application internal error'],
  INBOX_CSRF: ['207', 'Application internal error'],
  INBOX_NOT_FOUND: ['207', 'Application internal error'],
  INBOX_BAD_REQUEST: ['207', 'Application internal error'],
  INBOX_ALERT_CHANGED: ['207', 'Application internal error'],
  INBOX_INTERNAL: ['207', 'Application internal error'],
  // a warning: the message was accepted (never sent as AE/AR)
  CONTROL_ID_REUSED: ['0', 'Message accepted'],
};

const ENHANCED: Record<AckCode, string> = { AA: 'CA', AE: 'CE', AR: 'CR' };
/** MSH-10 is ST(20) in v2.5 and 199 in later versions; a longer echo is cut, not refused. */
const MAX_CONTROL_ID = 199;
/** ERR-3.2 is a short text; the detail beyond this is in our log, not on the wire. */
const MAX_ERROR_TEXT = 200;

/**
 * Builds the ACK for one received message (HL7 v2.5 §2.9). Pure.
 *
 * Original mode (MSH-15 and MSH-16 of the original both empty): an application ACK, AA/AE/AR.
 * Enhanced mode (either non-empty): a commit ACK, CA/CE/CR, sent only when MSH-15 asks for it
 * (AL or empty: always; NE: never; ER: on error only; SU: on success only); `null` means "send
 * nothing". We never send the later application ACK of enhanced mode: a surveillance sink has
 * nothing to say beyond having taken custody of the message.
 *
 * The ACK uses the original's delimiters and echoes its MSH-3..6 (sender and receiver swapped),
 * MSH-11 and MSH-12, so those raw fields need no re-escaping. Every segment ends with CR.
 */
export function buildAck(input: AckInput): string | null {
  const { message, code } = input;
  const msh = message?.segments[0];
  const d = message?.delimiters ?? DEFAULT_DELIMITERS;
  const f = (n: number): string => (msh ? msh.get(n) : '');

  const acceptType = component(f(15), 1, d).trim().toUpperCase();
  const enhanced = acceptType !== '' || component(f(16), 1, d).trim() !== '';
  if (enhanced) {
    if (acceptType === 'NE') return null;
    if (acceptType === 'ER' && code === 'AA') return null;
    if (acceptType === 'SU' && code !== 'AA') return null;
  }

  const encoding = msh ? msh.get(2) || encodingChars(d) : encodingChars(d);
  const header = [
    'MSH',
    encoding,
    f(5), f(6), f(3), f(4),
    hl7Timestamp(input.now),
    '',
    ['ACK', message?.trigger ?? '', 'ACK'].join(d.component),
    escapeHl7(input.controlId, d),
    f(11) || 'P',
    f(12) || '2.5.1',
  ];
  const originalControlId = msh ? msh.get(10) : escapeHl7(controlIdFromRaw(input.rawText), d);
  const ackCode = enhanced ? ENHANCED[code] : code;
  const segments = [header.join(d.field)];
  if (code === 'AA') {
    segments.push(['MSA', ackCode, originalControlId].join(d.field));
  } else {
    const err = input.error;
    const errorText = err ? escapeHl7(err.text.slice(0, MAX_ERROR_TEXT), d) : '';
    // MSA-3 (text message) is deprecated since v2.4 but still what many older engines display.
    segments.push(['MSA', ackCode, originalControlId, errorText].join(d.field));
    // CWE: our code as the identifier, table 0357 as the alternate (or alone, without a code)
    const standard = err ? TABLE_0357[err.code] : (['207', 'Application internal error'] as const);
    const err3 = [...(err ? [err.code, errorText, LOCAL_CODING_SYSTEM] : []), ...standard, 'HL70357'].join(d.component);
    segments.push(['ERR', '', '', err3, 'E'].join(d.field));
  }
  return segments.map((s) => `${s}\r`).join('');
}

/**
 * Escapes text for one HL7 field (v2.5 §2.7.4): the escape character first, then the four
 * delimiters. Line breaks and other control characters would end a segment: they become spaces.
 */
export function escapeHl7(value: string, d: Delimiters): string {
  const map = new Map<string, string>([
    [d.escape, `${d.escape}E${d.escape}`],
    [d.field, `${d.escape}F${d.escape}`],
    [d.component, `${d.escape}S${d.escape}`],
    [d.subcomponent, `${d.escape}T${d.escape}`],
    [d.repetition, `${d.escape}R${d.escape}`],
  ]);
  let out = '';
  for (const ch of value) {
    const code = ch.charCodeAt(0);
    out += map.get(ch) ?? (code < 0x20 || code === 0x7f ? ' ' : ch);
  }
  return out;
}

/**
 * As much of MSH-10 as can be read from text that did not parse: the first line must start
 * with "MSH" and a punctuation field separator; the tenth field is taken as written.
 */
export function controlIdFromRaw(rawText: string): string {
  if (!rawText.startsWith('MSH') || rawText.length < 4) return '';
  const sep = rawText.charAt(3);
  if (!/^[!-/:-@[-`{-~]$/.test(sep)) return '';
  const firstLine = rawText.split(/[\r\n]/, 1)[0] ?? '';
  // fields[0] is "MSH" and fields[1] is MSH-2: MSH-n is fields[n - 1]
  return (firstLine.split(sep)[9] ?? '').trim().slice(0, MAX_CONTROL_ID);
}

function encodingChars(d: Delimiters): string {
  return `${d.component}${d.repetition}${d.escape}${d.subcomponent}`;
}

/** YYYYMMDDHHMMSS+0000 (UTC). */
function hl7Timestamp(now: Date): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${p(now.getUTCFullYear(), 4)}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}+0000`;
}
