/**
 * The messages one patient can receive (encounters, diagnoses, labs, reports, a merge), recorded
 * as drafts in MSH-7 terms; arrival order and control ids are decided later (arrival.ts).
 * Wording and unit spellings come from pools (phrasing.ts, lab-values.ts) of the feed's variant.
 */
import { BMP_ANALYTES, CIDP_CODINGS, CIDP_CODINGS_HELD_OUT, DX, LN, WARDS, type BmpAnalyte, type Dx } from './clinical-content.js';
import { msh, obr, obx, oru, pv1, type Person } from './hl7-builders.js';
import { drawCbcStyle, type CbcStyle, type LabCell } from './lab-values.js';
import { NCS_CIDP, phrase, type Report, type Variant } from './phrasing.js';
import { chance, int, pick, type Rng } from './rng.js';
import { DAY, HOUR, MIN, SEC, hl7Time, pad } from './time.js';
import type { MessageCategory, MessageKind } from './types.js';

export interface Draft {
  /** MSH-7, epoch ms */
  at: number;
  /** explicit arrival (a result held back by an interface engine) */
  arrival?: number;
  category: MessageCategory;
  pinned: boolean;
  kind: MessageKind;
  patientKey: string;
  /** re-send an identical copy (same MSH-10) this long after the first arrival */
  duplicateAfter?: number;
  /** send under the MSH-10 of this earlier draft (an interface engine that restarted its counter) */
  controlIdOf?: Draft;
  /** must be pure: every random choice is made before the closure is built */
  render: (controlId: string) => string;
}

/** One DG1: ICD code, text, coding system, DG1-6 type (default F), DG1-5 onset (epoch ms). */
export interface DxLine {
  code: string;
  text: string;
  system: string;
  type?: 'F' | 'W' | 'A';
  onset?: number;
}

/** One version of a report or lab result (spec §2): its MSH-7, OBX-11 and, if held back, its arrival. */
export interface Version {
  at: number;
  status: string;
  arrival?: number;
}

/** Constant parts of each BMP OBX ("|NM|<code>||" and "|<unit>|<range>|"): fewer pieces per message. */
const BMP_OBX_PARTS = BMP_ANALYTES.map(([code, unit, range]) => [`|NM|${code}||`, `|${unit}|${range}|`] as const);

type ReportKind = 'report-radiology' | 'report-pathology' | 'report-neurophysiology';
const REPORT_CODES: Record<ReportKind, readonly [service: string, code: string, section: string]> = {
  'report-radiology': ['IMG^Diagnostic imaging^L', LN.imaging, 'RAD'],
  'report-pathology': ['SURGPATH^Surgical pathology^L', LN.pathology, 'SP'],
  'report-neurophysiology': ['NCS^Nerve conduction study^L', LN.ncs, 'NRS'],
};

function cellObx(n: number, code: string, cell: LabCell, flag: string, status: string, observed: string): string {
  return obx(n, cell.type, code, '', cell.value, cell.unit, cell.range, flag, status, observed);
}

export class PatientPlanner {
  readonly drafts: Draft[] = [];
  private orders = 0;
  private visits = 0;
  /** PV1 of the latest encounter: diagnoses are sent as an A08 update of that visit */
  private currentPv1 = '';

  constructor(
    readonly index: number,
    readonly rng: Rng,
    readonly sex: 'M' | 'F',
    readonly variant: Variant = 'default',
  ) {}

  /** placer "ORD0000123-04" and filler "LAB0000123-04": unique in the feed */
  private order(): string {
    this.orders += 1;
    return `${pad(this.index + 1, 7)}-${pad(this.orders, 2)}`;
  }

  private visit(): string {
    this.visits += 1;
    return `V${pad(this.index + 1, 7)}${this.visits}`;
  }

  /**
   * Register a message. `render` runs at emission (lazily, to keep memory bounded), so it must be
   * pure: every random choice is drawn here, before the closure is built, and captured as data.
   */
  private add(at: number, kind: MessageKind, category: MessageCategory, pinned: boolean, person: Person, render: (controlId: string) => string): Draft {
    const d: Draft = { at: Math.floor(at / SEC) * SEC, kind, category, pinned, patientKey: person.key, render };
    this.drafts.push(d);
    return d;
  }

