import type { Alert, Notification } from '../domain/alert.js';
import type { Recipient } from '../domain/recipient.js';
import { escapeHl7 } from './ack.js';
import { DEFAULT_DELIMITERS } from './delimiters.js';

/** The two outbound shapes: a document notification with content (default), or an observation result. */
export type OutboundMessageType = 'MDM^T02' | 'ORU^R01';

/** The words of the alert, line by line, as every channel shows them (notifiers/alert-text.ts makes them). */
export interface AlertReport {
  /** the report's lines: title, summary, reason, criteria, the evidence table, the work-up */
  lines: string[];
}

export interface OutboundAlertInput {
  type: OutboundMessageType;
  notification: Notification;
  alert: Alert;
  recipient: Recipient;
  report: AlertReport;
  /** MSH-10: the delivery id, the same for every attempt of one delivery (the receiver dedupes on it) */
  controlId: string;
  now: Date;
  sendingApplication: string;
  sendingFacility: string;
  receivingApplication: string;
  receivingFacility: string;
  /** MSH-11: P production, T training, D debugging */
  processingId: string;
  /** TXA-2 (MDM) document type and OBR-4/OBX-3 identifier (ORU and MDM): a code the receiving system maps */
  documentType: string;
}

/** Our local coding system for the alert's code (as for ERR-3 in ACKs). */
const LOCAL_SYSTEM = '99SENTINEL';

/**
 * Builds the HL7 v2.5.1 message of one alert delivery (pure): MDM^T02 (a document with its text,
 * filed to the chart and the recipient's document inbox) or ORU^R01 (a result with its text).
 * Segments end with CR. Every value is escaped with the default delimiters.
 *
 * - PID-3 is the patient key as sent to us (`<id>^^^<assigning authority>^MR`); no name: we keep none.
 * - The document number (TXA-12, OBR-3) is `<alert id>.<episode>.<tier>`: one document per
 *   notification, so an escalation is a new document beside the first, and the notification key
 *   is in the text for whoever needs to find it.
 * - The recipient is TXA-23 / OBR-28 (distributed copies, result copies to) as an XCN: a provider
 *   by id and assigning authority (XCN-1, XCN-9), a pool by name (XCN-1) and display (XCN-2).
 * - The text is one OBX of type TX per line, all with the same OBX-3 and OBX-4, so a receiver
 *   shows them as one report.
 */
export function buildOutboundAlert(input: OutboundAlertInput): string {
  const d = DEFAULT_DELIMITERS;
  const e = (v: string): string => escapeHl7(v, d);
  const { alert, notification, recipient } = input;
  const ts = hl7Timestamp(input.now);
  const documentNumber = e(`${alert.id}.${notification.episode}.${notification.tier}`);
  const code = [e(input.documentType), 'POEMS syndrome alert', LOCAL_SYSTEM].join(d.component);
  const { authority, id } = splitKey(alert.patientKey);
  const structure = input.type === 'MDM^T02' ? 'MDM^T02^MDM_T02' : 'ORU^R01^ORU_R01';
  const segments: string[][] = [
    ['MSH', `${d.component}${d.repetition}${d.escape}${d.subcomponent}`, e(input.sendingApplication), e(input.sendingFacility), e(input.receivingApplication), e(input.receivingFacility), ts, '', structure, e(input.controlId), e(input.processingId), '2.5.1'],
  ];
  if (input.type === 'MDM^T02') segments.push(['EVN', 'T02', ts]);
  segments.push(['PID', '1', '', [e(id), '', '', e(authority), 'MR'].join(d.component)]);
  // MDM_T02 requires PV1; U = unknown patient class (we do not know the visit)
  if (input.type === 'MDM^T02') {
    segments.push(['PV1', '1', 'U']);
    const txa = ['TXA', '1', e(input.documentType), 'TX', ts];
    while (txa.length < 12) txa.push('');
    txa.push(documentNumber); // TXA-12 unique document number
    while (txa.length < 17) txa.push('');
    txa.push('AU'); // TXA-17 completion status: authenticated (machine-made, final for its tier)
    txa.push(''); // TXA-18 confidentiality
    txa.push('AV'); // TXA-19 availability: available for patient care
    while (txa.length < 23) txa.push('');
    txa.push(xcnOf(recipient, e)); // TXA-23 distributed copies
    segments.push(txa);
  } else {
    const obr = ['OBR', '1', '', `${documentNumber}${d.component}POEMS-SENTINEL`, code, '', '', ts];
    while (obr.length < 22) obr.push('');
    obr.push(ts); // OBR-22 results report/status change
    obr.push('', '');
    obr.push('F'); // OBR-25 result status: final (for this tier)
    while (obr.length < 28) obr.push('');
    obr.push(xcnOf(recipient, e)); // OBR-28 result copies to
    segments.push(obr);
  }
  input.report.lines.forEach((line, i) => {
    segments.push(['OBX', String(i + 1), 'TX', code, '1', e(line), '', '', '', '', '', 'F', '', '', ts]);
  });
  return segments.map((s) => `${s.join(d.field)}\r`).join('');
}

function xcnOf(r: Recipient, e: (v: string) => string): string {
  if (r.kind === 'pool') return [e(r.id), e(r.display ?? r.id)].join('^');
  const { authority, id } = splitKey(r.id);
  return [e(id), '', '', '', '', '', '', '', e(authority)].join('^');
}

/** "<authority>|<id>" (patient key, provider id) at its first bar. */
function splitKey(key: string): { authority: string; id: string } {
  const bar = key.indexOf('|');
  return bar < 0 ? { authority: '', id: key } : { authority: key.slice(0, bar), id: key.slice(bar + 1) };
}

/** YYYYMMDDHHMMSS+0000 (UTC). */
function hl7Timestamp(now: Date): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${p(now.getUTCFullYear(), 4)}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}+0000`;
}
