import { SentinelError } from '../errors.js';
import { component, field, firstSegment, text, type Hl7Message } from '../hl7/message.js';
import type { MessageEffects } from '../domain/result.js';
import type { PatientKey } from '../domain/patient-key.js';
import type { CompiledProfile } from './compiled-profile.js';
import type { ExtractContext } from './context.js';
import { extractDiagnoses } from './diagnoses.js';
import { extractObservations } from './observations.js';
import { identityFromCx, identityFromPid, sexFromPid, type IdentityRules, type PatientIdentity } from './patient.js';
import { providerIdOf, withProvider } from './providers.js';

const MERGE_EVENTS = new Set(['A34', 'A36', 'A40']);
// NTE: an order's own notes are a report (spec §1.2)
const CONTENT_SEGMENTS = new Set(['OBX', 'NTE', 'DG1', 'PRB', 'MRG']);

/** The site's identity rules for this message's sender (MSH-4, read only when an authority is missing). */
export function identityRules(msg: Hl7Message, profile: CompiledProfile): IdentityRules {
  const facility = () => {
    const d = msg.delimiters;
    const msh = firstSegment(msg, 'MSH');
    const msh4 = msh ? field(msh, 4) : '';
    return { full: text(msh4, d).trim(), namespace: text(component(msh4, 1, d), d).trim() || msg.sendingFacility };
  };
  return { identity: profile.identity, facility };
}

/**
 * A parsed message → what it asks the store to do. Pure. `receivedAt` dates results of a
 * message whose MSH-7 is missing or unreadable.
 */
/** The patient key of a message's first PID under the site's identity rules (spec §1.3), or null. */
export function messagePatientKey(msg: Hl7Message, profile: CompiledProfile): PatientKey | null {
  const pid = firstSegment(msg, 'PID');
  return pid ? (identityFromPid(pid, msg.delimiters, identityRules(msg, profile))?.key ?? null) : null;
}

export function extractEffects(msg: Hl7Message, profile: CompiledProfile, receivedAt: string): MessageEffects {
  const d = msg.delimiters;
  const rules = identityRules(msg, profile);
  const pid = firstSegment(msg, 'PID');
  const identities = msg.segments.filter((s) => s.id === 'PID').map((s) => identityFromPid(s, d, rules));
  const patientKey = identities[0]?.key ?? null;
  const merges = [...aliasLinks(identities), ...(msg.type === 'ADT' && MERGE_EVENTS.has(msg.trigger) ? readMerges(msg, rules) : [])];
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
  // PV1-7: the patient's attending when the message was sent (routing sends the alert to them)
  const pv1 = firstSegment(msg, 'PV1');
  const results = withProvider([...extractObservations(ctx), ...extractDiagnoses(ctx)], 'attending', pv1 ? providerIdOf(field(pv1, 7), d) : undefined);
  // Without a patient a message is usable only if it says nothing the profile watches.
  if (patientKey === null && results.some((r) => r.findings.length > 0 || r.storeIfNew !== false)) throw new SentinelError('HL7_NO_PATIENT_ID', 'no patient identifier in PID-3');
  return { patientKey, results, merges, unread: results.flatMap((r) => r.notes) };
}

/** Spec §1.3: the alias-type identifiers of each PID-3 are linked to its key, as merges are. */
function aliasLinks(identities: (PatientIdentity | null)[]): MessageEffects['merges'] {
  return identities.flatMap((id) => (id === null ? [] : id.aliases.map((alias) => ({ prior: alias, survivor: id.key, kind: 'alias' as const }))));
}

/** Each PID/MRG pair of a merge: MRG-1 (prior, same identity rules) into PID-3 (survivor). A40 may repeat the pair. */
function readMerges(msg: Hl7Message, rules: IdentityRules): MessageEffects['merges'] {
  const d = msg.delimiters;
  const merges: MessageEffects['merges'] = [];
  let survivor: PatientKey | null = null;
  for (const seg of msg.segments) {
    if (seg.id === 'PID') survivor = identityFromPid(seg, d, rules)?.key ?? null;
    if (seg.id !== 'MRG') continue;
    const prior = identityFromCx(field(seg, 1), d, rules)?.key ?? null;
    if (prior === null || survivor === null) throw new SentinelError('HL7_NO_MERGE_ID', 'merge without MRG-1 prior identifier or PID-3');
    if (prior !== survivor) merges.push({ prior, survivor, kind: 'merge' });
  }
  return merges;
}
