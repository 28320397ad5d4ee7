/**
 * `wedgelab` command line: the same engine as the workbench, in Node through Dawn.
 * Bad input ends with a non-zero exit and one line naming the problem.
 */
import { closeNodeGpu } from '../engine/gpu/node.ts';
import { RespawnWithSoftwareGpu, respawnWithSoftwareGpu } from './gpu.ts';
import { batchCommand } from './batch/command.ts';
import { BENCH_PARTS, benchCommand } from './bench.ts';
import { cvCommand, oddEvenCommand, trustCommand } from './evaluate.ts';
import { infoCommand } from './info.ts';
import { metricsCommand } from './metrics.ts';
import { reconCommand } from './recon.ts';
import { refineCommand } from './refine.ts';
import { synthesizeCommand } from './synthesize.ts';
import { RECIPE_USAGE } from './recipeFlags.ts';
import { commonUsage, learnedChoices, methodUsage } from './methodFlags.ts';
import { methodChoices } from '../engine/methods/registry.ts';
import { trainingPatchesCommand } from './trainingPatches.ts';
import { trainingSetCommand } from './trainingSet.ts';
import { simulateCommand } from './simulate.ts';
import { exportTiltsCommand } from './exportTilts.ts';
import { PHANTOM_NAMES } from '../engine/sim/phantoms.ts';
import { UsageError } from '../engine/methods/flags.ts';
import { endProgressLine } from './progress.ts';

