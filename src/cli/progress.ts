/** Progress of a command on stderr, for people watching: stdout stays for results (--json among them). */
import type { Progress } from '../engine/types.ts';

export interface ProgressPrinter {
  (p: Progress): void;
  /** End a terminal's line in place (a newline), so that what is written next starts a line of its own. */
  end(): void;
}

/** Width a terminal's progress line is padded to, so that a shorter line written over it leaves no tail. */
const LINE_WIDTH = 65;

/** Whether a progress line is open on the terminal (written without its newline). One stderr, so one state for all printers. */
let lineOpen = false;

/** End an open progress line with a newline (it stays on screen), so that an error or a table starts a line of its own. */
export function endProgressLine(): void {
  if (lineOpen) process.stderr.write('\n');
  lineOpen = false;
}

/** A line on stderr in place of an open progress line (a run's outcome replaces its bar); elsewhere a line after it. */
export function replaceProgressLine(text: string): void {
  process.stderr.write(lineOpen ? `\r${text.padEnd(LINE_WIDTH)}\n` : `${text}\n`);
  lineOpen = false;
}

/**
 * On a terminal, one line rewritten in place at each whole percent. Elsewhere (a log file, a SLURM job's output),
 * a line at each tenth, since carriage returns would pile every update into one line of the file.
 */
export function progressPrinter(quiet: boolean, terminal = process.stderr.isTTY === true): ProgressPrinter {
  let last = -1;
  const print = (p: Progress) => {
    const percent = Math.floor(p.fraction * 100);
    const step = terminal ? percent : percent - (percent % 10);
    if (quiet || step === last) return;
    last = step;
    const line = `${percent.toString().padStart(3)}% ${p.message}`;
    if (!terminal) process.stderr.write(`${line}\n`);
    else {
      process.stderr.write(`\r${line.padEnd(LINE_WIDTH)}`);
      lineOpen = true;
    }
  };
  return Object.assign(print, { end: endProgressLine });
}
