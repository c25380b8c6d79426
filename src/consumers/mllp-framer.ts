/** MLLP framing (VT … FS CR) and frame decoding, pure: no sockets. */
import { createHash, type Hash } from 'node:crypto';
import { decodeHl7Bytes, normaliseSegments, type TextEncoding } from '../hl7/text-encoding.js';

/** MLLP release 2 block characters: a frame is VT, the message, FS CR (defined here once) */
export const VT = 0x0b;
export const FS = 0x1c;
export const CR = 0x0d;
/** a rejected span keeps this much of its start by default: enough to read MSH-10 for the AR, and to see what it was */
export const REJECT_HEAD_BYTES = 4096;
/** an HTTP request line, as a browser, a scanner or a misdirected health check sends it */
const HTTP_REQUEST = /^(GET|HEAD|POST|PUT|DELETE|OPTIONS|PATCH|CONNECT|TRACE|PRI) /;

/**
 * Why bytes were not delivered as a frame. Each span is the raw bytes as received, framing bytes
 * included: `oversized` is VT + content + FS; `abandoned` (a new VT before the FS) and
 * `incomplete` (no FS before the connection ended) are VT + the partial content; `unframed` is
 * what came between frames; `http` is an HTTP request sent to the MLLP port.
 */
export type RejectReason = 'oversized' | 'abandoned' | 'incomplete' | 'unframed' | 'http';

export interface RejectedSpan {
  /** the first bytes (REJECT_HEAD_BYTES, or the framer's `headBytes`) */
  head: Buffer;
  size: number;
  /** hex SHA-256 of the whole span */
  sha256: string;
}

export type FrameEvent =
  | { kind: 'frame'; bytes: Buffer }
  | ({ kind: 'rejected'; reason: RejectReason } & RejectedSpan)
  /** whitespace between frames (a LF after FS CR is common): not a reject, only counted */
  | { kind: 'ignored'; count: number };

/** A span of raw bytes: its size, its head and its hash, without buffering the rest. */
class SpanBuilder {
  private readonly hash: Hash = createHash('sha256');
  constructor(private readonly headBytes = REJECT_HEAD_BYTES) {}

  private readonly headParts: Buffer[] = [];
  private headSize = 0;
  size = 0;
  /** only CR, LF, space and tab so far */
  whitespace = true;

  add(piece: Buffer): void {
    if (piece.length === 0) return;
    this.hash.update(piece);
    this.size += piece.length;
    if (this.headSize < this.headBytes) {
      // copied: the socket may reuse its chunk buffers
      const kept = Buffer.from(piece.subarray(0, this.headBytes - this.headSize));
      this.headParts.push(kept);
      this.headSize += kept.length;
    }
    if (this.whitespace) this.whitespace = piece.every((b) => b === CR || b === 0x0a || b === 0x20 || b === 0x09);
  }

  /** the first `n` bytes (or fewer), without joining the whole head */
  start(n: number): Buffer {
    const first = this.headParts[0];
    if (first === undefined) return Buffer.alloc(0);
    return first.length >= n || this.headParts.length === 1 ? first.subarray(0, n) : this.head().subarray(0, n);
  }

  head(): Buffer {
    return this.headParts.length === 1 ? (this.headParts[0] as Buffer) : Buffer.concat(this.headParts, this.headSize);
  }

  done(): RejectedSpan {
    return { head: this.head(), size: this.size, sha256: this.hash.digest('hex') };
  }
}

/** The span of bytes already held in memory. */
export function spanOf(parts: readonly Buffer[], headBytes = REJECT_HEAD_BYTES): RejectedSpan {
  const span = new SpanBuilder(headBytes);
  for (const p of parts) span.add(p);
  return span.done();
}

const VT_BYTE = Buffer.from([VT]);
const FS_BYTE = Buffer.from([FS]);

/**
 * MLLP framing (HL7 v2 MLLP release 2): VT <content> FS CR. Any number of frames per chunk and
 * any number of chunks per frame. FS alone ends a frame (the CR after it is consumed when
 * present), so a sender that forgets the CR still gets its ACK. Nothing received is dropped
 * silently: bytes that do not end up in a frame are reported as a rejected span (with head and
 * hash) or, when they are only whitespace between frames, as ignored. A frame beyond
 * `maxFrameBytes` is not buffered: it is hashed as it passes and reported once, with its head.
 * A rejected span keeps its first `headBytes` (at least REJECT_HEAD_BYTES, for the AR's MSH-10).
 */
export class MllpFramer {
  private state: 'outside' | 'inside' | 'skipping' = 'outside';
  private parts: Buffer[] = [];
  private size = 0;
  private skipped: SpanBuilder | undefined;
  private gap: SpanBuilder | undefined;
  private swallowCr = false;
  private started = 0;

  private readonly headBytes: number;

  constructor(private readonly maxFrameBytes: number, headBytes = REJECT_HEAD_BYTES) {
    this.headBytes = Math.max(REJECT_HEAD_BYTES, headBytes);
  }