const USAGE = `usage:
  wedgelab info FILE.mrc [SIDE FILES…] [--json]   (header, every warning, statistics with NaN/±Inf counted apart;
                 with .tlt/.rawtlt/.mdoc/.xf/.xtilt/.aln/tilt.com/.defocus/_CTF.txt: the tilt series they describe, checked against the stack;
                 wedgelab info TS_01.star: a RELION 5 tilt series and the images it names;
                 wedgelab info DIR|LIST.tsv: the tilt series batch would run from it, each with its files and what they give;
                 wedgelab info TOMO.zarr: an OME-Zarr tomogram as the page reads it)
  wedgelab recon --tilts STACK.mrc --angles FILE.tlt [--xf F.xf [--xtilt F.xtilt] | --aln F.aln] [--mdoc F.mdoc|STEM_TLT.txt] [--tilt-com tilt.com] [--defocus F.defocus|F_CTF.txt] [--session AreTomo3_Session.json] [--phase-flip [--voltage KV] [--cs MM] [--amplitude-contrast Q]] [--tilt-axis DEG] [--exclude-tilts LIST] [--series NAME] [--frames even|odd] --method ${methodChoices('reconstruction').join('|')}
                 ${commonUsage('reconstruction')} --out TOMO.mrc|TOMO.ome.zarr [--force]
${methodUsage('reconstruction', '                 ')}
                 (--bin B averages B × B pixels of every tilt as the stack is read: memory for the binned stack only;
                 --tilt-axis DEG rotates a stack whose tilt axis lies DEG° from Y, counter-clockwise, so that it runs along Y;
                 --tilt-com: IMOD's tilt.com, whose excluded views are left out and angle offset added;
                 --session: AreTomo3's session record, whose kV (where no .mdoc gives one), Cs and amplitude contrast are read;
                 --phase-flip corrects every tilt for the CTF by phase flipping at its defocus (--defocus: IMOD ctfplotter's
                 .defocus, or CTFFIND's or AreTomo's _CTF.txt; or a RELION table's rlnDefocusU/V), across a tilted view
                 at the defocus of each column, and a phase plate's shift where the estimate gives one, at the microscope
                 the .mdoc, AreTomo3's session, CTFFIND's header or tomograms.star names, else --voltage 300 --cs 2.7
                 --amplitude-contrast 0.07, which also override them (docs/metadata.md#ctf-correction-phase-flipping);
                 --exclude-tilts 1-3,41 leaves those tilts out, numbered from 1 in stack order as loaded, after the dark
                 ones and views the side files leave out: wedgelab info STACK ANGLES lists them)
  wedgelab refine --tomogram TOMO.mrc|TOMO.zarr [--angles F.tlt | --wedge MIN,MAX] [--tilts STACK.mrc] --method ${methodChoices('refinement').join('|')} --out OUT.mrc|OUT.ome.zarr [--force]
${methodUsage('refinement', '                 ')}
                 (--angles or --wedge: the range the tomogram was measured over; cryogen and isonet warn when it lies
                 outside their model's training wedges; --tilts: the stack it was made from, whose contrast their
                 --contrast auto follows; --in is the older name of --tomogram)
  wedgelab synthesize --tilts STACK.mrc --angles FILE.tlt [--exclude-tilts LIST] --method ${methodChoices('tiltSynthesis').join('|')} --out-dir DIR [--force]
${methodUsage('tiltSynthesis', '                 ')}
                 (wedgelab COMMAND --help: that command's lines here; wedgelab recon|refine|synthesize|cv|oddeven|trust
                 --method NAME --help: the method and its flags with their defaults;
                 --angles may be left out of recon, synthesize, cv, oddeven and trust for a stack whose extended
                 header holds its tilt angles (SerialEM, Thermo Fisher; wedgelab info STACK shows them), and for
                 --tilts TS_01.star or tomograms.star: a RELION 5 tilt series, its images found from RELION's project
                 folder, aligned and dosed as its table says (docs/loading.md#relion-5), --series NAME picking one of
                 several it lists or holds; --frames even|odd: the sums of
                 only the even or the odd movie frames instead (a RELION table's rlnMicrographNameEven/Odd, or the
                 STEM_EVN / STEM_ODD stack beside the stack), e.g. half tomograms for a denoiser;
                 synthesize, cv, oddeven and trust take recon's side files (--xf, --xtilt, --aln, --mdoc, --tilt-com,
                 --defocus, --session), --tilt-axis, --exclude-tilts, --series, --frames, --phase-flip, --voltage, --cs and --amplitude-contrast too: the same tilt series
                 as recon reads;
                 outputs are checked before any work: never an input, never an existing file without --force;
                 an --out ending .zarr (TOMO.ome.zarr) is an OME-Zarr folder, any other an MRC file: docs/export.md)
  wedgelab export-tilts --tilts STACK.mrc [--angles FILE.tlt and recon's side files] [--bin B] [--exclude-tilts LIST]
                 [--phase-flip [--voltage KV] [--cs MM] [--amplitude-contrast Q] [--invert-angles]] --out OUT.mrc [--force]
                 (the tilt series as the methods see it, binned at load, aligned, tilts left out, phase flipped when
                 asked: OUT.mrc and OUT.tlt for another program, as the page's Export tilt series; docs/export.md)
  wedgelab simulate --phantom ${PHANTOM_NAMES.join('|')} --size NX,NY,NZ
                 --angles MIN,MAX,STEP | --angle-file F [--dose-symmetric] [--snr-db S] [--seed K] [--pixel-size A] [--defocus UM] --out-dir DIR [--force]
                 (--defocus: the tilts through a 300 kV microscope's CTF at UM µm under focus, needs --pixel-size; the
                 defocus follows depth along the beam, so a tilted view has its gradient; written beside as tilt_series.defocus)
  wedgelab training-set --count N --out-dir DIR [--phantom lamella[,varied…]] [--min-size 64] [--max-size 160] [--seed K] [--ctf-fraction F] [--ctf-pixel-size A[-B]] [--ctf-target phantom|filtered]
  wedgelab training-patches --set DIR --out-dir OUT [--points 4096] [--patch 11] [--variant voxel|wavelet] [--seed K]
                                     (≥ N points per example, whole rows; wavelet: half-grid points, 8 sub-band targets)
  wedgelab metrics --a A.mrc --b B.mrc [--angles F.tlt [--tilts STACK.mrc]] [--invert-angles] [--json] [--quiet]
                 (--tilts: B is a tomogram made elsewhere of that series, e.g. another simulator's ground truth or IMOD's
                 tomogram, in XYZ or XZY at a whole binning: lined up with the tilts first, docs/loading.md#tomograms-made-elsewhere;
                 A and B may be OME-Zarr folders, the finest level read)
  wedgelab cv --tilts STACK.mrc --angles F.tlt [--exclude-tilts LIST] --method METHOD [method options] [--drop 0|±15|every:K|each] [--json]
                 ${RECIPE_USAGE}
                 (--drop each: every tilt held out in turn, one reconstruction each (FBP: by linearity, about two FBPs'
                 work in all), and the tilts that agree with the others less than their neighbours do named:
                 misaligned, blurred, dark; docs/conventions.md#each-tilt-in-turn)
  wedgelab oddeven --tilts STACK.mrc --angles F.tlt [--exclude-tilts LIST] --method METHOD [method options] [--halves tilts|frames] [--json]
                 (--halves frames: the halves are each tilt's even- and odd-frame sums, all tilts each, not the even
                 and odd tilts: a RELION table's rlnMicrographNameEven/Odd, or STEM_EVN and STEM_ODD stacks beside the stack)
  wedgelab trust --tilts STACK.mrc --angles F.tlt [--exclude-tilts LIST] --method ${learnedChoices().join('|')}|… [method options] [--held-out every:4] [--json]
                 ${RECIPE_USAGE}
                 (a method's trust score against FBP on held-out tilts, of a refined result with --refine, of a
                 series with synthesised tilts with --synthesize-at; wedgelab trust --help)
  wedgelab batch --list SERIES.tsv|DIR|tomograms.star --methods METHOD[,METHOD…] [method options] --out-dir OUT [--format mrc|ome-zarr] [--jobs N]
                 [--scores cv,oddeven,truth,pipeline|none] [--halves tilts|frames] [--frames even|odd] [--phase-flip [--voltage KV] [--cs MM] [--amplitude-contrast Q]] [--drop 0|each] [--retry-failed] [--progress bar|json] [--task-index I]
                 [--slurm [--submit] [--partition P] [--time 4:00:00] [--mem 32G] [--gpus 1] [--throttle K]]
  wedgelab batch --merge --out-dir OUT
  wedgelab bench [--quick] [--only PART[,PART…]] [--model-backend auto|webgpu|wasm] [--out-dir DIR]
                 (PART: ${BENCH_PARTS.join(', ')})`;

