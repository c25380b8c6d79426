#!/usr/bin/env node
import { main } from './cli.js';
import { EXIT, lineWriter } from './cli/usage.js';

main(process.argv.slice(2), {
  out: lineWriter(process.stdout),
  err: lineWriter(process.stderr),
  isTTY: Boolean(process.stdout.isTTY),
}).then(
  (code) => { process.exitCode = code; },
  () => { process.exitCode = EXIT.failure; },
);
