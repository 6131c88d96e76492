// Which delimiter a CSV file uses, told from its header line (SPEC §4): a
// spreadsheet in a comma-decimal locale writes `;`, other tools write tabs.
// The header names contain none of the three, so whichever appears most
// often outside quotes is the delimiter.

export type Delimiter = ',' | ';' | '\t';

const CANDIDATES: Delimiter[] = [',', ';', '\t'];

export function detectDelimiter(headerLine: string): Delimiter {
  const counts = new Map<string, number>(CANDIDATES.map((candidate) => [candidate, 0]));
  let quoted = false;
  for (const char of headerLine) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && counts.has(char)) counts.set(char, (counts.get(char) ?? 0) + 1);
  }
  let best: Delimiter = ',';
  for (const candidate of CANDIDATES) if ((counts.get(candidate) ?? 0) > (counts.get(best) ?? 0)) best = candidate;
  return best;
}

/** The first line of what has been read so far (the header), without its line break. */
export function firstLine(text: string): string {
  const end = text.search(/[\r\n]/);
  return end < 0 ? text : text.slice(0, end);
}
