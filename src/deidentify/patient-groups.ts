import type { PatientKey } from '../domain/patient-key.js';
import { identityFromCx, identityFromPid, type CompiledIdentity, type IdentityRules } from '../extract/patient.js';
import { component, field, firstSegment, text, type Hl7Message } from '../hl7/message.js';

const MERGE_EVENTS = new Set(['A34', 'A36', 'A40']);

/**
 * The patient of a message as the product computes it (`identityFromPid` under the site's
 * identity rules: authority from the sender when missing, placeholders skipped), and the keys
 * the product joins to it: the aliases of its PID-3 and, in a merge (A34/A36/A40), MRG-1.
 *
 * The sender accessor mirrors extract-message.ts `identityRules`, which is not exported: MSH-4 as
 * sent and its namespace id, else the parsed sending facility.
 */
export function messagePatients(msg: Hl7Message, identity: CompiledIdentity): { key: PatientKey | null; linked: PatientKey[] } {
  const d = msg.delimiters;
  const rules: IdentityRules = {
    identity,
    facility: () => {
      const msh4 = msg.segments[0]?.get(4) ?? '';
      return { full: text(msh4, d).trim(), namespace: text(component(msh4, 1, d), d).trim() || msg.sendingFacility };
    },
  };
  const pid = firstSegment(msg, 'PID');
  const found = pid ? identityFromPid(pid, d, rules) : null;
  const key = found?.key ?? null;
  const linked = [...(found?.aliases ?? [])];
  const mrg = firstSegment(msg, 'MRG');
  if (mrg && msg.type === 'ADT' && MERGE_EVENTS.has(msg.trigger)) {
    const prior = identityFromCx(field(mrg, 1), d, rules)?.key ?? null;
    if (prior !== null && prior !== key) linked.push(prior);
  }
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
