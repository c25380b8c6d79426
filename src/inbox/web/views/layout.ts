import type { Principal } from '../../auth/auth.service.js';
import { can, readsAlerts } from '../../auth/role.js';
import { html, SafeHtml } from '../../http/html.js';

export interface PageContext {
  principal?: Principal;
  /** the current section, for aria-current */
  section?: 'alerts' | 'audit';
}

/** Every page: a skip link, the site header (sections the role may open, who is signed in, sign out), main. */
export function page(title: string, ctx: PageContext, body: SafeHtml): string {
  const p = ctx.principal;
  const current = (s: PageContext['section']): string | null => (ctx.section === s ? 'page' : null);
  const nav = p ? html`<nav aria-label="Sections"><ul>
      ${readsAlerts(p.user.role) ? html`<li><a href="/alerts" ${attr('aria-current', current('alerts'))}>Alerts</a></li>` : ''}
      ${can(p.user.role, 'audit:read') ? html`<li><a href="/audit" ${attr('aria-current', current('audit'))}>Audit trail</a></li>` : ''}
    </ul></nav>
    <span class="who">${p.user.displayName} (${p.user.role})</span>
    ${p.session ? html`<form method="post" action="/logout"><input type="hidden" name="_csrf" value="${p.session.csrfToken}"><button type="submit">Sign out</button></form>` : ''}` : '';
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · POEMS Sentinel</title>
<link rel="stylesheet" href="/assets/inbox.css">
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site"><a class="brand" href="/">POEMS Sentinel</a>${nav}</header>
<main id="main" tabindex="-1">
${body}
</main>
</body>
</html>
`.value;
}

/** An attribute only when it has a value. */
export function attr(name: string, value: string | null | undefined): SafeHtml {
  if (!/^[a-z-]+$/.test(name)) throw new Error(`not an attribute name: ${name}`);
  return value === null || value === undefined ? html`` : html`${new SafeHtml(name)}="${value}"`;
}
