// @ts-check
/**
 * Import boundaries (docs/design: "the shape of the house"), as eslint `no-restricted-imports`
 * rules per folder. Each file group gets exactly one rule entry (a later entry for the same file
 * would replace an earlier one, not add to it), built from the restrictions below. Checked by
 * `npm run lint` (so `npm run check`), and shown to catch violations by
 * test/unit/import-boundaries.test.ts. Dynamic `import()` is not covered.
 */

/** @typedef {{ regex: string, message: string }} Restriction */

/** Files and sockets: the core is pure, only adapters and app/ touch the outside world. */
const IO_MODULES = {
  regex: '^(node:)?(fs|fs/promises|net|tls|http|https|http2|dgram|dns|child_process|cluster|worker_threads|readline)$|^(better-sqlite3|ioredis|kafkajs|bullmq|pg|fastify|@fastify/.*|prom-client|pino|testcontainers|playwright-core)$',
  message: 'the core (hl7, extract, rules, alerts, domain) does no I/O: take a port or a value from the caller (src/app composes the adapters)',
};
/** @param {string} who */
const noApp = (who) => ({
  regex: '(^|/)(app|cli)/|(^|/)cli\\.js$',
  message: `${who} never import the composition root (src/app) or the CLI: app/ builds them and passes them down`,
});
const ADAPTERS = {
  regex: '(^|/)(store|consumers|notifiers|inbox|transport|feeder|deadletters|pipeline)/|(^|/)config/load-profile\\.js$|(^|/)logger\\.js$',
  message: 'the core imports no adapter, no pipeline and no file reading: it is pure (src/app builds the adapters)',
};
/** Tools and folders that only some files may use. */
const NOT_CORE_TOOLS = {
  regex: '(^|/)(deidentify|validate|generate)/',
  message: 'the core does not depend on the tools (deidentify, validate, generate)',
};
const GENERATOR = {
  regex: '(^|/)generate/',
  message: 'nothing at run time imports the synthetic generator: only the demo and generate commands (and the demo corpus build, src/validate/demo-*.ts)',
};
const TEST_CODE = {
  regex: '(^|/)(testkit|test|bench)/',
  message: 'src/ never imports tests, the testkit or benches',
};
/** The pipeline runs on ports (store/timeline-store.ts, notifiers/alert-queue.ts): never on an adapter. */
const PIPELINE_ADAPTERS = {
  regex: '(^|/)(consumers|inbox|transport|feeder|deadletters)/|\\.(store|queue|notifier|server|transport|producer)\\.js$|(^|/)sqlite-database\\.js$',
  message: 'the pipeline depends on ports, not adapters: src/app passes the adapters in',
};
/** cli/ parses arguments and calls app/; it never builds an adapter itself. */
const CLI_ADAPTERS = {
  regex: '(^|/)(store|consumers|notifiers|inbox|transport|pipeline|deadletters)/',
  message: 'cli/ only parses arguments and calls src/app, which builds the adapters',
};

/** @param {string[]} files @param {Restriction[]} patterns @param {string[]} [ignores] */
const group = (files, patterns, ignores = []) => ({
  files,
  ...(ignores.length > 0 ? { ignores } : {}),
  rules: { 'no-restricted-imports': ['error', { patterns }] },
});

const CORE = ['src/hl7/**/*.ts', 'src/extract/**/*.ts', 'src/rules/**/*.ts', 'src/alerts/**/*.ts', 'src/domain/**/*.ts'];
const ADAPTER_DIRS = ['src/store/**/*.ts', 'src/consumers/**/*.ts', 'src/notifiers/**/*.ts', 'src/inbox/**/*.ts', 'src/transport/**/*.ts', 'src/feeder/**/*.ts', 'src/deadletters/**/*.ts'];
/** where the synthetic generator may be imported from: the commands that exist for it, and the demo corpus build */
const GENERATOR_USERS = ['src/cli/demo.command.ts', 'src/cli/generate.command.ts', 'src/validate/demo-corpus.ts', 'src/validate/demo-labels.ts'];

export const boundaries = [
  group(CORE, [IO_MODULES, noApp('the core does'), ADAPTERS, NOT_CORE_TOOLS, TEST_CODE]),
  group(ADAPTER_DIRS, [noApp('adapters'), GENERATOR, TEST_CODE]),
  group(['src/pipeline/**/*.ts'], [noApp('the pipeline does'), PIPELINE_ADAPTERS, GENERATOR, TEST_CODE]),
  group(['src/cli/**/*.ts'], [CLI_ADAPTERS, GENERATOR, TEST_CODE], GENERATOR_USERS),
  group(['src/cli/demo.command.ts', 'src/cli/generate.command.ts'], [CLI_ADAPTERS, TEST_CODE]),
  group(['src/**/*.ts'], [GENERATOR, TEST_CODE], [...CORE, ...ADAPTER_DIRS, 'src/pipeline/**/*.ts', 'src/cli/**/*.ts', 'src/generate/**/*.ts', 'src/validate/demo-corpus.ts', 'src/validate/demo-labels.ts']),
  group(['src/generate/**/*.ts', 'src/validate/demo-corpus.ts', 'src/validate/demo-labels.ts'], [TEST_CODE]),
];
