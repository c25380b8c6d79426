import { parseArgs, type ParseArgsConfig } from 'node:util';
import { SentinelError } from '../errors.js';

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** parseArgs that turns its errors into USAGE (exit 2) instead of a stack trace. */
export function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T, allowPositionals = true) {
  try {
    return parseArgs({ args, options: { help: { type: 'boolean', short: 'h' }, ...options }, allowPositionals, strict: true });
  } catch (err) {
    throw new SentinelError('USAGE', (err as Error).message);
  }
}

export interface Output {
  out: (line: string) => void;
  err: (line: string) => void;
  isTTY: boolean;
}
