import { describe, expect, it } from 'vitest';
import { DEFAULT_DELIMITERS } from '../../src/hl7/delimiters.js';
import { EscapedText } from '../../src/deidentify/escaped-text.js';
import { emptyIdentity, TextScrubber, type MessageIdentity, type TextPattern } from '../../src/deidentify/text-scrub.js';

function identity(): MessageIdentity {
  const id = emptyIdentity();
  for (const n of ['EVERYMAN', 'ADAM', 'Li', 'No']) id.names.add(n);
  for (const i of ['P000123', '123-45-6789', 'LAB0000123-04']) id.identifiers.add(i);
  id.addresses.add('111 Duck St');
  id.addresses.add('Fowl');
  id.zips.add('53703');
  id.telecoms.add('(608)251-7777');
  id.telecoms.add('adam.everyman@example.org');
  id.births.push({ y: 1942, m: 9, d: 2 });
  return id;
}

function scrub(text: string, opts: { days?: number; safeHarbor?: boolean; numeric?: boolean } = {}): { text: string; counts: Partial<Record<TextPattern, number>> } {
  const counts: Partial<Record<TextPattern, number>> = {};
  const s = new TextScrubber(identity(), { days: opts.days ?? -10, safeHarbor: opts.safeHarbor ?? false });
  const out = s.scrub(text, (p) => { counts[p] = (counts[p] ?? 0) + 1; }, opts.numeric ?? false);
  return { text: out, counts };
}

describe('when free text is scrubbed', () => {
  it('removes the message’s own names in any case, order and punctuation', () => {
    for (const t of ['Everyman, Adam', 'ADAM EVERYMAN', 'adam everyman', 'EVERYMAN^ADAM', 'Mr. Everyman']) {
      expect(scrub(`Seen: ${t} today.`).text, t).toBe('Seen: [NAME] today.');
    }
    expect(scrub('Adam reports numbness.').text).toBe('[NAME] reports numbness.');
    expect(scrub('Seen by Dr Li; Li, Adam agrees.').text).toBe('Seen by [NAME]; [NAME] agrees.');
  });

  it('keeps a word that is also a name when it stands alone as a word of the report', () => {
    // a patient called "No" must not take the negation away
    expect(scrub('No hepatomegaly. Lithium level normal.').text).toBe('No hepatomegaly. Lithium level normal.');
  });

  it('removes the message’s identifiers with or without their separators', () => {
    expect(scrub('MRN P000123, SSN 123456789, order LAB0000123-04').text).toBe('MRN [ID], SSN [ID], order [ID]');
    expect(scrub('ssn 123 45 6789').text).toBe('ssn [ID]');
  });

  it('removes telephone numbers, e-mail addresses, URLs, SSNs and street addresses', () => {
    expect(scrub('Call (608) 251-7777 or 608.251.7777').text).toBe('Call [PHONE] or [PHONE]');
    expect(scrub('Tel: 020 7946 0958; fax +44 20 7946 0959').text).toBe('Tel: [PHONE]; fax [PHONE]');
    expect(scrub('Mail Adam.Everyman@example.org or x.y@z.com').text).toBe('Mail [EMAIL] or [EMAIL]');
    expect(scrub('See https://example.org/p?id=1 and www.example.com').text).toBe('See [URL] and [URL]');
    expect(scrub('SSN 987-65-4321').text).toBe('SSN [SSN]');
    expect(scrub('Lives at 111 DUCK ST, FOWL 53703').text).toBe('Lives at [ADDRESS], [ADDRESS] [ADDRESS]');
  });

  it('marks a birth date in any written form and shifts every other date, keeping its format', () => {
    for (const dob of ['19420902', '1942-09-02', '09/02/1942', '02.09.1942', 'September 2, 1942', 'Sep 2 1942', '2 Sept 1942', '09/02/42']) {
      expect(scrub(`DOB ${dob}.`).text, dob).toBe('DOB [DOB].');
    }
    expect(scrub('Seen 2025-03-01, again 03/15/2025 and 15.03.2025').text).toBe('Seen 2025-02-19, again 03/05/2025 and 05.03.2025');
    expect(scrub('CT of March 1, 2025; MRI 1 Mar 2025; follow-up April 2025').text).toBe('CT of February 19, 2025; MRI 19 Feb 2025; follow-up April 2025');
    expect(scrub('collected 202503011230').text).toBe('collected 202502191230');
  });

  it('reduces dates to their year in Safe Harbor mode', () => {
    expect(scrub('Seen 2025-03-01 and March 1, 2025', { safeHarbor: true }).text).toBe('Seen 2025 and 2025');
  });

  it('groups ages over 89', () => {
    expect(scrub('A 93-year-old man, aged 95; 45 years old sister').text).toBe('A 90+-year-old man, aged 90+; 45 years old sister');
  });

  it('removes numbers that look like record numbers, except in a result value that is a number', () => {
    expect(scrub('Accession: AB12345; ref 1234567; Z99887766').text).toBe('Accession: [ID]; ref [ID]; [ID]');
    expect(scrub('1250000', { numeric: true }).text).toBe('1250000');
    expect(scrub('512,000 /uL; > 1000 pg/mL; IgA lambda; G61.81; 33358-3').text).toBe('512,000 /uL; > 1000 pg/mL; IgA lambda; G61.81; 33358-3');
  });

  it('counts each replacement by kind', () => {
    expect(scrub('Everyman, Adam (DOB 09/02/1942) P000123 seen 2025-03-01').counts).toEqual({ name: 1, birthDate: 1, identifier: 1, date: 1 });
  });
});

describe('when escaped text is decoded for scrubbing', () => {
  const d = DEFAULT_DELIMITERS;

  it('writes formatting escapes back exactly, so blank lines still end sentences', () => {
    const raw = 'Seen by EVERYMAN\\.br\\\\.br\\No ascites \\T\\ no effusion\\X0D0A\\end';
    const t = EscapedText.decode(raw, d);
    expect(t.text).toContain('EVERYMAN');
    expect(t.text).toContain('No ascites & no effusion');
    expect(t.encode(t.text)).toBe(raw);
    expect(t.encode(t.text.replace('EVERYMAN', '[NAME]'))).toBe('Seen by [NAME]\\.br\\\\.br\\No ascites \\T\\ no effusion\\X0D0A\\end');
  });

  it('decodes hex that carries text, so a name written in hex is seen', () => {
    const t = EscapedText.decode('Dr \\X4D696C6C6572\\ signed', d);
    expect(t.text).toBe('Dr Miller signed');
  });
});
