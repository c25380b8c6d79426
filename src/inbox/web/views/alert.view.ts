import { DismissReason, type Alert, type AlertStatus } from '../../../domain/alert.js';
import type { Finding } from '../../../domain/finding.js';
import { criterionLabel, findingDate, findingSource, findingValue, TIER_SUMMARY, TIER_TITLE } from '../../../notifiers/alert-text.js';
import { DISMISS_REASON_DISPLAY } from '../../../notifiers/fhir/code-systems.js';
import { LABEL } from '../../../rules/criteria.js';
import type { Explanation } from '../../../rules/explain.js';
import type { Principal } from '../../auth/auth.service.js';
import { html, type SafeHtml } from '../../http/html.js';
import type { InboxItem } from '../../store/inbox-item.store.js';
import { STATUS_LABEL, when } from './format.js';
import { page } from './layout.js';

export interface AlertPageModel {
  principal: Principal;
  alert: Alert;
  status: AlertStatus;
  recipients: InboxItem[];
  explanation: Explanation | null;
  canAct: boolean;
  now: Date;
  /** after a successful action (Post/Redirect/Get) */
  notice?: string;
  /** a refused action: why, shown above the forms */
  error?: string;
}

/**
 * One alert at a glance: the tier and why (the evidence table first: criterion, value, unit,
 * date, source), what is missing, the suggested work-up, the actions, the history; the full
 * `alerts explain` view folded below.
 */
export function alertPage(m: AlertPageModel): string {
  const a = m.alert;
  return page(`${TIER_TITLE[a.tier]}: ${a.patientKey}`, { principal: m.principal, section: 'alerts' }, html`
<p><a href="/alerts">← All alerts</a></p>
<h1><span class="tier tier-${a.tier}">${TIER_TITLE[a.tier]}</span> Patient ${a.patientKey}</h1>
${m.notice ? html`<p class="notice ok" role="status">${m.notice}</p>` : ''}
${m.error ? html`<p class="notice error" role="alert">${m.error}</p>` : ''}
<p class="summary tier-${a.tier}">${TIER_SUMMARY[a.tier]} ${a.reason}</p>
<ul class="facts">
  <li>Status: <span class="status">${STATUS_LABEL[m.status]}</span>${statusDetail(a, m.status)}</li>
  <li>Episode ${a.episode}, version ${a.version}</li>
  <li>Rule ${a.ruleVersion}, profile ${a.profileVersion}</li>
  <li>Since ${when(a.createdAt)}</li>
</ul>

<h2 id="why">Why it fired</h2>
<table aria-labelledby="why">
<caption>Evidence: each criterion met with its value, unit, date and source message</caption>
<thead><tr><th scope="col">Criterion</th><th scope="col">Value</th><th scope="col">Unit</th><th scope="col">Date</th><th scope="col">Source</th></tr></thead>
<tbody>${a.evidence.map(evidenceRow)}</tbody>
</table>
<p>Criteria met: ${a.criteriaMet.map((c) => LABEL[c]).join(', ') || 'none'}.</p>

<h2>What is missing</h2>
${a.criteriaMissing.length > 0 ? html`<ul>${a.criteriaMissing.map((c) => html`<li>${LABEL[c]}</li>`)}</ul>` : html`<p>Nothing: every criterion the rule reads is on record.</p>`}

<h2>Suggested work-up</h2>
${a.suggestedWorkup.length > 0 ? html`<ul>${a.suggestedWorkup.map((w) => html`<li>${w.text}</li>`)}</ul>` : html`<p>None suggested.</p>`}

${m.canAct ? actionForms(m) : html`<p class="muted">Your role reads alerts; it does not act on them.</p>`}

<h2 id="history">History</h2>
<table aria-labelledby="history">
<caption>Every change of this alert, oldest first</caption>
<thead><tr><th scope="col">When</th><th scope="col">Event</th><th scope="col">Tier</th><th scope="col">By</th><th scope="col">Details</th></tr></thead>
<tbody>${a.history.map((h) => html`<tr><td class="num">${when(h.at)}</td><td>${h.event}</td><td>${h.tier ?? ''}</td><td>${h.by ?? ''}</td><td>${h.reason}</td></tr>`)}</tbody>
</table>

<h2>Routed to</h2>
${m.recipients.length > 0
    ? html`<ul>${m.recipients.map((r) => html`<li>${r.recipient.display ?? r.recipient.id} (${r.recipient.kind}), since ${when(r.firstDeliveredAt)}</li>`)}</ul>`
    : html`<p>No inbox has received it yet.</p>`}

${m.explanation ? explanationSection(m.explanation) : ''}`);
}

function evidenceRow(f: Finding): SafeHtml {
  return html`<tr><td>${criterionLabel(f)}</td><td>${findingValue(f)}${f.certainty === 'possible' ? ' (possible)' : ''}</td><td>${f.unit ?? ''}</td><td class="num">${findingDate(f)}</td><td>${findingSource(f)}</td></tr>`;
}

