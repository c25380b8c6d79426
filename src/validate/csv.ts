/**
 * A small RFC 4180 reader for the label file: quoted fields (with doubled quotes and line breaks
 * inside), CRLF, LF or CR line ends, a UTF-8 byte-order mark, and the delimiter of the header line
 * (comma; semicolon or tab as spreadsheet programs write them in some locales). Every record
 * keeps the physical line it starts on, so errors point at the line a person sees in an editor.
 */

export interface CsvRecord {
  /** 1-based physical line where the record starts */
  line: number;
  cells: string[];
}

export interface CsvProblem {
  line: number;
  message: string;
}

export type CsvResult = { records: CsvRecord[]; problems: [] } | { records: null; problems: CsvProblem[] };

/** Chooses the delimiter from the first non-comment line: the most frequent of , ; and tab. */
function sniffDelimiter(text: string): string {
  const first = text.split(/\r\n|\n|\r/).find((l) => l.trim() !== '' && !l.startsWith('#')) ?? '';
  const count = (d: string): number => first.split(d).length - 1;
  return [',', ';', '\t'].reduce((best, d) => (count(d) > count(best) ? d : best), ',');
}

/**
 * Splits `text` into records. Blank lines and lines starting with "#" (outside quotes) are skipped.
 * A quote inside an unquoted field, text after a closing quote, or an unterminated quoted field is
 * a problem with its line number; the reader does not guess.
 */
export function readCsv(input: string): CsvResult {
  const text = input.startsWith('\uFEFF') ? input.slice(1) : input;
  const delimiter = sniffDelimiter(text);
  const records: CsvRecord[] = [];
  const problems: CsvProblem[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const startLine = line;
    // A comment or blank line outside any record.
    if (text[i] === '#' || text[i] === '\n' || text[i] === '\r') {
      while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
      i = skipLineEnd(text, i);
      line++;
      continue;
    }
    const cells: string[] = [];
    let bad: string | undefined;
    for (;;) {
      let cell = '';
      if (text[i] === '"') {
        i++;
        let closed = false;
        while (i < text.length) {
          const ch = text[i] as string;
          if (ch === '"') {
            if (text[i + 1] === '"') {
              cell += '"';
              i += 2;
              continue;
            }
            i++;
            closed = true;
            break;
          }
          if (ch === '\r' || ch === '\n') {
            const next = skipLineEnd(text, i);
            cell += text.slice(i, next);
            i = next;
            line++;
            continue;
          }
          cell += ch;
          i++;
        }
        if (!closed) {
          problems.push({ line: startLine, message: 'a quoted field is not closed before the end of the file' });
          return { records: null, problems };
        }
        if (i < text.length && text[i] !== delimiter && text[i] !== '\r' && text[i] !== '\n') bad ??= 'text after a closing quote (write "" for a quote inside a quoted field)';
        while (i < text.length && text[i] !== delimiter && text[i] !== '\r' && text[i] !== '\n') i++;
      } else {
        while (i < text.length && text[i] !== delimiter && text[i] !== '\r' && text[i] !== '\n') {
          if (text[i] === '"') bad ??= 'a quote inside an unquoted field (quote the whole field and double the quote)';
          cell += text[i];
          i++;
        }
      }
      cells.push(cell);
      if (text[i] === delimiter) {
        i++;
        continue;
      }
      break;
    }
    i = skipLineEnd(text, i);
    line++;
    if (bad) problems.push({ line: startLine, message: bad });
    else if (cells.some((c) => c.trim() !== '')) records.push({ line: startLine, cells });
  }
  return problems.length > 0 ? { records: null, problems } : { records, problems: [] };
}

function skipLineEnd(text: string, i: number): number {
  if (text[i] === '\r') return text[i + 1] === '\n' ? i + 2 : i + 1;
  if (text[i] === '\n') return i + 1;
  return i;
}
