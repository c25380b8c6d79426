import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MllpListener, type MllpHandler, type MllpListenerOptions } from '../../src/consumers/mllp.consumer.js';
import { parseMessage } from '../../src/hl7/parse.js';
import { MllpClient, MllpClientError, type MllpAck } from '../../src/transport/mllp-client.js';
import { MLLP_FS_CR as FS_CR, MLLP_VT as VT } from '../../testkit/mllp.js';

// Synthetic messages only (TESTPATIENT^…, facility SYNTHLAB); loopback only.

const log = pino({ level: 'silent' });
let seq = 0;
function oru(opts: { msh15?: string } = {}): { id: string; text: string } {
  seq += 1;
  const id = `CLI${process.pid}-${seq}`;
  const text = [
    `MSH|^~\\&|SYNTHLIS|SYNTHLAB|SENTINEL|SYNTHHOSP|20250301123000||ORU^R01|${id}|P|2.5.1|||${opts.msh15 ?? ''}`,
    `PID|1||PC${seq}^^^SYNTH^MR||TESTPATIENT^CLIENT`,
    'OBR|1|PL1|FL1^SYNTHLAB|777-3^Platelets^LN',
    'OBX|1|NM|777-3^Platelets^LN||512|10*3/uL|150-450|H|||F',
  ].join('\r');
  return { id, text };
}

const accept: MllpHandler = async (raw) => ({ code: 'AA', message: parseMessage(raw.text) });

async function withListener(handler: MllpHandler, run: (port: number) => Promise<void>, options: Partial<MllpListenerOptions> = {}): Promise<void> {
  const listener = new MllpListener({ port: 0, shutdownTimeoutMs: 200, ...options }, handler, log);
  const { port } = await listener.start();
  try {
    await run(port);
  } finally {
    await listener.stop();
  }
}

