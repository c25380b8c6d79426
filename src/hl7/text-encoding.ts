const utf8 = new TextDecoder('utf-8', { fatal: true });

export type TextEncoding = 'utf8' | 'latin1';

/**
 * HL7 bytes to text: UTF-8 when the bytes are valid UTF-8 (whatever MSH-18 claims: feeds often
 * declare 8859/1 and send UTF-8), else ISO 8859-1, which maps every byte to one character.
 */
export function decodeHl7Bytes(bytes: Buffer): { text: string; encoding: TextEncoding } {
  try {
    return { text: utf8.decode(bytes), encoding: 'utf8' };
  } catch {
    return { text: bytes.toString('latin1'), encoding: 'latin1' };
  }
}

/** Segments ended by CR, LF or CRLF become CR-separated; blank lines go. */
export function normaliseSegments(text: string): string {
  return text.split(/\r\n|\r|\n/).filter((l) => l.trim() !== '').join('\r');
}
