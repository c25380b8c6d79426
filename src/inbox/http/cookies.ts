/** Cookie header parsing and Set-Cookie values (RFC 6265), without a dependency for twenty lines. */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    // the first of two same-named cookies is the more specific one (RFC 6265 §5.4); keep it
    if (!out.has(name)) out.set(name, value);
  }
  return out;
}

export interface CookieOptions {
  path: string;
  secure: boolean;
  /** seconds; 0 deletes the cookie; absent: a browser-session cookie */
  maxAge?: number;
}

/** Always HttpOnly and SameSite=Strict: no script reads it, no other site's page sends it. */
export function setCookie(name: string, value: string, opts: CookieOptions): string {
  const parts = [`${name}=${value}`, `Path=${opts.path}`, 'HttpOnly', 'SameSite=Strict'];
  if (opts.secure) parts.push('Secure');
  if (opts.maxAge !== undefined) parts.push(`Max-Age=${opts.maxAge}`);
  return parts.join('; ');
}
