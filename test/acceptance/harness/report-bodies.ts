/**
 * Shapes in which report text arrives (spec §1.2 "What is text"): one TX OBX per line (OBX-4
 * numbered or blank), one FT OBX with \.br\ breaks, one ST OBX, NTE under the OBR.
 */

const obr = (service: string, status: string): string =>
  `OBR|1|R1001|R1001|${service}|||20250228093000|||||||20250228093000||D0042^SYNTHETIC^DOCTOR||||||20250301110000||RAD|${status}`;

export interface BodyOptions {
  /** OBX-11 and OBR-25 (default F) */
  status?: string;
  /** OBX-4 per line: numbered (default) or blank */
  sub?: 'numbered' | 'blank';
  /** OBX-2 for `lines` (default TX) */
  type?: string;
}

/** One OBX per line, all with the same OBX-3 (one report, spec §1.2). */
export function lines(service: string, code: string, text: readonly string[], o: BodyOptions = {}): string {
  const status = o.status ?? 'F';
  return [
    obr(service, status),
    ...text.map((l, i) => `OBX|${i + 1}|${o.type ?? 'TX'}|${code}|${o.sub === 'blank' ? '' : i + 1}|${l}||||||${status}|||20250228093000`),
  ].join('\n');
}

/** One FT OBX; `text` carries its own \.br\ escapes. */
export function ft(service: string, code: string, text: string, status = 'F'): string {
  return [obr(service, status), `OBX|1|FT|${code}|1|${text}||||||${status}|||20250228093000`].join('\n');
}

/** NTE segments straight after the OBR: the order's own report. */
export function nteOnly(service: string, text: readonly string[], status = 'F'): string {
  return [obr(service, status), ...text.map((l, i) => `NTE|${i + 1}|L|${l}`)].join('\n');
}
