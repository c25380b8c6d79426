import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli as run } from '../support/cli-run.js';
import { REPORT_FILE } from '../../src/deidentify/deidentify-files.js';
import type { DeidentifyReport } from '../../src/deidentify/report.js';

const dir = mkdtempSync(join(tmpdir(), 'sentinel-deid-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const KEY = 'cli-test-key-0123456789-abcdefghijkl';
const ORU = [
  'MSH|^~\\&|LAB|SYNTHLAB|SENTINEL|SYNTHHOSP|20250301120000||ORU^R01^ORU_R01|CLI0001|P|2.5.1',
  'PID|1||P9001^^^SYNTH^MR||TESTPATIENT^ALPHA||19700101|F',
  'OBR|1|PL1|FL1|58410-2^CBC^LN|||20250301110000',
  'OBX|1|NM|777-3^Platelets^LN||530|10*3/uL|150-400|H|||F|||20250301110000',
].join('\r');

function setUp(name: string): { feed: string; key: string; out: string } {
  const feed = join(dir, `${name}.hl7`);
  // bytes that are not HL7 hold a name: reported, never copied
  writeFileSync(feed, `NOT HL7: TESTPATIENT ALPHA\r\n${ORU}\r\n`);
  const key = join(dir, `${name}.key`);
  writeFileSync(key, `${KEY}\n`);
  return { feed, key, out: join(dir, `${name}-out`) };
}

describe('when poems-sentinel deidentify is run', () => {
  it('writes one file per input and the report, prints a summary and exits 0', async () => {
    const { feed, key, out } = setUp('ok');
    const r = await run('deidentify', feed, '--out', out, '--key-file', key);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/messages read:\s+2/);
    expect(r.out).toMatch(/HL7_NO_MSH\s+1/);
    expect(r.out).toMatch(/throughput:\s+\d+ messages\/s/);
    expect(readdirSync(out).sort()).toEqual([REPORT_FILE, 'ok.hl7', 'ok.hl7.timing']);
    const written = readFileSync(join(out, 'ok.hl7'), 'utf8');
    expect(written).toMatch(/^MSH\|/);
    expect(written).not.toMatch(/TESTPATIENT|ALPHA|P9001|CLI0001|19700101|20250301/);
    const report = JSON.parse(readFileSync(join(out, REPORT_FILE), 'utf8')) as DeidentifyReport;
    expect(report.messages).toEqual({ read: 2, written: 1, rejected: { HL7_NO_MSH: 1 } });
    expect(report.replacements.bySegmentField['PID-3']).toEqual({ pseudonym: 1 });
  });

  it('never writes the key: not to output, report, stdout or stderr', async () => {
    const { feed, key, out } = setUp('secret');
    const r = await run('deidentify', feed, '--out', out, '--key-file', key);
    const everything = [r.out, r.err, ...readdirSync(out).map((f) => readFileSync(join(out, f), 'latin1'))].join('\n');
    expect(everything).not.toContain(KEY);
    expect(everything).not.toContain(Buffer.from(KEY).toString('hex'));
    expect(everything).not.toContain(Buffer.from(KEY).toString('base64'));
  });

  it('refuses to run without a key, with a short key or an unreadable key file (exit 2)', async () => {
    const { feed, out } = setUp('nokey');
    const none = await run('deidentify', feed, '--out', out);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/refuses to run without --key-file/);
    const short = join(dir, 'short.key');
    writeFileSync(short, 'too-short-key\n');
    const r = await run('deidentify', feed, '--out', out, '--key-file', short);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/at least 32/);
    expect((await run('deidentify', feed, '--out', out, '--key-file', join(dir, 'missing.key'))).code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  it('exits 2 for bad usage and unreadable input', async () => {
    const { key, out } = setUp('usage');
    expect((await run('deidentify', '--out', out, '--key-file', key)).code).toBe(2);
    expect((await run('deidentify', join(dir, 'usage.hl7'), '--key-file', key)).code).toBe(2);
    const missing = await run('deidentify', join(dir, 'nope.hl7'), '--out', out, '--key-file', key);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/INPUT_UNREADABLE/);
  });

  it('refuses to overwrite its input', async () => {
    const { feed, key } = setUp('inplace');
    const r = await run('deidentify', feed, '--out', dir, '--key-file', key);
    expect(r.code).toBe(2);
    expect(readFileSync(feed, 'utf8')).toContain('TESTPATIENT');
  });

  it('prints its help', async () => {
    const r = await run('deidentify', '--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/not HIPAA Safe\s+Harbor/);
  });
});
