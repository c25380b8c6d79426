import { component, field, text, type Segment } from '../hl7/message.js';
import { makeFinding, type ExtractContext } from './context.js';
import { measure, round, type Group, type LabReading } from './lab-measure.js';
import type { At } from './lab-note.js';
import { isAbove } from './lab-value.js';

type Specimen = 'plasma' | 'serum' | 'unknown';

/** The specimen a text names: one of plasma or serum, else unknown ("Serum or Plasma", nothing). */
function specimenIn(t: string): Specimen {
  const s = t.toLowerCase();
  const plasma = /\bplas|\bpla\b|edta|citrate|\bpl\b/.test(s);
  const serum = /\bser\b|serum|\bsrm\b|\bsst\b/.test(s);
  return plasma === serum ? 'unknown' : plasma ? 'plasma' : 'serum';
}

/** Specimen of a VEGF result: SPM-4, else OBR-15, else the code's own text (spec §1). */
function specimenOf(obxName: string, group: Group, ctx: ExtractContext): Specimen {
  const { d } = ctx;
  const cwe = (raw: string) => `${text(component(raw, 1, d), d)} ${text(component(raw, 2, d), d)}`;
  const candidates = [
    ...group.specimens.map((s) => cwe(field(s, 4))),
    group.obr ? cwe(field(group.obr, 15)) : '',
    obxName,
  ];
  for (const c of candidates) {
    const specimen = specimenIn(c);
    if (specimen !== 'unknown') return specimen;
  }
  return 'unknown';
}

/**
 * VEGF (spec §1): plasma above the plasma cut-off, serum above the serum cut-off; an unknown
 * specimen counts only above the plasma cut-off and, in addition, above OBX-7's upper limit or
 * flagged H/HH, and then as `possible` (a serum value in the plasma range is common).
 */
export function readVegf(name: string, obx: Segment, group: Group, at: At, ctx: ExtractContext): LabReading {
  const m = measure('vegf', obx, at, ctx);
  if (!m.ok) return { findings: [], notes: m.notes };
  const { plasmaAbove, serumAbove } = ctx.profile.profile.labs.vegf;
  const specimen = specimenOf(name, group, ctx);
  const high =
    specimen === 'plasma' ? isAbove(m.value, plasmaAbove)
    : specimen === 'serum' ? isAbove(m.value, serumAbove)
    : isAbove(m.value, plasmaAbove) && ((m.upper !== null && isAbove(m.value, m.upper)) || m.flag === 'H' || m.flag === 'HH');
  const value = round(m.value.value);
  const certainty = specimen === 'unknown' ? 'possible' : 'definite';
  return {
    findings: high ? [makeFinding(ctx, 'vegfHigh', at, { value, unit: m.unit, qualifiers: { specimen }, certainty })] : [],
    notes: [],
    measurement: { kind: 'vegfHigh', observedAt: at.observedAt, abnormal: high, value, unit: m.unit },
  };
}
