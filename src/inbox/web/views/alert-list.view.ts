import type { Alert, AlertStatus } from '../../../domain/alert.js';
import { TIERS, type Tier } from '../../../domain/tier.js';
import { TIER_TITLE } from '../../../notifiers/alert-text.js';
import type { Principal } from '../../auth/auth.service.js';
import { html } from '../../http/html.js';
import type { ListFilter } from '../../alert-access.js';
import { age, STATUS_LABEL, when } from './format.js';
import { attr, page } from './layout.js';

export interface ListRow {
  alert: Alert;
  status: AlertStatus;
  /** when it last asked for attention (the age counts from here) */
  waitingSince: string;
}

const FILTERS: { value: ListFilter; label: string }[] = [
  { value: 'needs-action', label: 'Needs action' },
  { value: 'acknowledged', label: 'Acknowledged' },
  { value: 'snoozed', label: 'Snoozed' },
  { value: 'dismissed', label: 'Dismissed' },
  { value: 'withdrawn', label: 'Withdrawn' },
  { value: 'all', label: 'All' },
];

/** Alerts by tier (strongest first), each tier's longest-waiting first. */
export function alertListPage(opts: { principal: Principal; rows: ListRow[]; filter: ListFilter; now: Date; scope: 'routed' | 'all' }): string {
  const byTier = (tier: Tier): ListRow[] => opts.rows.filter((r) => r.alert.tier === tier);
  const sections = [...TIERS].reverse().map((tier) => {
    const rows = byTier(tier);
    if (rows.length === 0) return '';
    return html`<section aria-labelledby="tier-${tier}">
<h2 id="tier-${tier}"><span class="tier tier-${tier}">${TIER_TITLE[tier]}</span> <span class="muted">(${rows.length})</span></h2>
<table>
<caption>${TIER_TITLE[tier]}: ${rows.length} alert${rows.length === 1 ? '' : 's'}, longest waiting first</caption>
<thead><tr><th scope="col">Patient</th><th scope="col">Why</th><th scope="col">Waiting</th><th scope="col">Status</th><th scope="col">Updated</th></tr></thead>
<tbody>
${rows.map((r) => html`<tr>
<td><a href="/alerts/${encodeURIComponent(r.alert.id)}">${r.alert.patientKey}</a></td>
<td>${r.alert.reason}</td>
<td class="num">${age(r.waitingSince, opts.now)}</td>
<td class="status">${STATUS_LABEL[r.status]}</td>
<td class="num">${when(r.alert.updatedAt)}</td>
</tr>`)}
</tbody>
</table>
</section>`;
  });
  const empty = opts.rows.length === 0 ? html`<p>No alerts here.</p>` : '';
  return page('Alerts', { principal: opts.principal, section: 'alerts' }, html`<h1>Alerts</h1>
<p class="muted">${opts.scope === 'all' ? 'Every alert (your role sees all).' : 'Alerts routed to you and your teams.'}</p>
<nav aria-label="Filter by status"><ul class="filters">
${FILTERS.map((f) => html`<li><a href="/alerts?status=${f.value}" ${attr('aria-current', f.value === opts.filter ? 'page' : null)}>${f.label}</a></li>`)}
</ul></nav>
${empty}${sections}`);
}
