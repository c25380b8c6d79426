import { main } from '../../src/cli.js';
import type { Output } from '../../src/cli/usage.js';

/** Runs the CLI in this process, as `poems-sentinel <argv>` would, and returns its exit code and output. */
export async function runCli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Output = { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: false };
  const code = await main(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}
