import type { ErrorCode } from '../../errors.js';

export interface DeadLetter {
  receivedAt: string;
  origin: string;
  code: ErrorCode;
  detail: string;
  bytes: Buffer;
}

/** Bytes that will never be accepted, with their code (nothing read is dropped silently). */
export interface DeadLetterStore {
  add(letter: DeadLetter): Promise<void>;
  count(): Promise<number>;
  list(limit: number): Promise<(DeadLetter & { id: number })[]>;
}
