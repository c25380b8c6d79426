import { describe, expect, it } from 'vitest';
import { hashPassword, passwordProblem, verifyPassword } from '../../src/inbox/auth/password.js';
import { can } from '../../src/inbox/auth/role.js';

describe('passwords', () => {
  it('are stored as scrypt with their parameters and verify only the right password', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(stored).toMatch(/^scrypt\$32768\$8\$3\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false);
    expect(await hashPassword('correct horse battery')).not.toBe(stored);
  });
  it('never verify against a malformed or absurd stored hash', async () => {
    expect(await verifyPassword('x', 'plain')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$1073741824$8$1$AA==$AA==')).toBe(false);
  });
  it('need twelve characters', () => {
    expect(passwordProblem('short')).toMatch(/12/);
    expect(passwordProblem('long enough passphrase')).toBeNull();
  });
});

describe('roles', () => {
  it('give a clinician routed alerts and actions, an auditor only the audit trail', () => {
    expect(can('clinician', 'alerts:act')).toBe(true);
    expect(can('clinician', 'alerts:read-all')).toBe(false);
    expect(can('reviewer', 'alerts:read-all')).toBe(true);
    expect(can('admin', 'alerts:act')).toBe(false);
    expect(can('admin', 'users:manage')).toBe(true);
    expect(can('auditor', 'audit:read')).toBe(true);
    expect(can('auditor', 'alerts:read-routed')).toBe(false);
  });
});
