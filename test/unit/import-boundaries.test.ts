import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { boundaries } from '../../eslint.boundaries.js';

// The import boundaries of `npm run lint` (eslint.boundaries.js) catch what they are meant to:
// each case lints one import line as if it stood in the named file (the file need not exist).

const eslint = new ESLint({
  cwd: resolve('.'),
  overrideConfigFile: true,
  overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, ...boundaries],
});

async function violations(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\nexport {};\n`, { filePath: resolve(file) });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

const REFUSED: [string, string, string, RegExp][] = [
  ['the rule reads a file', 'src/rules/probe.ts', "import { readFileSync } from 'node:fs';", /does no I\/O/],
  ['the parser opens a socket', 'src/hl7/probe.ts', "import net from 'net';", /does no I\/O/],
  ['extraction talks to Redis', 'src/extract/text/probe.ts', "import { Redis } from 'ioredis';", /does no I\/O/],
  ['the alert decision logs', 'src/alerts/probe.ts', "import pino from 'pino';", /does no I\/O/],
  ['the domain imports a store adapter', 'src/domain/probe.ts', "import { SqliteTimelineStore } from '../store/sqlite.store.js';", /no adapter/],
  ['the rule imports a store port', 'src/rules/probe.ts', "import type { TimelineStore } from '../store/timeline-store.js';", /no adapter/],
  ['the rule reads the profile file itself', 'src/rules/probe.ts', "import { loadProfile } from '../config/load-profile.js';", /no adapter/],
  ['the core imports the composition root', 'src/extract/probe.ts', "import { startEmbedded } from '../app/embedded.js';", /composition root/],
  ['the core imports the generator', 'src/rules/probe.ts', "import { generateFeed } from '../generate/synthetic-feed.js';", /tools/],
  ['an adapter imports the composition root', 'src/consumers/kafka/probe.ts', "import { openState } from '../../app/state.js';", /composition root/],
  ['a store adapter imports the CLI', 'src/store/probe.ts', "import { main } from '../cli.js';", /composition root/],
  ['a notifier imports the generator', 'src/notifiers/probe.ts', "import { writeFeed } from '../generate/write-feed.js';", /synthetic generator/],
  ['the pipeline imports a store adapter', 'src/pipeline/probe.ts', "import { RedisTimelineStore } from '../store/redis.store.js';", /ports, not adapters/],
  ['the pipeline imports the MLLP listener', 'src/pipeline/probe.ts', "import { MllpListener } from '../consumers/mllp.consumer.js';", /ports, not adapters/],
  ['a command opens SQLite itself', 'src/cli/probe.command.ts', "import { SqliteDatabase } from '../store/sqlite-database.js';", /calls src\/app/],
  ['the replay command imports the generator', 'src/cli/replay.command.ts', "import { writeFeed } from '../generate/write-feed.js';", /synthetic generator/],
  ['the composition root imports the generator', 'src/app/probe.ts', "import { generateFeed } from '../generate/synthetic-feed.js';", /synthetic generator/],
  ['the service imports the testkit', 'src/app/probe.ts', "import { freePort } from '../../testkit/ports.js';", /never imports tests/],
];

const ALLOWED: [string, string, string][] = [
  ['the rule reads the profile schema', 'src/rules/probe.ts', "import type { SiteProfile } from '../config/profile.schema.js';"],
  ['the parser hashes', 'src/hl7/probe.ts', "import { createHash } from 'node:crypto';"],
  ['the pipeline runs on the store port', 'src/pipeline/probe.ts', "import type { TimelineStore } from '../store/timeline-store.js';"],
  ['the pipeline runs on the queue port', 'src/pipeline/probe.ts', "import type { AlertQueue } from '../notifiers/alert-queue.js';"],
  ['the composition root builds a store adapter', 'src/app/probe.ts', "import { SqliteDatabase } from '../store/sqlite-database.js';"],
  ['a command calls the composition root', 'src/cli/probe.command.ts', "import { openState } from '../app/state.js';"],
  ['the demo command generates a feed', 'src/cli/demo.command.ts', "import { writeFeed } from '../generate/write-feed.js';"],
  ['the generate command generates a feed', 'src/cli/generate.command.ts', "import { writeFeed } from '../generate/write-feed.js';"],
  ['the demo corpus build generates a feed', 'src/validate/demo-labels.ts', "import { writeFeed } from '../generate/write-feed.js';"],
  ['an adapter reads the config schema', 'src/consumers/probe.ts', "import { KAFKA_NAMES } from '../config/kafka-names.schema.js';"],
  ['a bench uses the generator and the testkit', 'bench/probe.ts', "import { generateFeed } from '../src/generate/synthetic-feed.js';\nimport { freePort } from '../testkit/ports.js';"],
];

describe('the import boundaries', () => {
  it.each(REFUSED)('refuse it when %s', async (_what, file, source, message) => {
    const found = await violations(file, source);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^no-restricted-imports: /);
    expect(found[0]).toMatch(message);
  });

  it.each(ALLOWED)('allow it when %s', async (_what, file, source) => {
    expect(await violations(file, source)).toEqual([]);
  });
});
