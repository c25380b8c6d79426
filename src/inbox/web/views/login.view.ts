import { html } from '../../http/html.js';
import { page } from './layout.js';

export function loginPage(opts: { csrf: string; next: string; error?: string }): string {
  return page('Sign in', {}, html`<div class="login">
<h1>Sign in</h1>
${opts.error ? html`<p class="notice error" role="alert">${opts.error}</p>` : ''}
<form method="post" action="/login">
  <input type="hidden" name="_csrf" value="${opts.csrf}">
  <input type="hidden" name="next" value="${opts.next}">
  <label for="username">Account name</label>
  <input id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus>
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <button type="submit">Sign in</button>
</form>
</div>`);
}
