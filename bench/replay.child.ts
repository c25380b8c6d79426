/** One replay in its own process; prints a JSON line with messages, seconds and peak RSS. */
import pino from 'pino';
import { DEFAULT_PROFILE } from '../src/config/default-profile.js';
import { replay } from '../src/app/file-replay.js';

const [feed, db] = process.argv.slice(2) as [string, string];
const run = await replay({ inputs: [feed], dbPath: db, profile: DEFAULT_PROFILE, log: pino({ level: 'silent' }) });
await run.close();
const s = run.summary;
process.stdout.write(`${JSON.stringify({
  messages: s.read,
  seconds: s.seconds,
  maxRssMb: process.resourceUsage().maxRSS / 1024,
  extra: { accepted: s.accepted, rejected: s.rejected, patients: s.patients, alerts: s.alerts },
})}\n`);
