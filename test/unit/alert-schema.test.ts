import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Alert } from '../../src/domain/alert.js';

describe('the published JSON Schema of the alert', () => {
  it('is the one the zod schema generates (docs/alert.schema.json is up to date)', () => {
    const published = JSON.parse(readFileSync('docs/alert.schema.json', 'utf8')) as Record<string, unknown>;
    expect(published).toEqual({ title: 'poems-sentinel alert', ...z.toJSONSchema(Alert) });
  });
});
