import type { Alert } from '../domain/alert.js';
import type { Finding, FindingSource } from '../domain/finding.js';
import type { Explanation, MeasurementLine } from '../rules/explain.js';
import { RULE_ID, RULE_VERSION } from '../rules/poems.rule.js';

/**
 * `alerts explain` as text: enough for a clinician or site analyst to answer "why did (or
 * didn't) it fire?" for one patient, with every finding's source and every unused value's reason.
 */
export function explanationLines(ex: Explanation, alert: Alert | null, asked: string): string[] {
  const a = ex.assessment;
  const out: string[] = [];
  out.push(`Patient ${ex.patientKey}${asked !== ex.patientKey ? ` (asked for ${asked}, merged into this key)` : ''}`);
  out.push(`Rule ${RULE_ID} ${RULE_VERSION}, profile ${a.profileVersion}`);
  out.push(`Tier: ${a.tier ?? 'none'} — ${a.reason}`);
  out.push(alert === null ? 'Alert: none' : `Alert: ${alert.id} ${alert.status} at ${alert.tier}, episode ${alert.episode}, notified: ${alert.notifiedTiers.join(', ') || 'none'}${holdText(alert)}`);
  out.push(ex.anchor === null ? 'Lookback: nothing dated on record' : `Lookback: ${ex.lookbackMonths} months back from the newest result ${day(ex.anchor)} (from ${day(ex.windowStart ?? '')}); chronic kinds never age out`);
  out.push(`Criteria met (definite findings): ${a.criteriaMet.join(', ') || 'none'}`);
  out.push(`Criteria missing: ${a.criteriaMissing.join(', ') || 'none'}`);
  out.push(`Immunofixation done: ${ex.ifeDone ? 'yes' : 'no'}; POEMS already diagnosed: ${ex.poemsKnown ? 'yes' : 'no'}`);
  out.push(`Persistence: ${ex.persistence.map((p) => `${p.kind} ${p.persistent ? 'persistent' : 'not persistent'} (${p.detail})`).join('; ')}`);
  out.push('');
  out.push(`Findings used (${ex.used.length}):`);
  for (const { finding, role } of ex.used) out.push(`  ${day(finding.observedAt)}  ${role} — ${certaintyText(finding)}; ${what(finding)}; ${sourceText(finding.source)}`);
  out.push('');
  out.push(`Seen but not used (${ex.unused.length}):`);
  for (const n of ex.unused) out.push(`  ${day(n.observedAt)}  ${n.reason}${n.kind ? ` (${n.kind})` : ''}: "${n.text}"${n.detail ? ` — ${n.detail}` : ''}; ${sourceText(n.source)}`);
  out.push('');
  out.push(`Lab values (${ex.measurements.length}):`);
  for (const m of ex.measurements) out.push(`  ${day(m.observedAt)}  ${measurementText(m)}`);
  if (a.suggestedWorkup.length > 0) {
    out.push('');
    out.push('Suggested work-up (not yet on record):');
    for (const w of a.suggestedWorkup) out.push(`  - ${w.text}`);
  }
  if (alert !== null && alert.history.length > 0) {
    out.push('');
    out.push('Alert history:');
    for (const h of alert.history) out.push(`  ${h.at}  ${h.event}${h.tier ? ` (${h.tier})` : ''}${h.by ? ` by ${h.by}` : ''}: ${h.reason}`);
  }
  return out;
}

function holdText(alert: Alert): string {
  const parts: string[] = [];
  if (alert.dismissal) parts.push(`dismissed at ${alert.dismissal.tier} (${alert.dismissal.reason})`);
  if (alert.snoozedUntil) parts.push(`snoozed at ${alert.snoozedTier ?? alert.tier} until ${alert.snoozedUntil}`);
  return parts.length === 0 ? '' : `; ${parts.join('; ')}`;
}

function certaintyText(f: Finding): string {
  if (f.certainty === 'definite') return 'definite';
  return `possible${f.status === 'preliminary' ? ', preliminary result' : ''} (counts for work-up and screening gap, not for criteria met)`;
}

function what(f: Finding): string {
  const q = f.qualifiers;
  const parts = [
    q.matched ? `"${q.matched}"` : '',
    f.value === undefined ? '' : `${f.value}${f.unit ? ` ${f.unit}` : ''}`,
    q.heavyChain && q.heavyChain !== 'unknown' ? q.heavyChain : '',
    q.method ? `by ${q.method}` : '',
    q.specimen ? `${q.specimen} specimen` : '',
    q.onset ? `onset ${day(q.onset)}` : '',
    f.lastObservedAt && f.lastObservedAt !== f.observedAt ? `last seen ${day(f.lastObservedAt)}` : '',
  ].filter(Boolean);
  return parts.length === 0 ? f.kind : parts.join(', ');
}

function sourceText(s: FindingSource): string {
  return `${s.segment} of message ${s.messageControlId} from ${s.sendingFacility} (result ${s.resultKey})`;
}

function measurementText(m: MeasurementLine): string {
  const name = m.kind === 'thrombocytosis' ? 'platelets' : m.kind === 'polycythemia' ? 'Hb/Hct' : 'VEGF';
  return `${name} ${m.value} ${m.unit} ${m.abnormal ? 'abnormal' : 'normal'}${m.inLookback ? '' : ' (older than the lookback: not read)'}`;
}

function day(iso: string): string {
  return iso.length >= 10 ? iso.slice(0, 10) : iso || '?';
}
