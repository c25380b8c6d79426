import { SentinelError } from '../errors.js';
import { field, firstSegment, type Hl7Message } from '../hl7/message.js';
import type { MessageEffects } from '../domain/result.js';
import type { PatientKey } from '../domain/patient-key.js';
import type { CompiledProfile } from './compiled-profile.js';
import type { ExtractContext } from './context.js';
import { extractDiagnoses } from './diagnoses.js';
import { extractObservations } from './observations.js';
import { patientKeyFromCx, patientKeyFromPid, sexFromPid } from './patient.js';

const MERGE_EVENTS = new Set(['A34', 'A36', 'A40']);
// NTE: an order's own notes are a report (spec §1.2)
const CONTENT_SEGMENTS = new Set(['OBX', 'NTE', 'DG1', 'PRB', 'MRG']);

/**
 * A parsed message → what it asks the store to do. Pure. `receivedAt` dates results of a
 * message whose MSH-7 is missing or unreadable.
 */
export function extractEffects(msg: Hl7Message, profile: CompiledProfile, receivedAt: string): MessageEffects {
  const d = msg.delimiters;
  const pid = firstSegment(msg, 'PID');
  const patientKey = pid ? patientKeyFromPid(pid, d) : null;
  const merges = msg.type === 'ADT' && MERGE_EVENTS.has(msg.trigger) ? readMerges(msg) : [];
  if (!msg.segments.some((s) => CONTENT_SEGMENTS.has(s.id))) return { patientKey, results: [], merges, unread: [] };

  const ctx: ExtractContext = {
    msg,
    d,
    profile,
    patientKey: patientKey ?? '',
    sex: pid ? sexFromPid(pid, d) : 'U',
    get messageTime() {
      return msg.messageTime || receivedAt;
    },
  };
  const results = [...extractObservations(ctx), ...extractDiagnoses(ctx)];
  // Without a patient a message is usable only if it says nothing the profile watches.
  if (patientKey === null && results.some((r) => r.findings.length > 0 || r.storeIfNew !== false)) throw new SentinelError('HL7_NO_PATIENT_ID', 'no patient identifier in PID-3');
  return { patientKey, results, merges, unread: results.flatMap((r) => r.notes) };
}

/** Each PID/MRG pair of a merge: MRG-1 (prior) into PID-3 (survivor). A40 may repeat the pair. */
function readMerges(msg: Hl7Message): MessageEffects['merges'] {
  const d = msg.delimiters;
  const merges: MessageEffects['merges'] = [];
  let survivor: PatientKey | null = null;
  for (const seg of msg.segments) {
    if (seg.id === 'PID') survivor = patientKeyFromPid(seg, d);
    if (seg.id !== 'MRG') continue;
    const prior = patientKeyFromCx(field(seg, 1), d);
    if (prior === null || survivor === null) throw new SentinelError('HL7_NO_MERGE_ID', 'merge without MRG-1 prior identifier or PID-3');
    // A prior id without an assigning authority belongs to the survivor's authority.
    const qualified = prior.startsWith('|') ? `${survivor.split('|')[0] ?? ''}${prior}` : prior;
    if (qualified !== survivor) merges.push({ prior: qualified, survivor, kind: 'merge' });
  }
  return merges;
}