  /** A01, 1-2 BMPs a day, sometimes an A08 and a normal CBC, A03. Returns the discharge time. */
  encounter(person: Person, start: number, days: number, cbcChance: number): number {
    const rng = this.rng;
    const visit = this.visit();
    const ward = pick(rng, WARDS);
    const service = ward.slice(0, ward.indexOf('^'));
    const cls = days <= 1 && chance(rng, 0.5) ? 'E' : 'I';
    const pv = pv1(cls, ward, service, visit);
    this.currentPv1 = pv;
    this.adt(person, start, 'A01', pv, []);
    for (let d = 0; d < days; d++) {
      const perDay = chance(rng, 0.35) ? 2 : 1;
      for (let k = 0; k < perDay; k++) this.bmp(person, start + d * DAY + (1 + k * 8) * HOUR + int(rng, 0, (5 * HOUR) / SEC) * SEC);
    }
    if (chance(rng, cbcChance)) this.normalCbc(person, start + 2 * HOUR + int(rng, 0, 3600) * SEC);
    if (chance(rng, 0.35)) this.adt(person, start + int(rng, 3, Math.max(4, days * 20)) * HOUR, 'A08', pv, []);
    const discharge = start + days * DAY + 11 * HOUR + int(rng, 0, 4 * 3600) * SEC;
    this.adt(person, discharge, 'A03', pv, []);
    return discharge;
  }

  /** ADT^A01/A03/A08 with PV1; with diagnoses it is usable, without it is routine. */
  adt(person: Person, at: number, event: 'A01' | 'A03' | 'A08', pv: string, dxs: readonly DxLine[], pinned = false): Draft {
    const type = event === 'A03' ? 'ADT^A03^ADT_A03' : `ADT^${event}^ADT_A01`;
    const kind: MessageKind = dxs.length > 0 ? 'adt-diagnosis' : event === 'A01' ? 'adt-admit' : event === 'A03' ? 'adt-discharge' : 'adt-update';
    return this.add(at, kind, dxs.length > 0 ? 'usable' : 'unremarkable', pinned, person, (id) => {
      const t = hl7Time(at);
      let text = `${msh(at, type, id, person.facility)}\rEVN|${event}|${t}\r${person.pid}\r${pv}`;
      dxs.forEach((dx, i) => {
        text += `\rDG1|${i + 1}||${dx.code}^${dx.text}^${dx.system}||${dx.onset === undefined ? t : hl7Time(dx.onset)}|${dx.type ?? 'F'}`;
      });
      return text;
    });
  }

  /**
   * An A08 carrying diagnoses; ICD-10 system and dot vary as senders do (spec §1 "coding systems").
   * `exact` keeps "<code>^<text>^I10"; `onset` is DG1-5 (a diagnosis re-sent with its old onset).
   */
  diagnoses(person: Person, at: number, dxs: readonly Dx[], pinned = false, exact = false, onset?: number): Draft {
    const rng = this.rng;
    const lines = dxs.map((dx): DxLine => {
      const line: DxLine = { code: dx[0], text: dx[1], system: 'I10' };
      if (onset !== undefined) line.onset = onset;
      if (exact) return line;
      const r = rng();
      if (r < 0.8) return line;
      if (r < 0.9) return { ...line, system: 'ICD10CM' };
      return { ...line, code: dx[0].replace('.', '') };
    });
    return this.diagnosisLines(person, at, lines, pinned);
  }

  diagnosisLines(person: Person, at: number, lines: readonly DxLine[], pinned = false): Draft {
    const pv = this.currentPv1 || pv1('O', 'NEURO^101', 'NEURO', this.visit());
    return this.adt(person, at, 'A08', pv, lines, pinned);
  }

  bmp(person: Person, at: number): void {
    const rng = this.rng;
    const no = this.order();
    const collected = at - int(rng, 30, 90) * MIN;
    const count = Math.min(int(rng, 4, 8), BMP_ANALYTES.length);
    const values = new Float64Array(count);
    let high = 0;
    for (let k = 0; k < count; k++) {
      const [, , , lo, hi] = BMP_ANALYTES[k] as BmpAnalyte;
      values[k] = lo + rng() * (hi - lo);
      if (chance(rng, 0.04)) {
        values[k] = hi * 1.15;
        high |= 1 << k;
      }
    }
    this.add(at, 'lab-bmp', 'unremarkable', false, person, (id) => {
      const c = hl7Time(collected);
      let body = '';
      for (let k = 0; k < count; k++) {
        const dec = (BMP_ANALYTES[k] as BmpAnalyte)[5];
        const [pre, mid] = BMP_OBX_PARTS[k] as readonly [string, string];
        // = obx(k + 1, 'NM', code, '', value, unit, range, flag, 'F', c)
        body += `\rOBX|${k + 1}${pre}${(values[k] ?? 0).toFixed(dec)}${mid}${high & (1 << k) ? 'H' : 'N'}|||F|||${c}`;
      }
      return oru(person, id, at, no, obr(no, LN.bmpPanel, collected, at, 'F', 'SER'), body);
    });
  }

