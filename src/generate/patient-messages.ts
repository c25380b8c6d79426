/**
 * The messages one patient can receive (encounters, diagnoses, labs, reports, a merge), recorded
 * as drafts in MSH-7 terms; arrival order and control ids are decided later (arrival.ts).
 */
import { BMP_ANALYTES, DX, LN, TEXT, WARDS, type BmpAnalyte, type Dx } from './clinical-content.js';
import { msh, obr, obx, oru, pv1, type Person } from './hl7-builders.js';
import { chance, int, pick, type Rng } from './rng.js';
import { DAY, HOUR, MIN, SEC, hl7Time, pad } from './time.js';
import type { MessageCategory, MessageKind } from './types.js';

export interface Draft {
  /** MSH-7, epoch ms */
  at: number;
  /** explicit arrival (the late original of the out-of-order archetype) */
  arrival?: number;
  category: MessageCategory;
  pinned: boolean;
  kind: MessageKind;
  patientKey: string;
  /** re-send an identical copy (same MSH-10) this long after the first arrival */
  duplicateAfter?: number;
  /** must be pure: every random choice is made before the closure is built */
  render: (controlId: string) => string;
}

/** Constant parts of each BMP OBX ("|NM|<code>||" and "|<unit>|<range>|"): fewer pieces per message. */
const BMP_OBX_PARTS = BMP_ANALYTES.map(([code, unit, range]) => [`|NM|${code}||`, `|${unit}|${range}|`] as const);

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
  private add(
    at: number,
    kind: MessageKind,
    category: MessageCategory,
    pinned: boolean,
    person: Person,
    render: (controlId: string) => string,
  ): Draft {
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
  adt(person: Person, at: number, event: 'A01' | 'A03' | 'A08', pv: string, dxs: readonly (readonly [Dx, string])[], pinned = false): void {
    const type = event === 'A03' ? 'ADT^A03^ADT_A03' : `ADT^${event}^ADT_A01`;
    const kind: MessageKind = dxs.length > 0 ? 'adt-diagnosis' : event === 'A01' ? 'adt-admit' : event === 'A03' ? 'adt-discharge' : 'adt-update';
    this.add(at, kind, dxs.length > 0 ? 'usable' : 'unremarkable', pinned, person, (id) => {
      const t = hl7Time(at);
      let text = `${msh(at, type, id)}\rEVN|${event}|${t}\r${person.pid}\r${pv}`;
      for (let i = 0; i < dxs.length; i++) {
        const [dx, system] = dxs[i] as readonly [Dx, string];
        text += `\rDG1|${i + 1}||${dx[0]}^${dx[1]}^${system}||${t}|F`;
      }
      return text;
    });
  }

  /** An A08 carrying diagnoses; ICD-10 system and dot vary as senders do (spec §1 "coding systems"). */
  diagnoses(person: Person, at: number, dxs: readonly Dx[], pinned = false, exact = false): void {
    const rng = this.rng;
    const coded = dxs.map((dx): readonly [Dx, string] => {
      if (exact) return [dx, 'I10'];
      const r = rng();
      if (r < 0.8) return [dx, 'I10'];
      if (r < 0.9) return [dx, 'ICD10CM'];
      return [[dx[0].replace('.', ''), dx[1]], 'I10'];
    });
    const pv = this.currentPv1 || pv1('O', 'NEURO^101', 'NEURO', this.visit());
    this.adt(person, at, 'A08', pv, coded, pinned);
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
      hbInGramsPerLitre: chance(rng, 0.2),
      pinned: false,
    });
  }

  /**
   * ORU^R01 CBC. With `correction` a second message re-sends the same order (same filler,
   * OBX-3, OBX-4 and collection time) with the platelet OBX at status C and OBR-25 C.
   */
  cbc(
    person: Person,
    at: number,
    o: {
      plt: number;
      hb: number;
      hct: number;
      hbInGramsPerLitre?: boolean;
      pinned: boolean;
      duplicateAfter?: number;
      correction?: { at: number; plt: number };
      /** when the original arrives (out-of-order archetype) */
      originalArrival?: number;
    },
  ): void {
    const rng = this.rng;
    const no = this.order();
    const collected = at - int(rng, 40, 120) * MIN;
    const localCode = chance(rng, 0.25);
    const wbc = 4.5 + rng() * 5;
    const female = this.sex === 'F';
    const gl = o.hbInGramsPerLitre === true;
    const { hb, hct } = o;
    const render = (id: string, time: number, plt: number, pltStatus: string): string => {
      const c = hl7Time(collected);
      const hbValue = gl ? Math.round(hb * 10).toString() : hb.toFixed(1);
      const hbRange = gl ? (female ? '120-155' : '135-175') : female ? '12.0-15.5' : '13.5-17.5';
      const hbFlag = hb > (female ? 15.5 : 17.5) ? 'H' : 'N';
      const hctFlag = hct > (female ? 46 : 50) ? 'H' : 'N';
      return oru(
        person, id, time, no,
        obr(no, LN.cbcPanel, collected, time, pltStatus, 'BLD'),
        `\r${obx(1, 'NM', LN.wbc, '', wbc.toFixed(1), '10*3/uL', '4.0-11.0', 'N', 'F', c)}` +
          `\r${obx(2, 'NM', LN.hb, '', hbValue, gl ? 'g/L' : 'g/dL', hbRange, hbFlag, 'F', c)}` +
          `\r${obx(3, 'NM', LN.hct, '', hct.toFixed(1), '%', female ? '36-46' : '40-50', hctFlag, 'F', c)}` +
          `\r${obx(4, 'NM', localCode ? LN.pltLocal : LN.plt, '', String(plt), '10*3/uL', '150-400', plt > 400 ? 'H' : 'N', pltStatus, c)}`,
      );
    };
    const d = this.add(at, 'lab-cbc', 'usable', o.pinned, person, (id) => render(id, at, o.plt, 'F'));
    if (o.duplicateAfter !== undefined) d.duplicateAfter = o.duplicateAfter;
    if (o.originalArrival !== undefined) d.arrival = o.originalArrival;
    const corr = o.correction;
    if (corr) this.add(corr.at, 'lab-cbc', 'usable', o.pinned, person, (id) => render(id, corr.at, corr.plt, 'C'));
  }

  /**
   * VEGF 75628-8. Specimen in SPM-4 or OBR-15, or none (then OBX-7/OBX-8 decide).
   * With `deleteAt` a second message marks the same OBX status D with an empty value.
   */
  vegf(
    person: Person,
    at: number,
    o: { value: number; unit: 'pg/mL' | 'ng/L'; specimen: 'PLAS' | 'SER' | null; via: 'SPM' | 'OBR15'; pinned: boolean; deleteAt?: number },
  ): void {
    const rng = this.rng;
    const no = this.order();
    const collected = at - int(rng, 2, 6) * DAY;
    const { value, unit, specimen, via } = o;
    const range = specimen === 'SER' ? '0-1000' : '0-96';
    const render = (id: string, time: number, deleted: boolean): string => {
      const c = hl7Time(collected);
      const flag = deleted ? '' : value > (specimen === 'SER' ? 1000 : 96) ? 'H' : 'N';
      const spm =
        specimen && via === 'SPM'
          ? `\rSPM|1|||${specimen === 'PLAS' ? 'PLAS^Plasma^HL70487' : 'SER^Serum^HL70487'}|||||||||||||${c}`
          : '';
      return oru(
        person, id, time, no,
        obr(no, LN.vegf, collected, time, deleted ? 'C' : 'F', specimen && via === 'OBR15' ? specimen : ''),
        `\r${obx(1, 'NM', LN.vegf, '', deleted ? '' : String(value), unit, range, flag, deleted ? 'D' : 'F', c)}${spm}`,
      );
    };
    this.add(at, 'lab-vegf', 'usable', o.pinned, person, (id) => render(id, at, false));
    const del = o.deleteAt;
    // Deleted (OBX-11 D): same order, same OBX-3/OBX-4, empty value, later MSH-7.
    if (del !== undefined) this.add(del, 'lab-vegf', 'usable', true, person, (id) => render(id, del, true));
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

  ife(person: Person, at: number, specimen: 'serum' | 'urine', text: string, pinned: boolean): void {
    const rng = this.rng;
    const no = this.order();
    const collected = at - int(rng, 1, 4) * DAY;
    const code = specimen === 'urine' ? LN.urineIfe : chance(rng, 0.1) ? LN.serumIfeLoinc : LN.serumIfe;
    const type = chance(rng, 0.8) ? 'ST' : 'TX';
    const flag = text.startsWith('No ') ? 'N' : 'A';
    this.add(at, 'lab-ife', 'usable', pinned, person, (id) =>
      oru(
        person, id, at, no,
        obr(no, code, collected, at, 'F', specimen === 'urine' ? 'UR' : 'SER'),
        `\r${obx(1, type, code, '', text, '', '', flag, 'F', hl7Time(collected))}`,
      ),
    );
  }

  /** Multi-OBX TX report (same OBX-3, OBX-4 = 1..n) or, with a string, one FT OBX. */
  report(
    person: Person,
    at: number,
    kind: 'report-radiology' | 'report-pathology' | 'report-neurophysiology',
    lines: readonly string[] | string,
    pinned: boolean,
  ): void {
    const no = this.order();
    const performed = at - int(this.rng, 4, 30) * HOUR;
    const [service, code, section] =
      kind === 'report-radiology'
        ? (['IMG^Diagnostic imaging^L', LN.imaging, 'RAD'] as const)
        : kind === 'report-pathology'
          ? (['SURGPATH^Surgical pathology^L', LN.pathology, 'SP'] as const)
          : (['NCS^Nerve conduction study^L', LN.ncs, 'NRS'] as const);
    this.add(at, kind, 'usable', pinned, person, (id) => {
      const c = hl7Time(performed);
      const body =
        typeof lines === 'string'
          ? `\r${obx(1, 'FT', code, '1', lines, '', '', '', 'F', c)}`
          : lines.map((line, i) => `\r${obx(i + 1, 'TX', code, String(i + 1), line, '', '', '', 'F', c)}`).join('');
      return oru(person, id, at, no, obr(no, service, performed, at, 'F', '', section), body);
    });
  }

  /** ADT^A40: `prior` is merged into `survivor`. */
  merge(survivor: Person, prior: Person, at: number): void {
    this.add(at, 'adt-merge', 'usable', true, survivor, (id) =>
      `${msh(at, 'ADT^A40^ADT_A39', id)}\rEVN|A40|${hl7Time(at)}\r${survivor.pid}\rMRG|${prior.id}^^^SYNTH^MR`,
    );
  }

  /** CIDP from a coded diagnosis or from the neurophysiology report. */
  cidp(person: Person, at: number, pinned: boolean): void {
    if (chance(this.rng, 0.6)) this.diagnoses(person, at, [DX.cidp], pinned);
    else this.report(person, at, 'report-neurophysiology', TEXT.ncsCidp, pinned);
  }

  /** A neuropathy that is not necessarily CIDP: G62.9, G61.81 or a "demyelinating polyneuropathy" report. */
  polyneuropathy(person: Person, at: number, pinned: boolean): void {
    const r = this.rng();
    if (r < 0.5) this.diagnoses(person, at, [DX.polyneuropathy], pinned);
    else if (r < 0.75) this.diagnoses(person, at, [DX.cidp], pinned);
    else this.report(person, at, 'report-neurophysiology', TEXT.ncsDemyelinating, pinned);
  }
}
