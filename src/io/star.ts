/**
 * STAR files as RELION writes them: `data_NAME` blocks, each holding either `_label value` pairs or one `loop_`
 * table (`_label #n` column lines, then one row per line). Comments start with `#`; a value with spaces is quoted
 * ('…' or "…"). Only what RELION's tomography tables use is read: no save frames, no multi-line values.
 */
import { clip, splitLines } from './angles.ts';

export class StarFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StarFileError';
  }
}

/** One data block: its name (after `data_`), its pairs and its table (columns without the leading `_`). */
export interface StarBlock {
  name: string;
  pairs: Map<string, string>;
  table: { columns: string[]; rows: string[][] } | null;
}

/** The words of a line: split at spaces, a quoted word kept whole without its quotes; a `#` outside quotes ends the line. */
function wordsOf(line: string): string[] {
  const words: string[] = [];
  const word = /\s*(?:'([^']*)'|"([^"]*)"|(#.*)|(\S+))/gy;
  for (let match = word.exec(line); match && match[0].trim() !== ''; match = word.exec(line)) {
    if (match[3] !== undefined) break;
    words.push(match[1] ?? match[2] ?? match[4]);
  }
  return words;
}

/** The blocks of a STAR file; a line that fits nowhere is an error naming the file and the line. */
export function parseStar(text: string, name: string): StarBlock[] {
  const blocks: StarBlock[] = [];
  let block: StarBlock | null = null;
  // 'columns' while reading a loop's labels, 'rows' after its first row; null outside a loop.
  let loop: 'columns' | 'rows' | null = null;
  const fail = (n: number, line: string, why: string): never => {
    throw new StarFileError(`${name} line ${n + 1} ('${clip(line.trim())}'): ${why}`);
  };
  splitLines(text).forEach((line, n) => {
    const words = wordsOf(line);
    if (words.length === 0) {
      // A blank line ends a loop's rows (RELION writes one after each table).
      if (loop === 'rows') loop = null;
      return;
    }
    const first = words[0];
    if (first.startsWith('data_')) {
      block = { name: first.slice('data_'.length), pairs: new Map(), table: null };
      blocks.push(block);
      loop = null;
      return;
    }
    if (!block) return fail(n, line, 'comes before any data_ block');
    if (first === 'loop_') {
      if (block.table) fail(n, line, `a second table in data_${block.name}`);
      block.table = { columns: [], rows: [] };
      loop = 'columns';
      return;
    }
    const table: StarBlock['table'] = block.table;
    if (first.startsWith('_')) {
      if (loop === 'columns' && table) {
        table.columns.push(first.slice(1));
        return;
      }
      loop = null;
      if (words.length !== 2) fail(n, line, 'a label outside a table must have one value');
      block.pairs.set(first.slice(1), words[1]);
      return;
    }
    if (!table || loop === null) return fail(n, line, 'a value outside any table');
    loop = 'rows';
    if (words.length !== table.columns.length) fail(n, line, `${words.length} values for ${table.columns.length} columns`);
    table.rows.push(words);
  });
  if (blocks.length === 0) throw new StarFileError(`${name}: no data_ block: not a STAR file`);
  return blocks;
}

/** A block's column by label, as strings (a block of pairs is a table of one row); undefined when it has no such label. */
export function starColumn(block: StarBlock, label: string): string[] | undefined {
  if (!block.table) return block.pairs.has(label) ? [block.pairs.get(label) as string] : undefined;
  const index = block.table.columns.indexOf(label);
  return index < 0 ? undefined : block.table.rows.map((row) => row[index]);
}
