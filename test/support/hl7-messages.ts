import { DEFAULT_PROFILE } from '../../src/config/default-profile.js';
import type { SiteProfile } from '../../src/config/profile.schema.js';
import type { Finding } from '../../src/domain/finding.js';
import type { MessageEffects } from '../../src/domain/result.js';
import { compileProfile, type CompiledProfile } from '../../src/extract/compiled-profile.js';
import { extractEffects } from '../../src/extract/extract-message.js';
import { parseMessage } from '../../src/hl7/parse.js';

// Synthetic data only: fake patients (TESTPATIENT^…), ids P0001/I01…, facilities SYNTHLAB/SYNTHHOSP.

export const PROFILE = compileProfile(DEFAULT_PROFILE);
export const RECEIVED_AT = '2025-03-02T08:00:00.000Z';
export const MSH_TIME = '2025-03-01T12:00:00.000Z';

/** A profile with some parts replaced (shallow per top-level key). */
export function profileWith(parts: Partial<SiteProfile>): CompiledProfile {
  return compileProfile({ ...DEFAULT_PROFILE, ...parts });
}

export function msh(o: { type?: string; controlId?: string; time?: string; facility?: string } = {}): string {
  return `MSH|^~\\&|SYNTHLIS|${o.facility ?? 'SYNTHLAB'}|SENTINEL|SYNTHHOSP|${o.time ?? '20250301120000'}||${o.type ?? 'ORU^R01'}|${o.controlId ?? 'MSG0001'}|P|2.5.1`;
}

export function pid(o: { sex?: string; cx?: string } = {}): string {
  return `PID|1||${o.cx ?? 'P0001^^^SYNTH^MR'}||TESTPATIENT^ALPHA||19700101|${o.sex ?? 'F'}`;
}

/** OBR with filler OBR-3, observation time OBR-7 and specimen source OBR-15. */
export function obr(o: { filler?: string; specimen?: string } = {}): string {
  const f = ['OBR', '1', 'PL0001', o.filler ?? 'FL0001^SYNTHLAB', '58410-2^CBC panel^LN', '', '', '20250301100000'];
  while (f.length < 15) f.push('');
  f.push(o.specimen ?? '');
  return f.join('|');
}

export interface ObxOptions { type?: string; unit?: string; range?: string; flag?: string; status?: string; setId?: number }

export function obx(code: string, value: string, o: ObxOptions = {}): string {
  return ['OBX', String(o.setId ?? 1), o.type ?? 'NM', code, '', value, o.unit ?? '', o.range ?? '', o.flag ?? '', '', '', o.status ?? 'F'].join('|');
}

/** DG1 with code DG1-3, description DG1-4, onset DG1-5, type DG1-6 and action DG1-21. */
export function dg1(code: string, o: { description?: string; onset?: string; type?: string; action?: string; method?: string } = {}): string {
  const f = ['DG1', '1', o.method ?? '', code, o.description ?? '', o.onset ?? '', o.type ?? 'F'];
  if (o.action) {
    while (f.length < 21) f.push('');
    f.push(o.action);
  }
  return f.join('|');
}

export function extract(segments: string[], profile: CompiledProfile = PROFILE): MessageEffects {
  return extractEffects(parseMessage(segments.join('\r')), profile, RECEIVED_AT);
}

export function findingsOf(effects: MessageEffects): Finding[] {
  return effects.results.flatMap((r) => r.findings);
}
