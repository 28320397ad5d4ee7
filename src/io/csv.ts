/** CSV text (RFC 4180) for every export: the page's figures and tables, the command line's batch metrics. */

export type Cell = string | number | boolean | null | undefined;

/** One CSV cell (RFC 4180): numbers at full precision, empty for null/NaN, quotes where needed. */
export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : Number.isNaN(value) ? '' : value > 0 ? 'inf' : '-inf';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Header plus rows, CRLF-free ("\n"), with a trailing newline. `comments` become leading "# …" lines. */
export function toCsv(header: string[], rows: Cell[][], comments: string[] = []): string {
  const lines = [...comments.map((c) => `# ${c.replace(/[\r\n]+/g, ' ')}`), header.map(csvCell).join(','), ...rows.map((r) => r.map(csvCell).join(','))];
  return `${lines.join('\n')}\n`;
}
