import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Alert } from '../../src/domain/alert.js';

const PATH = 'docs/alert.schema.json';

describe('the published JSON Schema of the alert', () => {
  it('is the one the zod schema generates (docs/alert.schema.json is up to date; UPDATE_DOCS=1 rewrites it)', () => {
    const generated = { title: 'poems-sentinel alert', ...z.toJSONSchema(Alert) };
    if (process.env.UPDATE_DOCS === '1') writeFileSync(PATH, `${JSON.stringify(generated, null, 2)}\n`);
    const published = JSON.parse(readFileSync(PATH, 'utf8')) as Record<string, unknown>;
    expect(published).toEqual(generated);
  });
});
