/**
 * Single-message acceptance rows: one HL7 v2 message as a sender writes it, and what spec v2
 * says the extractor must make of it (findings, unread reasons, patient key and aliases).
 * Uses only the public entry point: extractEffects(parseMessage(text), compileProfile(DEFAULT_PROFILE), receivedAt).
 */
import { expect, it } from 'vitest';
import { DEFAULT_PROFILE } from '../../../src/config/default-profile.js';
import type { MessageEffects } from '../../../src/domain/result.js';
import { compileProfile } from '../../../src/extract/compiled-profile.js';
import { extractEffects } from '../../../src/extract/extract-message.js';
import { parseMessage } from '../../../src/hl7/parse.js';
import { describeFinding, findingMismatch } from './findings.js';

const PROFILE = compileProfile(DEFAULT_PROFILE);
const RECEIVED_AT = '2025-03-01T12:00:00.000Z';

export interface MessageCase {
  /** the writer's style, e.g. "UK district general CT, wrapped over 4 TX lines" */
  label: string;
  /**
   * The segments after PID, one per line (String.raw keeps HL7 escapes such as \.br\ as sent).
   * A body that starts with MSH is the whole message.
   */
  body: string;
  /** expected findings as tokens (see findings.ts); '' = none */
  want?: string;
  /** reasons that must be among effects.unread: "REASON" or "REASON:kind", space-separated */
  unread?: string;
  /** expected patient key, and the alias keys merged into it (spec §1.3) */
  key?: string | null;
  aliases?: string[];
  /** the message must be rejected with this error code */
  rejects?: string;
  /** MSH-4 (default HOSPA), PID-3 (default P100^^^HOSPA^MR), PID-8 (default M) */
  from?: string;
  pid3?: string;
  sex?: string;
}

/** The message of a row: MSH and PID (and EVN/PV1 for ADT) around its body. */
export function messageOf(c: MessageCase): string {
  const body = c.body.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  if (body[0]?.startsWith('MSH|')) return body.join('\r');
  const from = c.from ?? 'HOSPA';
  const adt = body.some((l) => l.startsWith('DG1|'));
  const prb = body.some((l) => l.startsWith('PRB|'));
  const type = adt ? 'ADT^A08^ADT_A01' : prb ? 'PPR^PC1^PPR_PC1' : 'ORU^R01^ORU_R01';
  const head = [
    `MSH|^~\\&|SENDER|${from}|POEMS-SENTINEL|HOSPA|20250301120000||${type}|ACC${Math.abs(hash(c.label))}|P|2.5.1`,
    ...(adt ? ['EVN|A08|20250301120000'] : []),
    `PID|1||${c.pid3 ?? 'P100^^^HOSPA^MR'}||TESTPATIENT^ALPHA||19600101|${c.sex ?? 'M'}`,
    ...(adt ? ['PV1|1|I|NEURO^101^^HOSPA'] : []),
  ];
  return [...head, ...body].join('\r');
}

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

function effectsOf(c: MessageCase): MessageEffects {
  return extractEffects(parseMessage(messageOf(c)), PROFILE, RECEIVED_AT);
}

/** One `it` per row. */
export function messageCases(rows: readonly MessageCase[]): void {
  for (const c of rows) {
    it(c.label, () => {
      if (c.rejects !== undefined) {
        let code: string | undefined;
        try {
          effectsOf(c);
        } catch (err) {
          code = (err as { code?: string }).code ?? String(err);
        }
        expect(code, 'rejection code').toBe(c.rejects);
        return;
      }
      const effects = effectsOf(c);
      const findings = effects.results.flatMap((r) => r.findings);
      if (c.want !== undefined) {
        const mismatch = findingMismatch(findings, c.want);
        expect(mismatch, `findings were: ${findings.map(describeFinding).join(' ') || '(none)'}`).toBeNull();
      }
      for (const u of (c.unread ?? '').split(/\s+/).filter(Boolean)) {
        const [reason, kind] = u.split(':');
        const hit = effects.unread.some((n) => n.reason === reason && (kind === undefined || n.kind === kind));
        expect(hit, `unread ${u} among: ${effects.unread.map((n) => `${n.reason}:${n.kind ?? ''}`).join(' ') || '(none)'}`).toBe(true);
      }
      if (c.key !== undefined) expect(effects.patientKey, 'patient key').toBe(c.key);
      if (c.aliases !== undefined) {
        const aliases = effects.merges.filter((m) => m.survivor === effects.patientKey).map((m) => m.prior).sort();
        expect(aliases, 'aliases').toEqual([...c.aliases].sort());
      }
    });
  }
}
