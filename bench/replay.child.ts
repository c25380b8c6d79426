/**
 * One replay in its own process; prints a JSON line with messages, seconds and peak RSS.
 * Arguments: <feed> <sqlite db> [<redis url> <redis prefix>] (with a Redis URL the state is in Redis).
 */
import pino from 'pino';
import { DEFAULT_PROFILE } from '../src/config/default-profile.js';
import { replay } from '../src/app/file-replay.js';

const [feed, db, redisUrl, redisPrefix] = process.argv.slice(2) as [string, string, string | undefined, string | undefined];
const run = await replay({ inputs: [feed], dbPath: db, redisUrl, redisPrefix, profile: DEFAULT_PROFILE, log: pino({ level: 'silent' }) });
await run.close();
const s = run.summary;
process.stdout.write(`${JSON.stringify({
  messages: s.read,
  seconds: s.seconds,
  maxRssMb: process.resourceUsage().maxRSS / 1024,
  cpuSeconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
  extra: { accepted: s.accepted, rejected: s.rejected, patients: s.patients, alerts: s.alerts },
})}\n`);
