/**
 * Which of two versions of one result is the latest (spec §2: "the latest message wins").
 * Latest is by message time (MSH-7), so a correction that arrives before the original still
 * wins; equal or missing times fall back to arrival order. An empty time sorts first.
 */
export function isNewer(candidate: { messageTime: string; seq: number }, current: { messageTime: string; seq: number }): boolean {
  if (candidate.messageTime !== current.messageTime && candidate.messageTime !== '' && current.messageTime !== '') {
    return Date.parse(candidate.messageTime) > Date.parse(current.messageTime);
  }
  if (candidate.messageTime === '' && current.messageTime !== '') return false;
  if (current.messageTime === '' && candidate.messageTime !== '') return true;
  return candidate.seq >= current.seq;
}