/** A raw TCP peer that does `onFrame` with each frame's text (the listener would never misbehave). */
async function withRawServer(onFrame: (socket: net.Socket, text: string) => void, run: (port: number) => Promise<void>): Promise<void> {
  const server = net.createServer((socket) => {
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      for (let end = buffer.indexOf(FS_CR); end >= 0; end = buffer.indexOf(FS_CR)) {
        onFrame(socket, buffer.slice(buffer.indexOf(VT) + 1, end));
        buffer = buffer.slice(end + 2);
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await run((server.address() as net.AddressInfo).port);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const ackFor = (id: string, code = 'AA'): string => `${VT}MSH|^~\\&|SENTINEL|SYNTHHOSP|SYNTHLIS|SYNTHLAB|20250301||ACK^R01^ACK|A-${id}|P|2.5.1\rMSA|${code}|${id}\r${FS_CR}`;

describe('when the MLLP client sends to the listener', () => {
  it('resolves with the ACK that names the message', async () => {
    await withListener(accept, async (port) => {
      const client = await MllpClient.connect({ host: '127.0.0.1', port });
      const msg = oru();
      const ack = await client.send(msg.text);
      expect(ack).toMatchObject({ code: 'AA', outcome: 'AA', controlId: msg.id });
      expect(ack?.text.startsWith('MSH|')).toBe(true);
      expect(client.inFlight).toBe(0);
      await client.close();
      expect(client.usable).toBe(false);
    });
  });

  it('pipelines up to its window and matches the ACKs in order', async () => {
    let concurrent = 0;
    let seen = 0;
    const handler: MllpHandler = async (raw) => {
      concurrent += 1;
      seen = Math.max(seen, concurrent);
      await new Promise((resolve) => setTimeout(resolve, 2));
      concurrent -= 1;
      return accept(raw);
    };
    await withListener(handler, async (port) => {
      const client = await MllpClient.connect({ host: '127.0.0.1', port, window: 4 });
      const msgs = Array.from({ length: 12 }, () => oru());
      const inFlight: number[] = [];
      const acks = await Promise.all(msgs.map((m) => {
        const p = client.send(Buffer.from(m.text, 'utf8'));
        inFlight.push(client.inFlight);
        return p;
      }));
      expect(acks.map((a) => a?.controlId)).toEqual(msgs.map((m) => m.id));
      expect(Math.max(...inFlight)).toBe(4);
      expect(seen).toBe(1); // the listener still handles one message at a time per connection
      await client.close();
    });
  });

  it('matches the ACK of a message whose MSH-10 is not ASCII, or whose header is long', async () => {
    await withListener(accept, async (port) => {
      const client = await MllpClient.connect({ host: '127.0.0.1', port });
      const accented = oru().text.replace(/\|CLI\d+-\d+\|/, '|CTRL-\u00e9\u00df-1|');
      expect(await client.send(accented)).toMatchObject({ outcome: 'AA', controlId: 'CTRL-\u00e9\u00df-1' });
      const msg = oru();
      const long = msg.text.replace('|SYNTHLIS|', `|${'S'.repeat(3000)}|`);
      expect(await client.send(long)).toMatchObject({ outcome: 'AA', controlId: msg.id });
      await client.close();
    });
  });

  it('reads AR with our error code from ERR-3', async () => {
    const reject: MllpHandler = async (raw) => ({ code: 'AR', message: parseMessage(raw.text), error: { code: 'HL7_NO_PATIENT_ID', text: 'no PID-3' } });
    await withListener(reject, async (port) => {
      const client = await MllpClient.connect({ host: '127.0.0.1', port });
      expect(await client.send(oru().text)).toMatchObject({ outcome: 'AR', errorCode: 'HL7_NO_PATIENT_ID', errorText: 'no PID-3' });
      await client.close();
    });
  });

  it('does not wait for a message that asked for no ACK, and reports the error ACK of one that asked for errors only', async () => {
    const answers: MllpAck[] = [];
    const handler: MllpHandler = async (raw) => (raw.text.includes('|ER') ? { code: 'AR', message: parseMessage(raw.text), error: { code: 'HL7_NO_PATIENT_ID', text: 'x' } } : accept(raw));
    await withListener(handler, async (port) => {
      const client = await MllpClient.connect({ host: '127.0.0.1', port, onUnsolicitedAck: (ack) => answers.push(ack) });
      const silent = oru({ msh15: 'NE' });
      const errorsOnly = oru({ msh15: 'ER' });
      const normal = oru();
      expect(await client.send(silent.text, { expectAck: false })).toBeNull();
      expect(await client.send(errorsOnly.text, { expectAck: false })).toBeNull();
      expect(await client.send(normal.text)).toMatchObject({ outcome: 'AA', controlId: normal.id });
      expect(answers).toMatchObject([{ code: 'CR', outcome: 'AR', controlId: errorsOnly.id }]);
      await client.close();
    });
  });

  it('fails the connection when no ACK comes in time: the message and those behind it reject, later sends too', async () => {
    const never: MllpHandler = () => new Promise(() => undefined);
    await withListener(never, async (port) => {
      const client = await MllpClient.connect({ host: '127.0.0.1', port, ackTimeoutMs: 100, window: 2 });
      const first = client.send(oru().text);
      const second = client.send(oru().text);
      await expect(first).rejects.toMatchObject({ kind: 'timeout' });
      await expect(second).rejects.toMatchObject({ kind: 'timeout' });
      await expect(client.send(oru().text)).rejects.toBeInstanceOf(MllpClientError);
      expect(client.usable).toBe(false);
    });
  });

  it('fails with "closed" when the peer closes before the ACK, and with "protocol" for an ACK of another message', async () => {
    await withRawServer((socket) => socket.destroy(), async (port) => {
      const client = await MllpClient.connect({ host: '127.0.0.1', port });
      await expect(client.send(oru().text)).rejects.toMatchObject({ kind: 'closed' });
    });
    await withRawServer((socket, text) => socket.write(ackFor(`${text.split('|')[9]}-OTHER`)), async (port) => {
      const client = await MllpClient.connect({ host: '127.0.0.1', port });
      await expect(client.send(oru().text)).rejects.toMatchObject({ kind: 'protocol' });
    });
  });

  it('fails with "connect" when nothing listens', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await expect(MllpClient.connect({ host: '127.0.0.1', port })).rejects.toMatchObject({ kind: 'connect' });
  });
});

function findExecutable(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}
const openssl = findExecutable('openssl');

describe.skipIf(openssl === undefined)('when the MLLP client speaks TLS [needs openssl]', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-mllp-client-tls-'));
  let key: Buffer;
  let cert: Buffer;
  beforeAll(() => {
    execFileSync(openssl as string, [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1',
      '-addext', 'subjectAltName=DNS:localhost', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    key = readFileSync(join(dir, 'key.pem'));
    cert = readFileSync(join(dir, 'cert.pem'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('sends over TLS to a listener that requires a client certificate, and fails to connect to one it does not trust', async () => {
    await withListener(accept, async (port) => {
      const client = await MllpClient.connect({ host: 'localhost', port, tls: { ca: cert, cert, key } });
      const msg = oru();
      expect(await client.send(msg.text)).toMatchObject({ outcome: 'AA', controlId: msg.id });
      await client.close();
      await expect(MllpClient.connect({ host: 'localhost', port, tls: {} })).rejects.toMatchObject({ kind: 'connect' });
    }, { host: '127.0.0.1', tls: { key, cert, ca: cert, requestCert: true } });
  });
});
