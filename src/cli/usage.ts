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

/**
 * Writes lines to stdout or stderr, which may be a pipe whose reader has gone (`… | head -1`):
 * once the stream fails (EPIPE), later lines are dropped quietly and the command ends as it
 * would have, instead of dying on an unhandled 'error' with a stack trace.
 */
export function lineWriter(stream: NodeJS.WriteStream): (line: string) => void {
  let closed = false;
  stream.on('error', () => {
    closed = true;
  });
  return (line) => {
    if (!closed) stream.write(`${line}\n`);
  };
}