const COMMANDS: Record<string, (args: string[]) => Promise<void>> = {
  info: infoCommand,
  recon: reconCommand,
  refine: refineCommand,
  synthesize: synthesizeCommand,
  'export-tilts': exportTiltsCommand,
  'training-set': trainingSetCommand,
  'training-patches': trainingPatchesCommand,
  simulate: simulateCommand,
  metrics: metricsCommand,
  cv: cvCommand,
  oddeven: oddEvenCommand,
  trust: trustCommand,
  batch: batchCommand,
  bench: benchCommand,
};

/** Commands whose --help, without --method, says more than their lines of USAGE (their own text). */
const OWN_HELP = new Set(['trust']);

/** A command's lines of USAGE: each line that starts "wedgelab NAME " and the indented lines under it. */
function commandUsage(name: string): string {
  let inside = false;
  const lines = USAGE.split('\n').filter((line) => {
    if (line.startsWith('  wedgelab ')) inside = line.startsWith(`  wedgelab ${name} `);
    else if (!line.startsWith('   ')) inside = false;
    return inside;
  });
  return ['usage:', ...lines].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...given] = argv;
  const args = given.map((a) => (a === '-h' ? '--help' : a));
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(`${name && name !== '--help' ? `wedgelab: unknown command "${name}"\n` : ''}${USAGE}\n`);
    return name === '--help' ? 0 : 2;
  }
  // `wedgelab COMMAND --help`: that command's usage, exit 0 (with --method, recon, refine, synthesize and the
  // evaluations print the method's own help).
  if (args.includes('--help') && !args.some((a) => a === '--method' || a.startsWith('--method=')) && !OWN_HELP.has(name)) {
    process.stdout.write(`${commandUsage(name)}\n`);
    return 0;
  }
  try {
    await command(args);
    return 0;
  } catch (error) {
    if (error instanceof RespawnWithSoftwareGpu) return respawnWithSoftwareGpu();
    const message = (error as Error).message ?? String(error);
    // A run that fails midway leaves its progress line as it was (where it stopped), and the error below it.
    endProgressLine();
    process.stderr.write(`wedgelab ${name}: ${message}\n`);
    // The command's own lines of the usage, not all of it: the one line above names the problem.
    if (error instanceof UsageError) process.stderr.write(`${commandUsage(name)}\n`);
    return error instanceof UsageError ? 2 : 1;
  } finally {
    closeNodeGpu();
  }
}
