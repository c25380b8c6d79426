import type { Delimiters } from '../hl7/delimiters.js';
import type { Hl7Message } from '../hl7/message.js';
import type { Certainty, Finding, FindingKind, Qualifiers, StatusClass } from '../domain/finding.js';
import type { PatientKey } from '../domain/patient-key.js';
import type { Measurement, ResultVersion } from '../domain/result.js';
import type { UnreadNote } from '../domain/unread.js';
import type { CompiledProfile } from './compiled-profile.js';
import type { Sex } from './patient.js';

/** What every extractor of one message needs to know. */
export interface ExtractContext {
  readonly msg: Hl7Message;
  readonly d: Delimiters;
  readonly profile: CompiledProfile;
  readonly patientKey: PatientKey;
  readonly sex: Sex;
  /** MSH-7, else the time the message was received: the version time of its results */
  readonly messageTime: string;
}

/** OBX-11 result status → what the version does to its result (spec §2). */
export type StatusEffect = 'count' | 'remove' | 'finalize' | 'skip';

export function statusEffect(status: string): StatusEffect {
  switch (status.trim().toUpperCase()) {
    // final (F C A) and preliminary (P, R unverified, S partial, I pending) versions carry values
    case 'F': case 'P': case 'C': case 'A': case 'R': case 'S': case 'I': case '':
      return 'count';
    case 'D': case 'W': case 'X':
      return 'remove';
    case 'U':
      // final, values unchanged: makes the stored version final (spec §2)
      return 'finalize';
    default:
      // N (not asked), O (order detail only): no result
      return 'skip';
  }
}

export function makeFinding(
  ctx: ExtractContext,
  kind: FindingKind,
  at: { observedAt: string; segment: string; resultKey: string },
  extra: { value?: number; unit?: string; qualifiers?: Qualifiers; certainty?: Certainty } = {},
): Finding {
  const f: Finding = {
    kind,
    observedAt: at.observedAt,
    qualifiers: extra.qualifiers ?? {},
    certainty: extra.certainty ?? 'definite',
    source: { messageControlId: ctx.msg.controlId, sendingFacility: ctx.msg.sendingFacility, segment: at.segment, resultKey: at.resultKey },
  };
  if (extra.value !== undefined) f.value = extra.value;
  if (extra.unit !== undefined) f.unit = extra.unit;
  return f;
}

/** Spec §2 status classes: P R S I (and OBR-25 A) are preliminary, everything else final. */
export function statusClass(status: string): StatusClass {
  switch (status.trim().toUpperCase()) {
    case 'P': case 'R': case 'S': case 'I':
      return 'preliminary';
    default:
      return 'final';
  }
}

export function makeVersion(
  ctx: ExtractContext,
  resultKey: string,
  status: string,
  findings: Finding[],
  extra: { observedAt: string; notes?: UnreadNote[]; measurement?: Measurement },
): ResultVersion {
  const effect = statusEffect(status);
  const removes = effect === 'remove' || effect === 'finalize';
  const cls = statusClass(status);
  // spec §2: findings of a preliminary version are `possible`; U restores the certainty as read
  const asRead = cls === 'preliminary' && !removes ? findings.map((f) => f.certainty) : undefined;
  if (cls === 'preliminary') findings = findings.map((f) => ({ ...f, certainty: 'possible', status: 'preliminary' }));
  const version: ResultVersion = {
    patientKey: ctx.patientKey,
    resultKey,
    status: status.trim().toUpperCase() || 'F',
    statusClass: cls,
    effect: effect === 'finalize' ? 'finalize' : removes ? 'remove' : 'replace',
    messageTime: ctx.messageTime,
    observedAt: extra.observedAt,
    findings: removes ? [] : findings,
    notes: removes ? [] : (extra.notes ?? []),
  };
  if (asRead !== undefined && asRead.length > 0) version.certaintyAsRead = asRead;
  if (extra.measurement !== undefined && !removes) version.measurement = extra.measurement;
  return version;
}