function statusDetail(a: Alert, status: AlertStatus): SafeHtml | string {
  if (status === 'snoozed' && a.snoozedUntil) return html` until ${when(a.snoozedUntil)}`;
  if (status === 'dismissed' && a.dismissal) return html`: ${DISMISS_REASON_DISPLAY[a.dismissal.reason]}${a.dismissal.by ? html` by ${a.dismissal.by}` : ''}`;
  return '';
}

function actionForms(m: AlertPageModel): SafeHtml {
  const csrf = m.principal.session?.csrfToken ?? '';
  const id = encodeURIComponent(m.alert.id);
  const hidden = (kind: string): SafeHtml => html`<input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="version" value="${m.alert.version}"><input type="hidden" name="kind" value="${kind}">`;
  const tomorrow = new Date(m.now.getTime() + 86_400_000).toISOString().slice(0, 10);
  const inAWeek = new Date(m.now.getTime() + 7 * 86_400_000).toISOString().slice(0, 10);
  return html`<h2 id="act">Act on this alert</h2>
<div class="actions">
<form method="post" action="/alerts/${id}/actions" aria-labelledby="ack-title">
  <h3 id="ack-title">Acknowledge</h3>
  <p>You will review the work-up.</p>
  ${hidden('acknowledge')}
  <button type="submit">Acknowledge</button>
</form>
<form method="post" action="/alerts/${id}/actions" aria-labelledby="dismiss-title">
  <h3 id="dismiss-title">Dismiss</h3>
  ${hidden('dismiss')}
  <label for="reason">Reason</label>
  <select id="reason" name="reason" required>
    <option value="">Choose a reason</option>
    ${DismissReason.options.map((r) => html`<option value="${r}">${DISMISS_REASON_DISPLAY[r]}</option>`)}
  </select>
  <label for="note">Note (optional)</label>
  <textarea id="note" name="note" maxlength="2000"></textarea>
  <button type="submit">Dismiss</button>
</form>
<form method="post" action="/alerts/${id}/actions" aria-labelledby="snooze-title">
  <h3 id="snooze-title">Snooze</h3>
  ${hidden('snooze')}
  <label for="until">Until</label>
  <input id="until" name="until" type="date" min="${tomorrow}" value="${inAWeek}" required>
  <button type="submit">Snooze</button>
</form>
</div>`;
}

/** The `alerts explain` view (rules/explain.ts): every finding used, every value seen but not used, the lab values. */
function explanationSection(ex: Explanation): SafeHtml {
  return html`<h2 id="explain">Explanation</h2>
<details>
<summary>Everything the rule read for this patient (alerts explain)</summary>
<p>Lookback: ${ex.anchor === null ? 'nothing dated on record' : `${ex.lookbackMonths} months back from the newest result (${(ex.anchor).slice(0, 10)})`}.
Immunofixation done: ${ex.ifeDone ? 'yes' : 'no'}. POEMS already diagnosed: ${ex.poemsKnown ? 'yes' : 'no'}.</p>
<table>
<caption>Findings used (${ex.used.length})</caption>
<thead><tr><th scope="col">Date</th><th scope="col">Counts as</th><th scope="col">Certainty</th><th scope="col">Value</th><th scope="col">Source</th></tr></thead>
<tbody>${ex.used.map(({ finding: f, role }) => html`<tr><td class="num">${findingDate(f)}</td><td>${role}</td><td>${f.certainty}</td><td>${findingValue(f)}${f.unit ? ` ${f.unit}` : ''}</td><td>${findingSource(f)}</td></tr>`)}</tbody>
</table>
<table>
<caption>Seen but not used (${ex.unused.length})</caption>
<thead><tr><th scope="col">Date</th><th scope="col">Why not</th><th scope="col">Text</th><th scope="col">Source</th></tr></thead>
<tbody>${ex.unused.map((n) => html`<tr><td class="num">${n.observedAt.slice(0, 10)}</td><td>${n.reason}${n.detail ? `: ${n.detail}` : ''}</td><td>${n.text}</td><td>${n.source.sendingFacility} ${n.source.messageControlId} ${n.source.segment}</td></tr>`)}</tbody>
</table>
<table>
<caption>Lab values (${ex.measurements.length})</caption>
<thead><tr><th scope="col">Date</th><th scope="col">Tests for</th><th scope="col">Value</th><th scope="col">Abnormal</th><th scope="col">In lookback</th></tr></thead>
<tbody>${ex.measurements.map((x) => html`<tr><td class="num">${x.observedAt.slice(0, 10)}</td><td>${x.kind}</td><td class="num">${x.value} ${x.unit}</td><td>${x.abnormal ? 'yes' : 'no'}</td><td>${x.inLookback ? 'yes' : 'no'}</td></tr>`)}</tbody>
</table>
<p>Persistence: ${ex.persistence.map((p) => `${p.kind}: ${p.persistent ? 'persistent' : 'not persistent'} (${p.detail})`).join('; ') || 'no blood counts'}.</p>
</details>`;
}
