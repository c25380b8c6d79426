import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { usersCommand } from '../../src/cli/users.command.js';
import type { Output } from '../../src/cli/usage.js';
import { main } from '../../src/cli.js';
import { AuthService } from '../../src/inbox/auth/auth.service.js';
import { AuthConfig } from '../../src/inbox/auth/auth.config.js';
import { openInboxState, type InboxStateConfig } from '../../src/app/inbox-state.js';
import { SqliteDatabase } from '../../src/store/sqlite-database.js';
import { postgresService } from '../support/services.js';

const dir = mkdtempSync(join(tmpdir(), 'sentinel-users-'));
const postgres = await postgresService();
const schema = `test_users_${randomUUID().replace(/-/g, '').slice(0, 12)}`;

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  if (!postgres.available) return;
  const client = new pg.Client({ connectionString: postgres.url });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
});

async function users(args: string[], secret = ''): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Output = { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: false };
  try {
    const code = await usersCommand(args, io, { readSecret: async () => secret });
    return { code, out, err };
  } catch (e) {
    return { code: -1, out, err: [...err, (e as Error).message] };
  }
}

const modes: { name: string; available: boolean; flags: string[]; state: InboxStateConfig }[] = [
  { name: 'SQLite', available: true, flags: ['--db', join(dir, 'state.db')], state: { kind: 'sqlite', dbPath: join(dir, 'state.db') } },
  { name: 'PostgreSQL', available: postgres.available, flags: ['--database-url', postgres.url, '--database-schema', schema], state: { kind: 'postgres', databaseUrl: postgres.url, schema } },
];

for (const mode of modes) {
  describe.skipIf(!mode.available)(`poems-sentinel users (${mode.name})`, () => {
    if (mode.name === 'SQLite') new SqliteDatabase(join(dir, 'state.db')).db.close();

    it('adds a clinician whose password then signs in, lists accounts, disables and enables, all audited', async () => {
      const add = await users(['add', 'DrNeuro', '--role', 'clinician', '--display-name', 'Dr Neuro (synthetic)', '--provider-id', 'SYNTH-HOSP|D100', '--pool', 'neuromuscular', '--password-stdin', '--by', 'it-ops', ...mode.flags], 'synthetic-passphrase-1');
      expect(add).toMatchObject({ code: 0, out: ['added drneuro (clinician)'] });
      const again = await users(['add', 'drneuro', '--role', 'clinician', '--display-name', 'x', '--password-stdin', ...mode.flags], 'synthetic-passphrase-1');
      expect(again.err.join()).toMatch(/exists already/);
      const list = await users(['list', '--json', ...mode.flags]);
      expect(JSON.parse(list.out[0] ?? '{}')).toMatchObject({ username: 'drneuro', role: 'clinician', providerIds: ['SYNTH-HOSP|D100'], pools: ['neuromuscular'], disabled: false });
      expect(list.out.join()).not.toContain('scrypt');

      const stores = await openInboxState(mode.state);
      const auth = new AuthService({ ...stores, config: AuthConfig.parse({}), clock: () => new Date() });
      expect((await auth.login('drneuro', 'synthetic-passphrase-1', '127.0.0.1')).ok).toBe(true);
      await stores.close();

      expect((await users(['disable', 'drneuro', '--by', 'it-ops', ...mode.flags])).code).toBe(0);
      const table = await users(['list', ...mode.flags]);
      expect(table.out.join('\n')).toMatch(/drneuro\s+clinician\s+disabled\s+SYNTH-HOSP\|D100, pool:neuromuscular/);
      expect((await users(['enable', 'drneuro', '--by', 'it-ops', ...mode.flags])).code).toBe(0);

      const check = await openInboxState(mode.state);
      const audit = await check.audit.list({ limit: 100 });
      expect(audit.filter((e) => e.via === 'cli').map((e) => [e.actor, e.action, e.detail])).toEqual([
        ['it-ops', 'user-add', 'account=drneuro role=clinician'],
        ['it-ops', 'user-disable', 'account=drneuro'],
        ['it-ops', 'user-enable', 'account=drneuro'],
      ]);
      await check.close();
    });

    it('makes an API token for a machine account, shown once, stored as a digest, and revokes it', async () => {
      expect((await users(['add', 'engine', '--role', 'reviewer', '--display-name', 'Interface engine', '--no-password', ...mode.flags])).code).toBe(0);
      const made = await users(['token', 'engine', '--label', 'nightly export', ...mode.flags]);
      expect(made.code).toBe(0);
      const token = made.out[0] ?? '';
      expect(token).toMatch(/^pst_[A-Za-z0-9]{16}_[A-Za-z0-9_-]{43}$/);
      const id = token.split('_')[1] ?? '';
      const stores = await openInboxState(mode.state);
      const auth = new AuthService({ ...stores, config: AuthConfig.parse({}), clock: () => new Date() });
      expect((await auth.token(`Bearer ${token}`))?.user.username).toBe('engine');
      expect(JSON.stringify(await stores.tokens.list())).not.toContain(token.slice('pst_'.length + 16 + 1));
      expect((await users(['revoke', id, ...mode.flags])).code).toBe(0);
      expect(await auth.token(`Bearer ${token}`)).toBeNull();
      await stores.close();
      const listed = await users(['list', '--tokens', ...mode.flags]);
      expect(listed.out.join('\n')).toMatch(new RegExp(`token ${id}  nightly export  revoked`));
    });

    it('refuses bad usage before opening a store: a weak password, a password on the command line, an unknown role', async () => {
      expect((await users(['add', 'weak', '--role', 'clinician', '--display-name', 'W', '--password-stdin', ...mode.flags], 'short')).err.join()).toMatch(/12 characters/);
      expect((await users(['add', 'x', '--role', 'clinician', '--display-name', 'X', ...mode.flags])).err.join()).toMatch(/--password-stdin/);
      expect((await users(['add', 'x', '--role', 'superuser', '--display-name', 'X', '--no-password', ...mode.flags])).err.join()).toMatch(/--role must be one of/);
    });
  });
}

describe('poems-sentinel users through the CLI entry point', () => {
  it('exits 2 with a message on bad usage and on a missing database, 0 on help', async () => {
    const lines: string[] = [];
    const io: Output = { out: (l) => lines.push(l), err: (l) => lines.push(l), isTTY: false };
    expect(await main(['users', '--help'], io)).toBe(0);
    expect(lines.join('\n')).toContain('Usage: poems-sentinel users');
    expect(await main(['users', 'list', '--db', join(dir, 'missing.db')], io)).toBe(2);
    expect(lines.join('\n')).toMatch(/INPUT_UNREADABLE: no state database/);
    expect(await main(['users', 'frobnicate', 'x'], io)).toBe(2);
  });
});
