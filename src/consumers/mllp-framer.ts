/** MLLP framing (VT … FS CR) and frame decoding, pure: no sockets. */
import { decodeHl7Bytes, normaliseSegments, type TextEncoding } from '../hl7/text-encoding.js';

const VT = 0x0b;
const FS = 0x1c;
const CR = 0x0d;
/** an oversized frame keeps this much of its start: enough to read MSH-10 for the AR */
const OVERSIZED_HEAD_BYTES = 4096;

export type FrameEvent =
  | { kind: 'frame'; bytes: Buffer }
  | { kind: 'oversized'; head: Buffer; size: number }
  | { kind: 'discarded'; count: number; whitespaceOnly: boolean };

/**
 * MLLP framing (HL7 v2 MLLP release 2): VT <content> FS CR. Any number of frames per chunk and
 * any number of chunks per frame. Bytes outside a frame are reported as `discarded` (a bare
 * LF after the FS CR is common); a VT inside a frame means the sender gave up on the frame
 * before it: that partial frame is discarded too. FS alone ends a frame (the CR after it is
 * consumed when present), so a sender that forgets the CR still gets its ACK.
 * A frame beyond `maxFrameBytes` is not buffered: its first 4 KiB are kept, the rest skipped.
 */
export class MllpFramer {
  private state: 'outside' | 'inside' | 'skipping' = 'outside';
  private parts: Buffer[] = [];
  private size = 0;
  private head: Buffer = Buffer.alloc(0);
  private swallowCr = false;
  private gap = 0;
  private gapWhitespace = true;

  constructor(private readonly maxFrameBytes: number) {}

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
        this.countGap(chunk, i, vt < 0 ? chunk.length : vt);
        if (vt < 0) break;
        this.flushGap(out);
        this.state = 'inside';
        this.parts = [];
        this.size = 0;
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
        out.push({ kind: 'discarded', count: this.size + 1, whitespaceOnly: false });
        this.state = 'inside';
        this.parts = [];
        this.size = 0;
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

  /** At connection close: what was never framed (a partial frame included) is discarded. */
  end(): FrameEvent[] {
    const out: FrameEvent[] = [];
    if (this.state !== 'outside') {
      this.gap += this.size + 1;
      this.gapWhitespace = false;
    }
    this.flushGap(out);
    this.state = 'outside';
    this.parts = [];
    return out;
  }

  private append(piece: Buffer): void {
    if (piece.length === 0) return;
    this.size += piece.length;
    if (this.state === 'skipping') return;
    if (this.size <= this.maxFrameBytes) {
      // copied: the socket may reuse its chunk buffers
      this.parts.push(Buffer.from(piece));
      return;
    }
    const headParts = [...this.parts, piece];
    this.head = Buffer.from(Buffer.concat(headParts).subarray(0, OVERSIZED_HEAD_BYTES));
    this.parts = [];
    this.state = 'skipping';
  }

  private endFrame(): FrameEvent {
    const event: FrameEvent =
      this.state === 'skipping'
        ? { kind: 'oversized', head: this.head, size: this.size }
        : { kind: 'frame', bytes: this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts, this.size) };
    this.state = 'outside';
    this.parts = [];
    this.head = Buffer.alloc(0);
    this.size = 0;
    return event;
  }

  private countGap(chunk: Buffer, from: number, to: number): void {
    if (to <= from) return;
    this.gap += to - from;
    if (!this.gapWhitespace) return;
    for (let k = from; k < to; k++) {
      const b = chunk[k];
      if (b !== CR && b !== 0x0a && b !== 0x20 && b !== 0x09) {
        this.gapWhitespace = false;
        return;
      }
    }
  }

  private flushGap(out: FrameEvent[]): void {
    if (this.gap > 0) out.push({ kind: 'discarded', count: this.gap, whitespaceOnly: this.gapWhitespace });
    this.gap = 0;
    this.gapWhitespace = true;
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
