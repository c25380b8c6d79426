/** A browser-like HTTP client for the inbox over a real socket: keeps cookies, never follows redirects. */
export class InboxHttpClient {
  private readonly cookies = new Map<string, string>();

  constructor(readonly base: string) {}

  async request(method: string, path: string, opts: { form?: Record<string, string>; json?: unknown; headers?: Record<string, string> } = {}): Promise<{ status: number; headers: Headers; text: string }> {
    const headers: Record<string, string> = { accept: 'text/html', ...opts.headers };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (opts.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(opts.form).toString();
    } else if (opts.json !== undefined) {
      headers['content-type'] = 'application/json';
      headers.accept = 'application/json';
      body = JSON.stringify(opts.json);
    }
    const res = await fetch(new URL(path, this.base), { method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(10_000) });
    for (const c of res.headers.getSetCookie()) {
      const [pair = ''] = c.split(';');
      const eq = pair.indexOf('=');
      const value = pair.slice(eq + 1);
      if (/Max-Age=0/i.test(c)) this.cookies.delete(pair.slice(0, eq));
      else this.cookies.set(pair.slice(0, eq), value);
    }
    return { status: res.status, headers: res.headers, text: await res.text() };
  }

  /** GET /login, POST the form with its CSRF token; resolves with the page the login lands on. */
  async login(username: string, password: string): Promise<{ status: number; location: string | null; csrf: string }> {
    const form = await this.request('GET', '/login');
    const csrf = /name="_csrf" value="([^"]*)"/.exec(form.text)?.[1] ?? '';
    const res = await this.request('POST', '/login', { form: { username, password, _csrf: csrf, next: '/' } });
    const location = res.headers.get('location');
    if (res.status !== 303 || !location) return { status: res.status, location, csrf: '' };
    const home = await this.request('GET', location);
    return { status: res.status, location, csrf: /name="_csrf" value="([^"]*)"/.exec(home.text)?.[1] ?? '' };
  }
}