  /** a frame has started (VT) and not ended */
  get inFrame(): boolean {
    return this.state !== 'outside';
  }

  /** frames started so far (a change tells the caller a new frame began) */
  get framesStarted(): number {
    return this.started;
  }

  /** bytes of the frame in progress, its VT included */
  get partialBytes(): number {
    return this.state === 'outside' ? 0 : this.size + 1;
  }

  /** the bytes since the last frame begin like an HTTP request line: the peer is not an MLLP sender */
  looksLikeHttp(): boolean {
    if (this.gap === undefined || this.gap.whitespace) return false;
    return HTTP_REQUEST.test(this.gap.start(64).toString('latin1').trimStart());
  }

  push(chunk: Buffer): FrameEvent[] {
    const out: FrameEvent[] = [];
    let i = 0;
    if (this.swallowCr && chunk.length > 0) {
      this.swallowCr = false;
      if (chunk[0] === CR) i = 1;
    }
    while (i < chunk.length) {
      if (this.state === 'outside') {
        const vt = chunk.indexOf(VT, i);
        const end = vt < 0 ? chunk.length : vt;
        if (end > i) (this.gap ??= new SpanBuilder(this.headBytes)).add(chunk.subarray(i, end));
        if (vt < 0) break;
        this.flushGap(out);
        this.startFrame();
        i = vt + 1;
        continue;
      }
      const fs = chunk.indexOf(FS, i);
      const vt = chunk.indexOf(VT, i);
      const stop = fs < 0 ? (vt < 0 ? chunk.length : vt) : vt < 0 ? fs : Math.min(fs, vt);
      this.append(chunk.subarray(i, stop));
      if (stop === chunk.length) break;
      if (chunk[stop] === VT) {
        // a new frame starts before this one ended: the sender abandoned it
        out.push(this.partialFrame('abandoned'));
        this.startFrame();
        i = stop + 1;
        continue;
      }
      out.push(this.endFrame());
      i = stop + 1;
      if (i < chunk.length) {
        if (chunk[i] === CR) i += 1;
      } else {
        this.swallowCr = true;
      }
    }
    return out;
  }

  /** At connection end: what was never framed (a partial frame included) is reported. */
  end(): FrameEvent[] {
    const out: FrameEvent[] = [];
    if (this.state !== 'outside') out.push(this.partialFrame('incomplete'));
    this.flushGap(out);
    this.swallowCr = false;
    return out;
  }

  private startFrame(): void {
    this.state = 'inside';
    this.parts = [];
    this.size = 0;
    this.started += 1;
  }

  private append(piece: Buffer): void {
    if (piece.length === 0) return;
    this.size += piece.length;
    if (this.skipped) {
      this.skipped.add(piece);
      return;
    }
    if (this.size <= this.maxFrameBytes) {
      // copied: the socket may reuse its chunk buffers
      this.parts.push(Buffer.from(piece));
      return;
    }
    this.skipped = new SpanBuilder(this.headBytes);
    this.skipped.add(VT_BYTE);
    for (const p of this.parts) this.skipped.add(p);
    this.skipped.add(piece);
    this.parts = [];
    this.state = 'skipping';
  }

  private partialFrame(reason: 'abandoned' | 'incomplete'): FrameEvent {
    const span = this.skipped?.done() ?? spanOf([VT_BYTE, ...this.parts], this.headBytes);
    this.reset();
    return { kind: 'rejected', reason, ...span };
  }

  private endFrame(): FrameEvent {
    let event: FrameEvent;
    if (this.skipped) {
      this.skipped.add(FS_BYTE);
      event = { kind: 'rejected', reason: 'oversized', ...this.skipped.done() };
    } else {
      event = { kind: 'frame', bytes: this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts, this.size) };
    }
    this.reset();
    return event;
  }

  private reset(): void {
    this.state = 'outside';
    this.parts = [];
    this.size = 0;
    this.skipped = undefined;
  }

  private flushGap(out: FrameEvent[]): void {
    const gap = this.gap;
    if (gap === undefined) return;
    const http = this.looksLikeHttp();
    this.gap = undefined;
    if (gap.whitespace) out.push({ kind: 'ignored', count: gap.size });
    else out.push({ kind: 'rejected', reason: http ? 'http' : 'unframed', ...gap.done() });
  }
}

/** Frame bytes to message text, as the file splitter reads them (the encoding answers the ACK in kind). */
export function decodeFrame(bytes: Buffer): { text: string; encoding: TextEncoding } {
  const { text, encoding } = decodeHl7Bytes(bytes);
  return { text: normaliseSegments(text), encoding };
}

/** One MLLP frame: VT body FS CR. */
export function encodeFrame(body: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(body.length + 3);
  frame[0] = VT;
  body.copy(frame, 1);
  frame[body.length + 1] = FS;
  frame[body.length + 2] = CR;
  return frame;
}
