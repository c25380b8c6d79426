import type { Principal } from '../../auth/auth.service.js';
import { html } from '../../http/html.js';
import type { AuditEntry } from '../../store/audit.store.js';
import { when } from './format.js';
import { page } from './layout.js';

export interface AuditFilterValues {
  from?: string;
  to?: string;
  alertId?: string;
  actor?: string;
}

/** The audit trail for an auditor: a filter, the newest entries, and exports of the same selection. */
export function auditPage(opts: { principal: Principal; entries: AuditEntry[]; filter: AuditFilterValues; limit: number }): string {
  const f = opts.filter;
  const query = new URLSearchParams(Object.entries(f).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '')).toString();
  const sep = query ? '&' : '';
  return page('Audit trail', { principal: opts.principal, section: 'audit' }, html`<h1>Audit trail</h1>
<form method="get" action="/audit" class="filters" aria-label="Filter the audit trail">
  <div><label for="from">From (date)</label><input id="from" name="from" type="date" value="${f.from ?? ''}"></div>
  <div><label for="to">Before (date)</label><input id="to" name="to" type="date" value="${f.to ?? ''}"></div>
  <div><label for="alertId">Alert id</label><input id="alertId" name="alertId" value="${f.alertId ?? ''}"></div>
  <div><label for="actor">Who</label><input id="actor" name="actor" value="${f.actor ?? ''}"></div>
  <div><button type="submit">Show</button></div>
</form>
<p>Export this selection: <a href="/api/audit?format=csv${sep}${query}">CSV</a> · <a href="/api/audit?format=json${sep}${query}">JSON</a></p>
<table>
<caption>The newest ${opts.entries.length} entr${opts.entries.length === 1 ? 'y' : 'ies'} (at most ${opts.limit}), newest first</caption>
<thead><tr><th scope="col">#</th><th scope="col">When</th><th scope="col">Who</th><th scope="col">Role</th><th scope="col">Action</th><th scope="col">Outcome</th><th scope="col">Alert</th><th scope="col">Version</th><th scope="col">From</th><th scope="col">Via</th><th scope="col">Details</th></tr></thead>
<tbody>${opts.entries.map((e) => html`<tr><td class="num">${e.seq}</td><td class="num">${when(e.at)}</td><td>${e.actor}</td><td>${e.role ?? ''}</td><td>${e.action}</td><td>${e.outcome}</td><td>${e.alertId ?? ''}</td><td class="num">${e.alertVersion ?? ''}</td><td>${e.ip ?? ''}</td><td>${e.via}</td><td>${e.detail}</td></tr>`)}</tbody>
</table>`);
}
