#!/usr/bin/env node
import { main } from './cli.js';
import { EXIT } from './cli/usage.js';

main(process.argv.slice(2), {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
  isTTY: Boolean(process.stdout.isTTY),
}).then(
  (code) => { process.exitCode = code; },
  () => { process.exitCode = EXIT.failure; },
);
