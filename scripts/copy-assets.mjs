// Copies the non-TypeScript files the code reads at run time (the Redis Lua scripts) from src/
// to dist/src/, beside the compiled modules that load them. Part of `npm run build`.
import { cpSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const ASSETS = ['.lua'];

function copy(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) copy(path);
    else if (ASSETS.some((ext) => entry.name.endsWith(ext))) cpSync(path, join('dist', path));
  }
}

copy('src');
