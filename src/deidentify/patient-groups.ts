import { component, firstSegment, repetitions, type Hl7Message } from '../hl7/message.js';
import { patientKeyFromCx, patientKeyFromPid } from '../extract/patient.js';
import type { PatientKey } from '../domain/patient-key.js';

/**
 * The patient of a message as the product computes it (`patientKeyFromPid`), and the keys the
 * product joins to it: aliases in the same PID-3 (identifier types of the profile's
 * `identity.aliasTypes`) and the prior identifier of a merge (MRG-1).
 */
export function messagePatients(msg: Hl7Message, aliasTypes: ReadonlySet<string>): { key: PatientKey | null; linked: PatientKey[] } {
  const d = msg.delimiters;
  const pid = firstSegment(msg, 'PID');
  const key = pid ? patientKeyFromPid(pid, d) : null;
  const linked: PatientKey[] = [];
  if (pid) for (const rep of repetitions(pid.get(3), d)) {
    if (!aliasTypes.has(component(rep, 5, d).trim().toUpperCase())) continue;
    const alias = patientKeyFromCx(rep, d);
    if (alias !== null && alias !== key) linked.push(alias);
  }
  const mrg = firstSegment(msg, 'MRG');
  const prior = mrg ? patientKeyFromCx(mrg.get(1), d) : null;
  if (prior !== null && prior !== key) linked.push(prior);
  return { key, linked };
}

/**
 * Patients joined by merges and aliases, so that one person gets one date offset: the offset
 * is derived from the group's representative, the smallest key in it, which does not depend on
 * the order in which the links were seen. Links come from a first reading of all inputs.
 */
export class PatientGroups {
  private readonly parent = new Map<PatientKey, PatientKey>();

  see(key: PatientKey): void {
    if (!this.parent.has(key)) this.parent.set(key, key);
  }

  link(a: PatientKey, b: PatientKey): void {
    this.see(a);
    this.see(b);
    const ra = this.representative(a);
    const rb = this.representative(b);
    if (ra === rb) return;
    if (ra < rb) this.parent.set(rb, ra);
    else this.parent.set(ra, rb);
  }

  representative(key: PatientKey): PatientKey {
    let root = key;
    for (let next = this.parent.get(root); next !== undefined && next !== root; next = this.parent.get(root)) root = next;
    // path compression: later look-ups are one step
    for (let k = key, next = this.parent.get(k); next !== undefined && next !== root; next = this.parent.get(k)) {
      this.parent.set(k, root);
      k = next;
    }
    return root;
  }

  /** distinct patients (groups) among the keys seen */
  count(): number {
    let n = 0;
    for (const [k, p] of this.parent) if (k === p) n += 1;
    return n;
  }
}
