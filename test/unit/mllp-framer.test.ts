import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MllpFramer, type FrameEvent } from '../../src/consumers/mllp-framer.js';
import { MLLP_FS_CR as FS_CR, MLLP_VT as VT } from '../../testkit/mllp.js';

const frame = (text: string): string => `${VT}${text}${FS_CR}`;
const sha = (text: string): string => createHash('sha256').update(Buffer.from(text, 'latin1')).digest('hex');

/** Every event of a stream pushed in chunks of `size`, then ended. */
function run(stream: string, size: number, maxFrameBytes = 1024): FrameEvent[] {
  const framer = new MllpFramer(maxFrameBytes);
  const bytes = Buffer.from(stream, 'latin1');
  const events: FrameEvent[] = [];
  for (let i = 0; i < bytes.length; i += size) events.push(...framer.push(bytes.subarray(i, i + size)));
  return [...events, ...framer.end()];
}

/** The events without buffers: frames as text, rejects as reason:size:head. */
function summary(events: FrameEvent[]): string[] {
  return events.map((e) => {
    if (e.kind === 'frame') return `frame:${e.bytes.toString('latin1')}`;
    if (e.kind === 'ignored') return `ignored:${e.count}`;
    return `${e.reason}:${e.size}:${e.head.toString('latin1')}`;
  });
}

describe('when frames are cut and joined arbitrarily', () => {
  const stream = `xx${frame('A1')}${frame('B22')}\n${VT}abandoned${frame('C333')}\r\n${VT}cut`;
  it.each([1, 2, 3, 5, 7, stream.length])('reports the same frames, rejects and whitespace in chunks of %i bytes', (size) => {
    expect(summary(run(stream, size))).toEqual([
      'unframed:2:xx',
      'frame:A1',
      'frame:B22',
      'ignored:1',
      `abandoned:10:${VT}abandoned`,
      'frame:C333',
      'ignored:2',
      `incomplete:4:${VT}cut`,
    ]);
  });

  it('hashes every rejected span over its raw bytes', () => {
    const events = run(`junk${frame('ok')}${VT}partial`, 3);
    const rejects = events.filter((e) => e.kind === 'rejected');
    expect(rejects.map((e) => e.kind === 'rejected' && e.sha256)).toEqual([sha('junk'), sha(`${VT}partial`)]);
  });
});

describe('when a frame is larger than the maximum', () => {
  it('reports it once, VT to FS, with its head and hash, without buffering the rest, and goes on', () => {
    const framer = new MllpFramer(10);
    const events = [...framer.push(Buffer.from(`${VT}MSH|0123456789`)), ...framer.push(Buffer.alloc(100_000, 0x41)), ...framer.push(Buffer.from(`${FS_CR}${frame('ok')}`))];
    expect(events.map((e) => e.kind)).toEqual(['rejected', 'frame']);
    const big = events[0];
    expect(big?.kind === 'rejected' && big.reason).toBe('oversized');
    expect(big?.kind === 'rejected' && big.size).toBe(1 + 14 + 100_000 + 1);
    expect(big?.kind === 'rejected' && big.head.subarray(0, 15).toString('latin1')).toBe(`${VT}MSH|0123456789`);
    expect(big?.kind === 'rejected' && big.sha256).toBe(sha(`${VT}MSH|0123456789${'A'.repeat(100_000)}\x1c`));
  });

  it('keeps at most 4 KiB of it', () => {
    const [big] = new MllpFramer(5000).push(Buffer.concat([Buffer.from(VT), Buffer.alloc(6000, 0x41), Buffer.from(FS_CR)]));
    expect(big?.kind === 'rejected' && big.head.length).toBe(4096);
  });
});

describe('when the peer speaks HTTP', () => {
  it('recognises the request line and reports the request as one http reject', () => {
    const framer = new MllpFramer(1024);
    framer.push(Buffer.from('GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n'));
    expect(framer.looksLikeHttp()).toBe(true);
    expect(summary(framer.end())).toEqual(['http:33:GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n']);
  });

  it('does not take garbage or MLLP for HTTP', () => {
    const framer = new MllpFramer(1024);
    framer.push(Buffer.from(`GETTING${frame('GET / HTTP/1.1')}\n`));
    expect(framer.looksLikeHttp()).toBe(false);
  });
});

describe('the frame progress it exposes', () => {
  it('counts frames started and the bytes of the frame in progress', () => {
    const framer = new MllpFramer(1024);
    expect([framer.inFrame, framer.framesStarted, framer.partialBytes]).toEqual([false, 0, 0]);
    framer.push(Buffer.from(`${frame('A')}${VT}MSH`));
    expect([framer.inFrame, framer.framesStarted, framer.partialBytes]).toEqual([true, 2, 4]);
    framer.push(Buffer.from(FS_CR));
    expect([framer.inFrame, framer.framesStarted, framer.partialBytes]).toEqual([false, 2, 0]);
  });
});
