import { SentinelError } from '../errors.js';
import { writeFeed } from '../generate/write-feed.js';
import { EXIT, parse, type Output } from './usage.js';

export const GENERATE_HELP = `Usage: poems-sentinel generate --patients N --out FILE [--seed S]

Writes a synthetic, obviously fake HL7 v2.5.1 feed: POEMS-like, CIDP, MGUS and unremarkable
patients, with corrections, deletions, duplicates, merges and out-of-order messages.`;

export async function generateCommand(args: string[], io: Output): Promise<number> {
  const { values } = parse(args, { patients: { type: 'string' }, out: { type: 'string' }, seed: { type: 'string', default: '1' } }, false);
  if (values.help) {
    io.out(GENERATE_HELP);
    return EXIT.ok;
  }
  const patients = Number(values.patients);
  const seed = Number(values.seed);
  if (!Number.isInteger(patients) || patients < 1) throw new SentinelError('USAGE', '--patients must be a positive integer');
  if (!Number.isInteger(seed)) throw new SentinelError('USAGE', '--seed must be an integer');
  if (!values.out) throw new SentinelError('USAGE', '--out FILE is required');
  const result = await writeFeed(values.out, { patients, seed });
  io.out(`wrote ${result.messages} messages for ${patients} synthetic patients to ${values.out}`);
  return EXIT.ok;
}