  /** CBC with normal values (usable: the profile reads Hb, Hct and platelets, but finds nothing). */
  normalCbc(person: Person, at: number): void {
    const rng = this.rng;
    const female = this.sex === 'F';
    this.cbc(person, at, {
      plt: int(rng, 170, 380),
      hb: female ? 12.1 + rng() * 2.6 : 13.6 + rng() * 2.4,
      hct: female ? 37 + rng() * 7 : 40 + rng() * 7,
      pinned: false,
    });
  }

  /**
   * ORU^R01 CBC with the order's unit style (drawn once, so every version repeats it). With
   * `correction` a second message re-sends the same order (same filler, OBX-3, OBX-4 and
   * collection time) with the platelet OBX at status C and OBR-25 C.
   */
  cbc(
    person: Person,
    at: number,
    o: {
      plt: number;
      hb: number;
      hct: number;
      pinned: boolean;
      /** OBX-11 of the platelet count and OBR-25 (default F) */
      status?: string;
      duplicateAfter?: number;
      correction?: { at: number; plt: number };
      /** when the original arrives (held back by the interface engine) */
      originalArrival?: number;
      /** send under the MSH-10 of this draft (control-id reuse) */
      controlIdOf?: Draft;
      /** 26515-7 instead of 777-3 */
      altPlateletCode?: boolean;
    },
  ): Draft {
    const rng = this.rng;
    const no = this.order();
    const collected = at - int(rng, 40, 120) * MIN;
    const localCode = chance(rng, 0.25);
    const wbc = 4.5 + rng() * 5;
    const female = this.sex === 'F';
    const style: CbcStyle = drawCbcStyle(rng, this.variant);
    const { hb, hct } = o;
    const pltCode = o.altPlateletCode ? LN.plt2 : localCode ? LN.pltLocal : LN.plt;
    const render = (id: string, time: number, plt: number, pltStatus: string): string => {
      const c = hl7Time(collected);
      const hbFlag = hb > (female ? 15.5 : 17.5) ? 'H' : 'N';
      const hctFlag = hct > (female ? 46 : 50) ? 'H' : 'N';
      return oru(
        person, id, time, no,
        obr(no, LN.cbcPanel, collected, time, pltStatus, 'BLD'),
        `\r${obx(1, 'NM', LN.wbc, '', wbc.toFixed(1), '10*3/uL', '4.0-11.0', 'N', 'F', c)}` +
          `\r${cellObx(2, LN.hb, style.hb(hb, female), hbFlag, 'F', c)}` +
          `\r${cellObx(3, LN.hct, style.hct(hct, female), hctFlag, 'F', c)}` +
          `\r${cellObx(4, pltCode, style.plt(plt, female), plt > 400 ? 'H' : 'N', pltStatus, c)}`,
      );
    };
    const status = o.status ?? 'F';
    const d = this.add(at, 'lab-cbc', 'usable', o.pinned, person, (id) => render(id, at, o.plt, status));
    if (o.duplicateAfter !== undefined) d.duplicateAfter = o.duplicateAfter;
    if (o.originalArrival !== undefined) d.arrival = o.originalArrival;
    if (o.controlIdOf !== undefined) d.controlIdOf = o.controlIdOf;
    const corr = o.correction;
    if (corr) this.add(corr.at, 'lab-cbc', 'usable', o.pinned, person, (id) => render(id, corr.at, corr.plt, 'C'));
    return d;
  }

