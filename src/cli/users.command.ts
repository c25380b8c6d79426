import { userInfo } from 'node:os';
import { openUserAdministration, Role, UserAdminError, type UserAdministration } from '../app/users.js';
import { SentinelError } from '../errors.js';
import { EXIT, parse, type Output } from './usage.js';

export const USERS_HELP = `Usage: poems-sentinel users <add|token|revoke|disable|enable|password|list> [options]

  add <name> --role R --display-name TEXT [--provider-id AUTH|ID]... [--pool P]...
             [--password-stdin | --no-password]
          R: ${Role.options.join(', ')}. A clinician sees the alerts routed to a provider id
          (as routing records it: "<XCN-9 authority>|<XCN-1 id>") or a pool of theirs.
          --no-password: a machine account that signs in with API tokens only
  token <name> --label TEXT [--expires ISO-DATE]
          prints a new API token once (the store keeps its SHA-256 only)
  revoke <token id>
  disable <name>   ends its sessions at once; its tokens stop working
  enable <name>
  password <name> --password-stdin   sets a new password and ends its sessions
  list [--tokens] [--json]

Passwords are read from the first line of standard input, never from the command line.

Options:
  --db FILE              embedded state (default ./data/sentinel.db)
  --database-url URL     PostgreSQL (distributed mode) instead; --database-schema S (default poems_sentinel)
  --by NAME              the operator named in the audit trail (default: your login name)`;

export interface UsersCommandDeps {
  /** the first line of standard input (passwords) */
  readSecret?: () => Promise<string>;
  clock?: () => Date;
}

export async function usersCommand(args: string[], io: Output, deps: UsersCommandDeps = {}): Promise<number> {
  const { values, positionals } = parse(args, {
    db: { type: 'string', default: './data/sentinel.db' },
    'database-url': { type: 'string' },
    'database-schema': { type: 'string', default: 'poems_sentinel' },
    by: { type: 'string' },
    role: { type: 'string' },
    'display-name': { type: 'string' },
    'provider-id': { type: 'string', multiple: true },
    pool: { type: 'string', multiple: true },
    'password-stdin': { type: 'boolean' },
    'no-password': { type: 'boolean' },
    label: { type: 'string' },
    expires: { type: 'string' },
    tokens: { type: 'boolean' },
    json: { type: 'boolean' },
  });
  const [action, subject] = positionals;
  if (values.help || !action) {
    io.out(USERS_HELP);
    return values.help ? EXIT.ok : EXIT.usage;
  }
  if (!['add', 'token', 'revoke', 'disable', 'enable', 'password', 'list'].includes(action)) throw new SentinelError('USAGE', `unknown users action "${action}"`);
  if (action !== 'list' && !subject) throw new SentinelError('USAGE', `users ${action} needs ${action === 'revoke' ? 'a token id' : 'an account name'}`);
  const name = subject ?? '';
  // everything a bad command line can get wrong is checked before a store is opened
  let password: string | undefined;
  if (action === 'add') {
    if (!Role.safeParse(values.role).success) throw new SentinelError('USAGE', `--role must be one of ${Role.options.join(', ')}`);
    if (!values['display-name']) throw new SentinelError('USAGE', 'users add needs --display-name');
    if (values['password-stdin'] === values['no-password']) throw new SentinelError('USAGE', 'users add needs --password-stdin (a person) or --no-password (a machine with API tokens)');
  }
  if (action === 'password' && !values['password-stdin']) throw new SentinelError('USAGE', 'users password needs --password-stdin');
  if (action === 'token' && !values.label) throw new SentinelError('USAGE', 'users token needs --label (what the token is for)');
  const expires = values.expires === undefined ? null : Date.parse(values.expires);
  if (expires !== null && Number.isNaN(expires)) throw new SentinelError('USAGE', '--expires needs an ISO date');
  if (values['password-stdin']) password = await (deps.readSecret ?? firstLineOfStdin)();

  const administration = await openUserAdministration(
    values['database-url'] ? { kind: 'postgres', databaseUrl: values['database-url'], schema: values['database-schema'] as string } : { kind: 'sqlite', dbPath: values.db as string },
    values.by ?? operatorName(),
    deps.clock,
  );
  const { admin } = administration;
  try {
    switch (action) {
      case 'add': {
        const user = await admin.add({
          username: name,
          displayName: values['display-name'] as string,
          role: Role.parse(values.role),
          providerIds: values['provider-id'] ?? [],
          pools: values.pool ?? [],
          ...(password !== undefined ? { password } : {}),
        });
        io.out(`added ${user.username} (${user.role})`);
        break;
      }
      case 'token': {
        const { token, record } = await admin.createToken(name, values.label as string, expires === null ? null : new Date(expires).toISOString());
        io.out(token);
        io.err(`token ${record.id} for ${record.username}: shown once, keep it in the machine's secret store`);
        break;
      }
      case 'revoke':
        await admin.revokeToken(name);
        io.out(`revoked ${name}`);
        break;
      case 'disable':
      case 'enable':
        await admin.setDisabled(name, action === 'disable');
        io.out(`${action}d ${name}`);
        break;
      case 'password':
        await admin.setPassword(name, password ?? '');
        io.out(`password set for ${name}; its sessions ended`);
        break;
      case 'list':
        await list(administration, Boolean(values.tokens), Boolean(values.json), io);
        break;
    }
    return EXIT.ok;
  } catch (err) {
    if (err instanceof UserAdminError) throw new SentinelError('USAGE', err.message);
    throw err;
  } finally {
    await administration.close();
  }
}

async function list(administration: UserAdministration, withTokens: boolean, json: boolean, io: Output): Promise<void> {
  const users = await administration.admin.list();
  const all = withTokens ? await administration.tokens() : [];
  if (json) {
    for (const u of users) io.out(JSON.stringify({ ...u, ...(withTokens ? { tokens: all.filter((t) => t.username === u.username).map(({ id, label, createdAt, expiresAt, revokedAt, lastUsedAt }) => ({ id, label, createdAt, expiresAt, revokedAt, lastUsedAt })) } : {}) }));
    return;
  }
  io.out(['account'.padEnd(20), 'role'.padEnd(10), 'state'.padEnd(8), 'provider ids / pools'].join('  '));
  for (const u of users) {
    io.out([u.username.padEnd(20), u.role.padEnd(10), (u.disabled ? 'disabled' : 'active').padEnd(8), [...u.providerIds, ...u.pools.map((p) => `pool:${p}`)].join(', ')].join('  '));
    for (const t of all.filter((x) => x.username === u.username)) {
      io.out(`    token ${t.id}  ${t.label}  ${t.revokedAt ? `revoked ${t.revokedAt}` : t.expiresAt ? `expires ${t.expiresAt}` : 'no expiry'}  last used ${t.lastUsedAt ?? 'never'}`);
    }
  }
  io.out(`${users.length} account(s)`);
}

function operatorName(): string {
  try {
    return `os:${userInfo().username}`;
  } catch {
    return 'os:unknown';
  }
}

async function firstLineOfStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/)[0] ?? '';
}
