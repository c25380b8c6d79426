import { component, field, repetitions, text, type Segment } from '../hl7/message.js';
import { hl7TimeToIso } from '../hl7/hl7-time.js';
import type { Finding } from '../domain/finding.js';
import type { ResultVersion } from '../domain/result.js';
import { codingSystem } from './codes.js';
import type { LabRole } from './compiled-profile.js';
import { makeFinding, makeVersion, statusEffect, type ExtractContext } from './context.js';
import { readIfeResult } from './ife-result.js';
import { readLab } from './labs.js';
import { findTextFindings } from './text/report-text.js';

/** One OBR with the OBX and SPM segments that follow it (OBX before any OBR: `obr` undefined). */
interface OrderGroup {
  obr: Segment | undefined;
  observations: { seg: Segment; label: string }[];
  specimens: Segment[];
}

function groupByOrder(segments: readonly Segment[]): OrderGroup[] {
  const groups: OrderGroup[] = [];
  let current: OrderGroup | undefined;
  let obxCount = 0;
  for (const seg of segments) {
    if (seg.id === 'OBR') {
      current = { obr: seg, observations: [], specimens: [] };
      groups.push(current);
    } else if (seg.id === 'OBX') {
      obxCount += 1;
      if (!current) {
        current = { obr: undefined, observations: [], specimens: [] };
        groups.push(current);
      }
      current.observations.push({ seg, label: `OBX[${obxCount}]` });
    } else if (seg.id === 'SPM' && current) {
      current.specimens.push(seg);
    }
  }
  return groups;
}

/**
 * The LOINC an OBX-3 means: the primary triplet (1-3) or the alternate (4-6), by coding system,
 * else through the profile's local codes. A code with no system is taken when it is a watched
 * LOINC (some senders drop the system), never otherwise.
 */
function resolveLabRole(obx3: string, ctx: ExtractContext): { role: LabRole; loinc: string; name: string } | null {
  const { d, profile } = ctx;
  for (const offset of [0, 3]) {
    const code = component(obx3, 1 + offset, d).trim().toUpperCase();
    if (code === '') continue;
    const system = component(obx3, 3 + offset, d);
    const kind = codingSystem(system);
    const name = text(component(obx3, 2 + offset, d), d);
    if (kind === 'loinc' || kind === 'empty') {
      const role = profile.labRoles.get(code);
      if (role) return { role, loinc: code, name };
    }
    const local = profile.localCodes.get(`${system.trim().toUpperCase()}|${code}`) ?? profile.localCodes.get(`|${code}`);
    const localRole = local ? profile.labRoles.get(local) : undefined;
    if (local && localRole) return { role: localRole, loinc: local, name };
  }
  return null;
}

function fillerKey(obr: Segment | undefined, ctx: ExtractContext): string {
  if (!obr) return `MSG:${ctx.msg.controlId}`;
  const { d } = ctx;
  for (const n of [3, 2]) {
    const id = text(component(field(obr, n), 1, d), d).trim();
    if (id !== '') return `${id}^${text(component(field(obr, n), 2, d), d).trim()}`;
  }
  return `MSG:${ctx.msg.controlId}`;
}

function observedAt(obx: Segment | undefined, obr: Segment | undefined, ctx: ExtractContext): string {
  const { d } = ctx;
  return (
    (obx ? hl7TimeToIso(component(field(obx, 14), 1, d)) : '') ||
    (obr ? hl7TimeToIso(component(field(obr, 7), 1, d)) : '') ||
    ctx.messageTime
  );
}

/** OBX-5 as human text: repetitions on separate lines, escapes decoded. */
function valueText(obx: Segment, ctx: ExtractContext): string {
  return repetitions(field(obx, 5), ctx.d).map((r) => text(r, ctx.d)).join('\n');
}

const TEXT_TRACKED_STATUSES = new Set(['C', 'A', 'D', 'W', 'X']);

/** Findings and result versions from every OBX of a message (labs, IFE, report text). */
export function extractObservations(ctx: ExtractContext): ResultVersion[] {
  const out: ResultVersion[] = [];
  for (const group of groupByOrder(ctx.msg.segments)) {
    const filler = fillerKey(group.obr, ctx);
    const reports = new Map<string, { lines: string[]; first: Segment; label: string; status: string }>();
    for (const { seg, label } of group.observations) {
      const status = component(field(seg, 11), 1, ctx.d);
      if (statusEffect(status) === 'skip') continue;
      const lab = resolveLabRole(field(seg, 3), ctx);
      if (lab) {
        const resultKey = `${filler}|${lab.loinc}|${text(field(seg, 4), ctx.d).trim()}`;
        const at = { observedAt: observedAt(seg, group.obr, ctx), segment: label, resultKey };
        const counts = statusEffect(status) === 'count';
        if (lab.role === 'serumIfe' || lab.role === 'urineIfe') {
          out.push(makeVersion(ctx, resultKey, status, counts ? readIfeResult(seg, at, ctx) : [], { observedAt: at.observedAt }));
          continue;
        }
        const reading = counts ? readLab({ role: lab.role, name: lab.name }, seg, group, at, ctx) : { findings: [], notes: [] };
        out.push(makeVersion(ctx, resultKey, status, reading.findings, { observedAt: at.observedAt, notes: reading.notes, ...(reading.measurement ? { measurement: reading.measurement } : {}) }));
        continue;
      }
      const valueType = component(field(seg, 2), 1, ctx.d).trim().toUpperCase();
      if (!ctx.profile.textValueTypes.has(valueType)) continue;
      // Multi-OBX reports (one line per OBX, same OBX-3) are joined in order (spec §1).
      const code = text(component(field(seg, 3), 1, ctx.d), ctx.d).trim() || 'TEXT';
      const report = reports.get(code) ?? { lines: [], first: seg, label, status };
      report.lines.push(valueText(seg, ctx));
      report.status = status;
      reports.set(code, report);
    }
    for (const [code, report] of reports) {
      const resultKey = `${filler}|report:${code}`;
      const at = { observedAt: observedAt(report.first, group.obr, ctx), segment: report.label, resultKey };
      const findings: Finding[] = statusEffect(report.status) === 'count'
        ? findTextFindings(report.lines.join('\n'), ctx.profile.profile).map((m) =>
            makeFinding(ctx, m.kind, at, { qualifiers: { ...m.qualifiers, matched: m.matched } }))
        : [];
      const version = makeVersion(ctx, resultKey, report.status, findings, { observedAt: at.observedAt });
      // A report naming nothing matters only over an earlier version (a P that named something),
      // except C/A/D/W/X, which must also block an older version arriving late.
      if (findings.length === 0 && !TEXT_TRACKED_STATUSES.has(report.status.trim().toUpperCase())) version.storeIfNew = false;
      out.push(version);
    }
  }
  return out;
}

export type { OrderGroup };
