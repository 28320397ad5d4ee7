/** For the command line's tests: run `wedgelab` as a user does, in a real process, and collect what it says. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * V8 flags of the process. --liftoff-only: onnxruntime-web's wasm is compiled once by the baseline compiler and never
 * tiered up; otherwise a short command that ran a model waits at exit for V8 to finish optimising that module in the
 * background, ~90 s of CPU on 2 cores (`wedgelab refine --method isonet` on 64×64×32: 9.5 s instead of 90–190 s).
 * What the command computes is the same; only how V8 compiles its wasm differs.
 */
const NODE_FLAGS = ['--liftoff-only'];

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function wedgelab(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<CliRun> {
  try {
    const { stdout, stderr } = await run(process.execPath, [...NODE_FLAGS, 'bin/wedgelab.js', ...args], { env, encoding: 'utf8', maxBuffer: 1 << 26 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
