import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ServiceConfig } from '../../src/config/service.schema.js';

describe("the README's configuration table", () => {
  const readme = readFileSync('README.md', 'utf8');
  const defaults = ServiceConfig.parse({}) as Record<string, unknown>;
  it.each(Object.keys(ServiceConfig.shape))('documents %s', (key) => {
    expect(readme).toMatch(new RegExp(`\\| [^|]*\`${key}\``));
  });
  /** rows of one key whose default is a literal: `| \`key\` | flag | \`default\` | meaning |` */
  const literalRows = [...readme.matchAll(/^\| `(\w+)` \| [^|]* \| `([^`]*)` \|/gm)].map((m) => [m[1] as string, m[2] as string] as const);
  it('states literal defaults for most keys', () => {
    expect(literalRows.length).toBeGreaterThan(20);
  });
  it.each(literalRows)('states the schema default of %s', (key, documented) => {
    expect(documented).toBe(String(defaults[key]));
  });
  it('starts with the two commands a newcomer runs', () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(firstBlock).toMatch(/^npm ci && npm run demo/m);
    expect(firstBlock).toMatch(/^npm test/m);
  });
});
