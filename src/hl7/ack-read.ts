import { DEFAULT_DELIMITERS, readDelimiters } from './delimiters.js';
import { unescapeHl7 } from './escape.js';

/** The three outcomes of an acknowledgement; the enhanced-mode commit codes map onto them. */
export type AckOutcome = 'AA' | 'AE' | 'AR';

/** What a sender needs from an ACK (HL7 v2.5 §2.9): the outcome, the message it answers and why. */
export interface AckRead {
  /** MSA-1 as received: AA, AE, AR, or CA, CE, CR in enhanced mode */
  code: string;
  /** AA/AE/AR (CA/CE/CR mapped onto them); null when MSA-1 is none of the six */
  outcome: AckOutcome | null;
  /** MSA-2: the control id of the message acknowledged, as sent (still escaped) */
  controlId: string;
  /** ERR-3.1, the error code (poems-sentinel puts its stable code there); '' when absent */
  errorCode: string;
  /** ERR-3.2, else MSA-3 (deprecated but still what older engines fill); '' when absent */
  errorText: string;
}

const OUTCOME: Record<string, AckOutcome> = { AA: 'AA', AE: 'AE', AR: 'AR', CA: 'AA', CE: 'AE', CR: 'AR' };

/**
 * Reads an ACK's MSA and first ERR segment, with the ACK's own delimiters. Pure. Returns null
 * when the text has no MSA segment (not an acknowledgement).
 */
export function readAck(text: string): AckRead | null {
  const segments = text.split(/\r\n|\r|\n/);
  const d = readDelimiters(segments[0] ?? '') ?? DEFAULT_DELIMITERS;
  const fieldsOf = (id: string): string[] | undefined => segments.find((s) => s.startsWith(`${id}${d.field}`) || s === id)?.split(d.field);
  const msa = fieldsOf('MSA');
  if (!msa) return null;
  const err3 = (fieldsOf('ERR')?.[3] ?? '').split(d.repetition)[0] ?? '';
  const [errCode = '', errText = ''] = err3.split(d.component);
  const code = (msa[1] ?? '').trim().toUpperCase();
  return {
    code,
    outcome: OUTCOME[code] ?? null,
    controlId: (msa[2] ?? '').trim(),
    errorCode: unescapeHl7(errCode, d).trim(),
    errorText: unescapeHl7(errText || (msa[3] ?? ''), d).trim(),
  };
}
