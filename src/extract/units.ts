/**
 * Unit conversion to the units the profile's thresholds are written in. Returns null for a
 * unit we cannot convert: a value in an unknown unit is never compared with a threshold.
 * An empty unit is read as the conventional one (most feeds send it; some omit it).
 */
function norm(unit: string): string {
  return unit.trim().replace(/\s+/g, '').replace(/µ|μ/g, 'u').replace(/\^/g, '*').replace(/E(?=[0-9])/g, '*').toLowerCase();
}

const PER_NANOLITRE = new Set(['', '10*3/ul', 'x10*3/ul', '10*9/l', 'x10*9/l', 'k/ul', 'thou/ul', '/nl', 'g/l', '10*3/mm3', 'x10*3/mm3', '10*3/ul(cells)', '1000/ul']);

/** Platelets in 10⁹/L (10*3/uL is the same number). */
export function platelets10e9PerL(value: number, unit: string): number | null {
  const u = norm(unit);
  // No platelet count reaches 10,000 × 10⁹/L: an empty unit with such a value is per µL.
  if (u === '' && value >= 10_000) return value / 1000;
  if (PER_NANOLITRE.has(u)) return value;
  if (u === '/ul' || u === 'cells/ul' || u === '/mm3') return value / 1000;
  return null;
}

/** Haemoglobin in g/dL (spec: g/L ÷ 10; mmol/L × 1.611). */
export function hemoglobinGPerDl(value: number, unit: string): number | null {
  const u = norm(unit);
  if (u === 'g/dl' || u === '') return value;
  if (u === 'g/l') return value / 10;
  if (u === 'mmol/l') return value * 1.611;
  return null;
}

/** Haematocrit in %; a fraction (L/L) is scaled. */
export function hematocritPercent(value: number, unit: string): number | null {
  const u = norm(unit);
  if (u === '%' || u === '') return value <= 1 && u === '' ? value * 100 : value;
  if (u === 'l/l' || u === '1' || u === 'fraction') return value * 100;
  return null;
}

/** VEGF in pg/mL (ng/L is the same number). */
export function vegfPgPerMl(value: number, unit: string): number | null {
  const u = norm(unit);
  if (u === 'pg/ml' || u === 'ng/l' || u === '') return value;
  if (u === 'ng/ml' || u === 'ug/l') return value * 1000;
  return null;
}

/**
 * Reads an NM or SN value: "512", "^512", ">^450", ">450", "<15". A comparator below keeps
 * the number but marks it so that "<15" is never read as exceeding a threshold.
 */
export function readNumber(raw: string, componentSep: string): { value: number; below: boolean } | null {
  let s = raw.trim();
  if (s.includes(componentSep)) s = s.split(componentSep).join('');
  const m = /^([<>]=?|=)?\s*(-?\d+(?:\.\d+)?)$/.exec(s);
  if (!m) return null;
  const value = Number(m[2]);
  return Number.isFinite(value) ? { value, below: (m[1] ?? '').startsWith('<') } : null;
}
