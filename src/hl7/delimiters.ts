/** The five HL7 v2 delimiters of one message, from MSH-1 and MSH-2. */
export interface Delimiters {
  field: string;
  component: string;
  repetition: string;
  escape: string;
  subcomponent: string;
}

export const DEFAULT_DELIMITERS: Delimiters = { field: '|', component: '^', repetition: '~', escape: '\\', subcomponent: '&' };

/** A delimiter must be visible ASCII punctuation: letters, digits, spaces and control bytes are data. */
function isDelimiterChar(c: string): boolean {
  return /^[!-/:-@[-`{-~]$/.test(c);
}

/**
 * Reads MSH-1 and MSH-2 from the first segment. Returns null when they are unusable:
 * missing, repeated, not punctuation, or more than five encoding characters (v2.7 adds the
 * truncation character as a fifth).
 */
export function readDelimiters(firstSegment: string): Delimiters | null {
  if (!firstSegment.startsWith('MSH') || firstSegment.length < 8) return null;
  const field = firstSegment.charAt(3);
  if (!isDelimiterChar(field)) return null;
  const end = firstSegment.indexOf(field, 4);
  const enc = end < 0 ? firstSegment.slice(4) : firstSegment.slice(4, end);
  if (enc.length < 4 || enc.length > 5) return null;
  const chars = [field, ...enc];
  if (!chars.every(isDelimiterChar) || new Set(chars).size !== chars.length) return null;
  return { field, component: enc.charAt(0), repetition: enc.charAt(1), escape: enc.charAt(2), subcomponent: enc.charAt(3) };
}
