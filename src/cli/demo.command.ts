import { mkdirSync, rmSync } from 'node:fs';
import type { Logger } from 'pino';
import { DEFAULT_PROFILE } from '../config/default-profile.js';
import { writeFeed } from '../generate/write-feed.js';
import { replay } from '../app/file-replay.js';
import { printSummary } from './replay.command.js';
import { EXIT, parse, type Output } from './usage.js';

export const DEMO_HELP = `Usage: poems-sentinel demo [--patients N] [--dir DIR]

Generates a synthetic feed, replays it on the embedded store and prints the alerts.
Needs nothing but Node.js: no Kafka, no Redis.`;

export async function demoCommand(args: string[], io: Output, log: Logger): Promise<number> {
  const { values } = parse(args, { patients: { type: 'string', default: '200' }, dir: { type: 'string', default: './data/demo' } }, false);
  if (values.help) {
    io.out(DEMO_HELP);
    return EXIT.ok;
  }
  const dir = values.dir as string;
  mkdirSync(dir, { recursive: true });
  const feed = `${dir}/feed.hl7`;
  const db = `${dir}/sentinel.db`;
  for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
  const generated = await writeFeed(feed, { patients: Number(values.patients), seed: 1 });
  io.out(`generated ${generated.messages} synthetic messages in ${feed}`);
  const run = await replay({ inputs: [feed], dbPath: db, profile: DEFAULT_PROFILE, log });
  const alerts = (await run.alertsJsonl()).map((l) => JSON.parse(l) as { patientKey: string; tier: string; status: string; reason: string });
  await run.close();
  printSummary(run.summary, io);
  io.out('');
  io.out('alerts:');
  for (const a of alerts) io.out(`  ${a.patientKey.padEnd(16)} ${a.tier.padEnd(19)} ${a.status.padEnd(10)} ${a.reason}`);
  io.out('');
  io.out(`inspect them with: npx poems-sentinel alerts list --db ${db}`);
  return EXIT.ok;
}
