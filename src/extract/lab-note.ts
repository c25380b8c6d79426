import type { FindingKind } from '../domain/finding.js';
import type { UnreadNote, UnreadReason } from '../domain/unread.js';
import type { ExtractContext } from './context.js';

export type At = { observedAt: string; segment: string; resultKey: string };

/** A value or phrase seen but not used (spec §5), with its source; text cut to 160 characters. */
export function unreadNote(ctx: ExtractContext, reason: UnreadReason, at: At, seen: { kind?: FindingKind; text: string; detail?: string }): UnreadNote {
  const note: UnreadNote = {
    reason,
    text: seen.text.trim().slice(0, 160),
    observedAt: at.observedAt,
    source: { messageControlId: ctx.msg.controlId, sendingFacility: ctx.msg.sendingFacility, segment: at.segment, resultKey: at.resultKey },
  };
  if (seen.kind !== undefined) note.kind = seen.kind;
  if (seen.detail !== undefined) note.detail = seen.detail;
  return note;
}
