import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { startInbox } from '../../src/app/inbox.js';
import { sqliteState } from '../../src/app/state.js';
import { DEFAULT_PROFILE } from '../../src/config/default-profile.js';
import { ServiceConfig } from '../../src/config/service.schema.js';

const dir = mkdtempSync(join(tmpdir(), 'sentinel-inbox-app-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const log = pino({ level: 'silent' });

/** `run --cds-hooks FILE`: the file is read and checked at start, and the service is mounted beside the inbox. */
describe('when the service is given a CDS Hooks configuration file', () => {
  it('serves discovery beside the inbox (refusing callers it does not trust)', async () => {
    const file = join(dir, 'cds-hooks.yaml');
    writeFileSync(file, 'publicBaseUrl: https://sentinel.hospital.example\ninboxBaseUrl: https://sentinel.hospital.example\n');
    const state = sqliteState(':memory:', () => new Date());
    const inbox = await startInbox({ config: ServiceConfig.parse({ inboxPort: 0, cdsHooksConfig: file }), state, sqlite: state.db, profile: DEFAULT_PROFILE, log });
    try {
      const discovery = await fetch(`${inbox.url}cds-services`);
      expect(discovery.status).toBe(401);
      expect((await fetch(`${inbox.url}login`)).status).toBe(200);
    } finally {
      await inbox.stop();
      await state.close();
    }
  });

  it('refuses to start on an invalid file, naming the failing keys', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'publicBaseUrl: not a url\n');
    const state = sqliteState(':memory:', () => new Date());
    await expect(startInbox({ config: ServiceConfig.parse({ inboxPort: 0, cdsHooksConfig: file }), state, sqlite: state.db, profile: DEFAULT_PROFILE, log }))
      .rejects.toMatchObject({ code: 'USAGE', message: expect.stringMatching(/publicBaseUrl[\s\S]*inboxBaseUrl/) });
    await expect(startInbox({ config: ServiceConfig.parse({ inboxPort: 0, cdsHooksConfig: join(dir, 'missing.yaml') }), state, sqlite: state.db, profile: DEFAULT_PROFILE, log }))
      .rejects.toMatchObject({ code: 'INPUT_UNREADABLE' });
    await state.close();
  });
});
