import { createHash } from 'node:crypto';
import { effectiveStatus } from '../../alerts/alert-actions.js';
import { DismissReason, type Alert } from '../../domain/alert.js';
import type { Finding } from '../../domain/finding.js';
import type { Tier } from '../../domain/tier.js';
import { criterionLabel, findingDate, findingSource, findingValue, TIER_SUMMARY, TIER_TITLE } from '../../notifiers/alert-text.js';
import { CODE_SYSTEM, DISMISS_REASON_DISPLAY } from '../../notifiers/fhir/code-systems.js';
import { LABEL } from '../../rules/criteria.js';

export interface CdsCoding {
  system: string;
  code: string;
  display: string;
}

export interface CdsCard {
  uuid: string;
  summary: string;
  detail: string;
  indicator: 'info' | 'warning' | 'critical';
  source: { label: string; url?: string };
  suggestions: { label: string; uuid: string; isRecommended: boolean }[];
  selectionBehavior: 'at-most-one';
  overrideReasons: CdsCoding[];
  links: { label: string; url: string; type: 'absolute' }[];
}

export interface CardOptions {
  sourceLabel: string;
  sourceUrl?: string;
  inboxBaseUrl: string;
}

const INDICATOR: Record<Tier, CdsCard['indicator']> = {
  'criteria-met': 'critical',
  'workup-recommended': 'warning',
  'screening-gap': 'info',
};

/**
 * Whether the chart shows the alert: open and acknowledged alerts do (an acknowledgement says
 * someone is on it; whoever opens the chart next should still see why); a running snooze hides
 * it until its date; dismissed and withdrawn alerts never show.
 */
export function showsOnChart(alert: Alert, now: Date): boolean {
  const status = effectiveStatus(alert, now.toISOString());
  return status === 'open' || status === 'acknowledged';
}

/**
 * The patient-view card of an alert. Its `uuid` is the alert id (a random UUID), so the feedback
 * endpoint finds the alert without any state of its own, on any instance. The one suggestion,
 * without actions, lets a clinician acknowledge from the chart: accepting it sends `accepted`
 * feedback. Overriding the card offers our dismissal reasons.
 */
export function cardOf(alert: Alert, opts: CardOptions): CdsCard {
  return {
    uuid: alert.id,
    summary: TIER_SUMMARY[alert.tier],
    detail: detailOf(alert),
    indicator: INDICATOR[alert.tier],
    source: { label: opts.sourceLabel, ...(opts.sourceUrl ? { url: opts.sourceUrl } : {}) },
    suggestions: [{ label: 'Acknowledge: I will review the POEMS work-up', uuid: acknowledgeSuggestionUuid(alert.id), isRecommended: true }],
    selectionBehavior: 'at-most-one',
    overrideReasons: DismissReason.options.map((code) => ({ system: CODE_SYSTEM.dismissReason, code, display: DISMISS_REASON_DISPLAY[code] })),
    links: [{ label: 'Open the alert in POEMS Sentinel', url: inboxLink(opts.inboxBaseUrl, alert.id), type: 'absolute' }],
  };
}

export function inboxLink(inboxBaseUrl: string, alertId: string): string {
  return `${inboxBaseUrl.replace(/\/+$/, '')}/alerts/${encodeURIComponent(alertId)}`;
}

/** A name-based UUID (version 5 layout over SHA-1): the same alert always offers the same suggestion id. */
export function acknowledgeSuggestionUuid(alertId: string): string {
  const h = createHash('sha1').update(`poems-sentinel:acknowledge:${alertId}`).digest();
  h[6] = ((h[6] ?? 0) & 0x0f) | 0x50;
  h[8] = ((h[8] ?? 0) & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** GitHub-flavoured markdown: the reason, the evidence table, the criteria, the work-up. */
export function detailOf(alert: Alert): string {
  const lines = [
    `**${TIER_TITLE[alert.tier]}.** ${md(alert.reason)}`,
    '',
    '| Criterion | Value | Unit | Date | Source |',
    '|---|---|---|---|---|',
    ...alert.evidence.map(evidenceRow),
    '',
    `Criteria met: ${md(alert.criteriaMet.map((c) => LABEL[c]).join(', ') || 'none')}.`,
    ...(alert.criteriaMissing.length > 0 ? [`Still missing: ${md(alert.criteriaMissing.map((c) => LABEL[c]).join(', '))}.`] : []),
  ];
  if (alert.suggestedWorkup.length > 0) lines.push('', '**Suggested work-up**', '', ...alert.suggestedWorkup.map((w) => `- ${md(w.text)}`));
  if (alert.status === 'acknowledged') lines.push('', '_Acknowledged in POEMS Sentinel._');
  lines.push('', `_poems-sentinel rule ${md(alert.ruleVersion)}, profile ${md(alert.profileVersion)}._`);
  return lines.join('\n');
}

function evidenceRow(f: Finding): string {
  const value = `${findingValue(f)}${f.certainty === 'possible' ? ' (possible)' : ''}`;
  return `| ${[criterionLabel(f), value, f.unit ?? '', findingDate(f), findingSource(f)].map(cell).join(' | ')} |`;
}

/** A table cell: one line, pipes escaped. */
function cell(text: string): string {
  return md(text.replace(/\s+/g, ' ').trim()).replace(/\|/g, '\\|');
}

/**
 * Text from reports and codes rendered as text, not markup: markdown punctuation is escaped and
 * `<` `>` become entities, so a report line cannot open a link, an image or raw HTML in the EHR.
 */
function md(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+!~]/g, (c) => `\\${c}`).replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
