import type { StatusClass } from '../../domain/finding.js';

/** What ranks one version of a result against another (spec §2). */
export interface VersionRank {
  statusClass: StatusClass;
  /** MSH-7 as ISO ('' when the message had none) */
  messageTime: string;
  /** arrival order in the store */
  seq: number;
}

/**
 * Which of two versions of one result is the latest (spec §2): a final-class version outranks a
 * preliminary one whatever their times (a late preliminary never revives a withdrawn finding);
 * within a class the later MSH-7 wins, so a correction that arrives before its original still
 * wins; equal or missing times fall back to arrival order. An empty time sorts first.
 * The Redis script (apply.lua) repeats this comparison; the golden table keeps the two equal.
 */
export function isNewer(candidate: VersionRank, current: VersionRank): boolean {
  if (candidate.statusClass !== current.statusClass) return candidate.statusClass === 'final';
  if (candidate.messageTime !== current.messageTime && candidate.messageTime !== '' && current.messageTime !== '') {
    return Date.parse(candidate.messageTime) > Date.parse(current.messageTime);
  }
  if (candidate.messageTime === '' && current.messageTime !== '') return false;
  if (current.messageTime === '' && candidate.messageTime !== '') return true;
  return candidate.seq >= current.seq;
}