  /**
   * VEGF 75628-8. Specimen in SPM-4 or OBR-15, or none (then OBX-7/OBX-8 decide). `versions`
   * re-send the same order (same OBX-3/OBX-4): D = deleted with an empty value, P = preliminary.
   */
  vegf(
    person: Person,
    at: number,
    o: {
      value: number;
      unit: 'pg/mL' | 'ng/L' | 'ng/mL';
      specimen: 'PLAS' | 'SER' | null;
      via: 'SPM' | 'OBR15';
      pinned: boolean;
      /** OBX-11 of the first version (default F) */
      status?: string;
      arrival?: number;
      deleteAt?: number;
      /** later versions of the same result, with their own value */
      versions?: readonly (Version & { value: number })[];
    },
  ): void {
    const rng = this.rng;
    const no = this.order();
    const collected = at - int(rng, 2, 6) * DAY;
    const { unit, specimen, via } = o;
    const range = specimen === 'SER' ? '0-1000' : '0-96';
    const scale = unit === 'ng/mL' ? 0.001 : 1;
    const render = (id: string, time: number, value: number | null, status: string): string => {
      const c = hl7Time(collected);
      const flag = value === null ? '' : value > (specimen === 'SER' ? 1000 : 96) ? 'H' : 'N';
      const spm =
        specimen && via === 'SPM'
          ? `\rSPM|1|||${specimen === 'PLAS' ? 'PLAS^Plasma^HL70487' : 'SER^Serum^HL70487'}|||||||||||||${c}`
          : '';
      const shown = value === null ? '' : scale === 1 ? String(value) : (value * scale).toFixed(3);
      const shownRange = scale === 1 ? range : specimen === 'SER' ? '0-1.000' : '0-0.096';
      return oru(
        person, id, time, no,
        obr(no, LN.vegf, collected, time, status === 'D' ? 'C' : status, specimen && via === 'OBR15' ? specimen : ''),
        `\r${obx(1, 'NM', LN.vegf, '', shown, unit, shownRange, flag, status, c)}${spm}`,
      );
    };
    const first = this.add(at, 'lab-vegf', 'usable', o.pinned, person, (id) => render(id, at, o.value, o.status ?? 'F'));
    if (o.arrival !== undefined) first.arrival = o.arrival;
    const del = o.deleteAt;
    // Deleted (OBX-11 D): same order, same OBX-3/OBX-4, empty value, later MSH-7.
    if (del !== undefined) this.add(del, 'lab-vegf', 'usable', true, person, (id) => render(id, del, null, 'D'));
    for (const v of o.versions ?? []) {
      const d = this.add(v.at, 'lab-vegf', 'usable', true, person, (id) => render(id, v.at, v.value, v.status));
      if (v.arrival !== undefined) d.arrival = v.arrival;
    }
  }

  spep(person: Person, at: number, mSpike: number, pinned: boolean): void {
    const no = this.order();
    const collected = at - int(this.rng, 1, 3) * DAY;
    this.add(at, 'lab-spep', 'usable', pinned, person, (id) =>
      oru(
        person, id, at, no,
        obr(no, LN.spepPanel, collected, at, 'F', 'SER'),
        `\r${obx(1, 'NM', LN.mSpike, '', mSpike.toFixed(1), 'g/dL', '0.0-0.0', mSpike > 0 ? 'A' : 'N', 'F', hl7Time(collected))}`,
      ),
    );
  }

  /** Serum free light chain κ/λ ratio (48378-4) against the lab's range. */
  flc(person: Person, at: number, ratio: number, pinned: boolean): void {
    const no = this.order();
    const collected = at - int(this.rng, 1, 3) * DAY;
    this.add(at, 'lab-flc', 'usable', pinned, person, (id) =>
      oru(
        person, id, at, no,
        obr(no, LN.flcPanel, collected, at, 'F', 'SER'),
        `\r${obx(1, 'NM', LN.flcRatio, '', ratio.toFixed(2), '', '0.26-1.65', ratio < 0.26 ? 'L' : ratio > 1.65 ? 'H' : 'N', 'F', hl7Time(collected))}`,
      ),
    );
  }

