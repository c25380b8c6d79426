import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ServiceConfig } from '../../src/config/service.schema.js';

describe("the README's configuration table", () => {
  const readme = readFileSync('README.md', 'utf8');
  it.each(Object.keys(ServiceConfig.shape))('documents %s', (key) => {
    expect(readme).toMatch(new RegExp(`\\| [^|]*\`${key}\``));
  });
  it('starts with the two commands a newcomer runs', () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(firstBlock).toMatch(/^npm ci && npm run demo/m);
    expect(firstBlock).toMatch(/^npm test/m);
  });
});
