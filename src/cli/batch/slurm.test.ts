// `wedgelab batch --slurm --submit` on a real SLURM: a one-node cluster (Debian's slurm-wlm and munge) started
// here in a temporary folder and stopped at the end; skipped, saying why, where it cannot start.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wedgelab } from '../testKit.ts';
import type { BatchRow } from './rows.ts';

const dir = mkdtempSync(join(tmpdir(), 'wedgelab-slurm-'));
const BINARIES = ['munged', 'mungekey', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'scancel', 'sinfo'];
const missing = BINARIES.filter((b) => spawnSync('sh', ['-c', `command -v ${b}`]).status !== 0);
const whyNot = missing.length > 0 ? `no ${missing.join(', ')} (Debian's slurm-wlm and munge)` : process.getuid?.() !== 0 ? 'the daemons need root' : null;
if (whyNot) console.warn(`SLURM tests skipped: ${whyNot}`);

/** A free TCP port on this machine. */
function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer().listen(0, () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

const env = { ...process.env, SLURM_CONF: join(dir, 'slurm.conf') };
const pids = ['munge/munged.pid', 'slurmctld.pid', 'slurmd.pid'].map((f) => join(dir, f));

function sh(command: string, args: string[]): string {
  return execFileSync(command, args, { env, encoding: 'utf8' });
}

async function startCluster(): Promise<void> {
  const node = hostname();
  mkdirSync(join(dir, 'munge'));
  mkdirSync(join(dir, 'state'));
  mkdirSync(join(dir, 'spool'));
  const socket = join(dir, 'munge', 'munge.socket');
  sh('mungekey', ['--create', `--keyfile=${join(dir, 'munge', 'munge.key')}`, '--force']);
  sh('munged', ['--force', `--socket=${socket}`, `--key-file=${join(dir, 'munge', 'munge.key')}`, `--pid-file=${pids[0]}`, `--log-file=${join(dir, 'munge', 'munged.log')}`, `--seed-file=${join(dir, 'munge', 'seed')}`]);
  const conf = [
    'ClusterName=wedgelab-test',
    // Addresses given, so that nothing depends on the machine's name resolving.
    `SlurmctldHost=${node}(127.0.0.1)`,
    'SlurmUser=root',
    'SlurmdUser=root',
    'AuthType=auth/munge',
    `AuthInfo=socket=${socket}`,
    'CredType=cred/munge',
    `StateSaveLocation=${join(dir, 'state')}`,
    `SlurmdSpoolDir=${join(dir, 'spool')}`,
    `SlurmctldPidFile=${pids[1]}`,
    `SlurmdPidFile=${pids[2]}`,
    `SlurmctldLogFile=${join(dir, 'slurmctld.log')}`,
    `SlurmdLogFile=${join(dir, 'slurmd.log')}`,
    `SlurmctldPort=${await freePort()}`,
    `SlurmdPort=${await freePort()}`,
    'ProctrackType=proctrack/linuxproc',
    'TaskPlugin=task/none',
    'JobAcctGatherType=jobacct_gather/none',
    'AccountingStorageType=accounting_storage/none',
    'SchedulerType=sched/backfill',
    'SelectType=select/cons_tres',
    'SelectTypeParameters=CR_Core',
    'MpiDefault=none',
    'ReturnToService=2',
    `NodeName=${node} NodeAddr=127.0.0.1 CPUs=2 RealMemory=4000 State=UNKNOWN`,
    `PartitionName=test Nodes=${node} Default=YES MaxTime=INFINITE State=UP`,
  ];
  writeFileSync(env.SLURM_CONF, `${conf.join('\n')}\n`);
  sh('slurmctld', ['-c']);
  sh('slurmd', ['-N', node]);
  for (let i = 0; i < 60; i++) {
    if (/idle/.test(sh('sinfo', ['-h', '-o', '%T']))) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the test cluster did not come up: ${readFileSync(join(dir, 'slurmctld.log'), 'utf8').slice(-500)}`);
}

/** Wait until none of the jobs is queued or running. */
async function waitFor(jobs: string[]): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (sh('squeue', ['-h', '-j', jobs.join(',')]).trim() === '') return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`jobs ${jobs.join(', ')} did not finish`);
}

function rows(out: string): BatchRow[] {
  return JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as BatchRow[];
}

describe.skipIf(whyNot !== null)('wedgelab batch on a real SLURM', () => {
  const series = join(dir, 'series');
  const out = join(dir, 'out');
  let submit: () => Promise<{ arrayJob: string; mergeJob: string }>;
  /** Why the cluster could not start here (the test is then skipped, saying so), or null. */
  let startFailure: string | null = null;

  beforeAll(async () => {
    try {
      await startCluster();
    } catch (error) {
      startFailure = (error as Error).message;
      console.warn(`SLURM test skipped: the one-node cluster did not start: ${startFailure}`);
      return;
    }
    const simulate = (name: string, size: string, angles: string) =>
      wedgelab(['simulate', '--phantom', 'spheres', '--size', size, '--angles', angles, '--seed', '1', '--out-dir', join(series, name)]);
    // Two tiny series, and one that runs long enough to be killed part-way ('slow', the last by name).
    for (const made of await Promise.all([simulate('a', '24,8,8', '-60,60,10'), simulate('b', '24,8,8', '-60,60,10'), simulate('slow', '96,96,32', '-60,60,3')])) {
      expect(made.code, made.stderr).toBe(0);
    }
    // On WebGPU (SwiftShader here): the CPU path would finish the slow series before it could be killed.
    const args = ['batch', '--list', series, '--methods', 'sirt', '--iterations', '20', '--thickness', '16', '--scores', 'none', '--engine', 'gpu', '--out-dir', out];
    submit = async () => {
      const run = await wedgelab([...args, '--slurm', '--submit', '--gpus', '0', '--mem', '1G', '--time', '0:20:00'], env);
      expect(run.code, run.stderr).toBe(0);
      return JSON.parse(run.stdout) as { arrayJob: string; mergeJob: string };
    };
  }, 300_000);

  afterAll(async () => {
    for (const pid of pids) if (existsSync(pid)) spawnSync('kill', [readFileSync(pid, 'utf8').trim()]);
    await new Promise((r) => setTimeout(r, 1000));
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs a job array, and a resubmission reruns only the task that was killed', async (context) => {
    if (startFailure) context.skip();
    const first = await submit();
    // Kill the slow series' task once it runs; the others finish, and the merge job runs after the array.
    const running = () => sh('squeue', ['-h', '-t', 'R', '-j', `${first.arrayJob}_2`]).trim() !== '';
    for (let i = 0; i < 240 && !running(); i++) await new Promise((r) => setTimeout(r, 250));
    // A moment into its run: past start-up, inside SIRT (which takes tens of seconds here).
    await new Promise((r) => setTimeout(r, 3000));
    expect(running()).toBe(true);
    sh('scancel', [`${first.arrayJob}_2`]);
    await waitFor([first.arrayJob, first.mergeJob]);
    const partial = rows(out);
    expect(partial.map((r) => `${r.series} ${r.status}`)).toEqual(['a done', 'b done']);

    const second = await submit();
    await waitFor([second.arrayJob, second.mergeJob]);
    const all = rows(out);
    expect(all.map((r) => `${r.series} ${r.method} ${r.status}`)).toEqual(['a sirt done', 'b sirt done', 'slow sirt done']);
    // The tasks that had finished were not redone: their rows are the first run's.
    expect(all.slice(0, 2)).toEqual(partial);
    expect(readFileSync(join(out, 'metrics.csv'), 'utf8').trim().split('\n')).toHaveLength(4);
  }, 600_000);
});