  /**
   * Serum or urine immunofixation. `positive` says whether the text names a band (OBX-8 A).
   * Forms: one ST/TX line; two TX lines of one observation ("Interpretation:" first); or a coded
   * POS/NEG result with the interpretation in an NTE.
   */
  ife(person: Person, at: number, specimen: 'serum' | 'urine', text: string, pinned: boolean, positive = !/^(no |negative|ife negative|polyclonal)/i.test(text)): Draft {
    const rng = this.rng;
    const no = this.order();
    const collected = at - int(rng, 1, 4) * DAY;
    const code = specimen === 'urine' ? LN.urineIfe : chance(rng, 0.1) ? LN.serumIfeLoinc : LN.serumIfe;
    const r = rng();
    const form = r < 0.6 ? 'line' : r < 0.8 ? 'two-lines' : 'coded';
    const type = chance(rng, 0.8) ? 'ST' : 'TX';
    const flag = positive ? 'A' : 'N';
    return this.add(at, 'lab-ife', 'usable', pinned, person, (id) => {
      const c = hl7Time(collected);
      const body =
        form === 'line'
          ? `\r${obx(1, type, code, '', text, '', '', flag, 'F', c)}`
          : form === 'two-lines'
            ? `\r${obx(1, 'TX', code, '1', 'Interpretation:', '', '', flag, 'F', c)}\r${obx(2, 'TX', code, '2', text, '', '', flag, 'F', c)}`
            : `\r${obx(1, 'CWE', code, '', positive ? 'POS^Positive^HL70078' : 'NEG^Negative^HL70078', '', '', flag, 'F', c)}\rNTE|1|L|${text}`;
      return oru(person, id, at, no, obr(no, code, collected, at, 'F', specimen === 'urine' ? 'UR' : 'SER'), body);
    });
  }

  /** A report: lines as TX OBX of one observation (OBX-4 = 1..n), or a string as one FT OBX. */
  report(person: Person, at: number, kind: ReportKind, lines: Report, pinned: boolean): void {
    this.reportVersions(person, kind, lines, [{ at, status: 'F' }], pinned);
  }

  /**
   * Versions of one report (same order and OBX-3): e.g. a preliminary naming a lesion and the
   * final naming nothing. Each version may carry its own text (`text` overrides `lines`).
   */
  reportVersions(person: Person, kind: ReportKind, lines: Report, versions: readonly (Version & { text?: Report })[], pinned: boolean): void {
    const no = this.order();
    const first = versions[0]?.at ?? 0;
    const performed = first - int(this.rng, 4, 30) * HOUR;
    const [service, code, section] = REPORT_CODES[kind];
    for (const v of versions) {
      const text = v.text ?? lines;
      const d = this.add(v.at, kind, 'usable', pinned, person, (id) => {
        const c = hl7Time(performed);
        const body =
          typeof text === 'string'
            ? `\r${obx(1, 'FT', code, '1', text, '', '', '', v.status, c)}`
            : text.map((line, i) => `\r${obx(i + 1, 'TX', code, String(i + 1), line, '', '', '', v.status, c)}`).join('');
        return oru(person, id, v.at, no, obr(no, service, performed, v.at, v.status, '', section), body);
      });
      if (v.arrival !== undefined) d.arrival = v.arrival;
    }
  }

  /** ADT^A40: `prior` is merged into `survivor`. */
  merge(survivor: Person, prior: Person, at: number): void {
    this.add(at, 'adt-merge', 'usable', true, survivor, (id) =>
      `${msh(at, 'ADT^A40^ADT_A39', id, survivor.facility)}\rEVN|A40|${hl7Time(at)}\r${survivor.pid}\rMRG|${prior.id}^^^SYNTH^MR`,
    );
  }

  /**
   * CIDP as the hospital records it: an ICD-10-CM DG1 (sometimes as the working diagnosis), the
   * same in another coding system, or the neurophysiology report.
   */
  cidp(person: Person, at: number, pinned: boolean): void {
    const r = this.rng();
    if (r < 0.45) this.diagnoses(person, at, [DX.cidp], pinned);
    else if (r < 0.55) this.diagnosisLines(person, at, [{ code: DX.cidp[0], text: DX.cidp[1], system: 'I10', type: 'W' }], pinned);
    else if (r < 0.7) {
      const [code, text, system] = pick(this.rng, this.variant === 'held-out' ? CIDP_CODINGS_HELD_OUT : CIDP_CODINGS);
      this.diagnosisLines(person, at, [{ code, text, system }], pinned);
    } else this.report(person, at, 'report-neurophysiology', phrase(this.rng, NCS_CIDP, this.variant), pinned);
  }

  /** A neuropathy that is not necessarily CIDP: G62.9, G63, G61.81 or a demyelinating NCS report. */
  polyneuropathy(person: Person, at: number, pinned: boolean): void {
    const r = this.rng();
    if (r < 0.4) this.diagnoses(person, at, [DX.polyneuropathy], pinned);
    else if (r < 0.5) this.diagnoses(person, at, [DX.diseaseNeuropathy], pinned);
    else if (r < 0.75) this.diagnoses(person, at, [DX.cidp], pinned);
    else this.report(person, at, 'report-neurophysiology', phrase(this.rng, NCS_CIDP, this.variant), pinned);
  }
}
