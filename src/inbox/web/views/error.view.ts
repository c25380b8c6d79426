import { html } from '../../http/html.js';
import type { Problem } from '../../http/problem.js';
import { page, type PageContext } from './layout.js';

/** A problem as a page: the title, what to do, the stable code (for a support call); never a stack. */
export function errorPage(p: Problem, ctx: PageContext): string {
  const hint = p.code === 'INBOX_UNAUTHENTICATED' || p.code === 'INBOX_CSRF' ? html`<p><a href="/login">Sign in again</a></p>` : html`<p><a href="/">Back to the inbox</a></p>`;
  return page(p.title, ctx, html`<h1>${p.title}</h1>
<p>${p.detail}</p>
${hint}
<p class="muted">Error code ${p.code}${p.instance ? html`, request ${p.instance}` : ''}</p>`);
}
