/** Progress of a command on stderr, for people watching: stdout stays for results (--json among them). */
import type { Progress } from '../engine/types.ts';

export interface ProgressPrinter {
  (p: Progress): void;
  /** End a terminal's line in place (a newline), so that what is written next starts a line of its own. */
  end(): void;
}

/**
 * On a terminal, one line rewritten in place at each whole percent. Elsewhere (a log file, a SLURM job's output),
 * a line at each tenth, since carriage returns would pile every update into one line of the file.
 */
export function progressPrinter(quiet: boolean, terminal = process.stderr.isTTY === true): ProgressPrinter {
  let last = -1;
  let open = false;
  const print = (p: Progress) => {
    const percent = Math.floor(p.fraction * 100);
    const step = terminal ? percent : percent - (percent % 10);
    if (quiet || step === last) return;
    last = step;
    const line = `${percent.toString().padStart(3)}% ${p.message}`;
    if (!terminal) process.stderr.write(`${line}\n`);
    else {
      process.stderr.write(`\r${line.padEnd(65)}`);
      open = true;
    }
  };
  const end = () => {
    if (open) process.stderr.write('\n');
    open = false;
  };
  return Object.assign(print, { end });
}
