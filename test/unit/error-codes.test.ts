import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors.js';

describe('the error-code catalogue', () => {
  const doc = readFileSync('docs/error-codes.md', 'utf8');
  it.each(Object.keys(ERROR_CODES))('documents %s in docs/error-codes.md', (code) => {
    expect(doc).toContain(`| \`${code}\` |`);
  });
  it('documents no code that does not exist', () => {
    const documented = [...doc.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });
});
