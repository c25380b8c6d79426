import { readFileSync } from 'node:fs';

/** The Lua scripts beside this module; `npm run build` copies them to dist (scripts/copy-assets.mjs). */
export type LuaScriptName = 'apply' | 'timeline' | 'put-alert';

/**
 * The text of a script, read when a store is built. ioredis `defineCommand` then sends it once
 * per connection (EVALSHA, loading it with EVAL on NOSCRIPT).
 */
export function luaScript(name: LuaScriptName): string {
  return readFileSync(new URL(`./${name}.lua`, import.meta.url), 'utf8');
}
