import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { validateProfile } from '../config/load-profile.js';
import { SentinelError } from '../errors.js';
import { EXIT, parse, type Output } from './usage.js';

export const PROFILE_HELP = `Usage: poems-sentinel profile check <file>

Validates a site profile (JSON or YAML) and prints every problem at once.
Exit status: 0 valid, 1 invalid, 2 unreadable file or bad usage.`;

export async function profileCommand(args: string[], io: Output): Promise<number> {
  const { values, positionals } = parse(args, {});
  if (values.help || positionals[0] !== 'check') {
    io.out(PROFILE_HELP);
    return values.help ? EXIT.ok : EXIT.usage;
  }
  const file = positionals[1];
  if (!file) throw new SentinelError('USAGE', 'profile check needs a file');
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new SentinelError('INPUT_UNREADABLE', `cannot read ${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  const result = validateProfile(doc);
  if (result.profile) {
    io.out(`${file}: valid (profileVersion ${result.profile.profileVersion})`);
    return EXIT.ok;
  }
  io.err(`${file}: ${result.problems.length} problem(s)`);
  for (const p of result.problems) io.err(`  - ${p.path}: ${p.message}`);
  return EXIT.failure;
}
