/**
 * Expected findings written as short tokens, compared with what the extractor produced.
 *
 * A token is `kind[:qualifier[:qualifier]][?]`:
 * - `?` at the end: `certainty: possible` (without it the finding must be definite);
 *   `ifeDone` ignores certainty (it is a flag, spec §1);
 * - `neuropathy:cidp` needs `cidp: true`, plain `neuropathy` needs it false or absent;
 * - `clone:<light>[:<heavy>]` checks the light chain (`unknown` when absent) and, when written,
 *   the heavy chain; a field the token does not name is not checked (the spec does not fix it);
 * - a leading `~` makes the token optional: the finding may or may not be there.
 * Every finding must match some token, and every non-optional token some finding.
 */
import type { Finding } from '../../../src/domain/finding.js';

interface Token {
  raw: string;
  optional: boolean;
  kind: string;
  quals: string[];
  possible: boolean;
}

function parseToken(raw: string): Token {
  let t = raw;
  const optional = t.startsWith('~');
  if (optional) t = t.slice(1);
  const possible = t.endsWith('?');
  if (possible) t = t.slice(0, -1);
  const [kind = '', ...quals] = t.split(':');
  return { raw, optional, kind, quals, possible };
}

export function tokens(want: string): string[] {
  return want.split(/\s+/).filter((s) => s.length > 0);
}

function matches(token: Token, f: Finding): boolean {
  if (f.kind !== token.kind) return false;
  if (f.kind !== 'ifeDone' && (f.certainty === 'possible') !== token.possible) return false;
  if (f.kind === 'neuropathy') return (f.qualifiers.cidp === true) === token.quals.includes('cidp');
  if (f.kind === 'clone') {
    const [light, heavy] = token.quals;
    if (light !== undefined && (f.qualifiers.lightChain ?? 'unknown') !== light) return false;
    if (heavy !== undefined && (f.qualifiers.heavyChain ?? 'unknown') !== heavy) return false;
  }
  return true;
}

/** A finding as the token that describes it fully (for failure messages). */
export function describeFinding(f: Finding): string {
  let s: string = f.kind;
  if (f.kind === 'neuropathy' && f.qualifiers.cidp === true) s += ':cidp';
  if (f.kind === 'clone') s += `:${f.qualifiers.lightChain ?? 'unknown'}:${f.qualifiers.heavyChain ?? 'unknown'}`;
  if (f.kind !== 'ifeDone' && f.certainty === 'possible') s += '?';
  return s;
}

/** null when the findings fit the tokens, else a one-line reason. */
export function findingMismatch(findings: readonly Finding[], want: string): string | null {
  const wanted = tokens(want).map(parseToken);
  const missing = wanted.filter((t) => !t.optional && !findings.some((f) => matches(t, f))).map((t) => t.raw);
  const extra = findings.filter((f) => !wanted.some((t) => matches(t, f))).map(describeFinding);
  if (missing.length === 0 && extra.length === 0) return null;
  return [missing.length > 0 ? `missing ${missing.join(' ')}` : '', extra.length > 0 ? `unexpected ${[...new Set(extra)].join(' ')}` : ''].filter(Boolean).join('; ');
}
