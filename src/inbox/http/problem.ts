import type { FastifyReply } from 'fastify';
import { ERROR_CODES, type ErrorCode } from '../../errors.js';

export type InboxProblemCode = Extract<ErrorCode, `INBOX_${string}`>;

const STATUS: Record<InboxProblemCode, number> = {
  INBOX_UNAUTHENTICATED: 401,
  INBOX_LOGIN_FAILED: 401,
  INBOX_RATE_LIMITED: 429,
  INBOX_FORBIDDEN: 403,
  INBOX_CSRF: 403,
  INBOX_NOT_FOUND: 404,
  INBOX_BAD_REQUEST: 400,
  INBOX_ALERT_CHANGED: 409,
  INBOX_INTERNAL: 500,
};

const TITLE: Record<InboxProblemCode, string> = {
  INBOX_UNAUTHENTICATED: 'Sign in first',
  INBOX_LOGIN_FAILED: 'Wrong account name or password',
  INBOX_RATE_LIMITED: 'Too many attempts',
  INBOX_FORBIDDEN: 'Not allowed',
  INBOX_CSRF: 'The form expired',
  INBOX_NOT_FOUND: 'Not found',
  INBOX_BAD_REQUEST: 'The request is not valid',
  INBOX_ALERT_CHANGED: 'The alert changed',
  INBOX_INTERNAL: 'Something went wrong',
};

/** RFC 9457 problem details with our stable code; `detail` never holds a stack or patient data. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: InboxProblemCode;
  detail: string;
  instance?: string;
  /** the fields that failed validation */
  errors?: { path: string; message: string }[];
}

export function problem(code: InboxProblemCode, detail?: string, extra: Partial<Problem> = {}): Problem {
  return { type: `urn:poems-sentinel:problem:${code}`, title: TITLE[code], status: STATUS[code], code, detail: detail ?? ERROR_CODES[code].summary, ...extra };
}

export function sendProblem(reply: FastifyReply, p: Problem): FastifyReply {
  return reply.code(p.status).type('application/problem+json').send(p);
}

/** Thrown by route code; the server's error handler answers it as JSON or as a page. */
export class InboxProblem extends Error {
  readonly problem: Problem;
  constructor(code: InboxProblemCode, detail?: string, extra: Partial<Problem> = {}) {
    super(detail ?? code);
    this.problem = problem(code, detail, extra);
  }
}
