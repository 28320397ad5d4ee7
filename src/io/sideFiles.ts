/**
 * The files that come with a stack off the pipeline, and what they decide about it (docs/loading.md#side-files):
 *
 *  - tilt angles: a .tlt (IMOD's refined angles) over a .rawtlt, over the .aln's TILT column, over the .mdoc (or
 *    AreTomo3's _TLT.txt); with none of these, the stack's own, from its extended header (SerialEM or Thermo
 *    Fisher; io/extendedHeader.ts);
 *  - an alignment to apply to a raw stack: IMOD .xf (with the .tlt and .xtilt) or AreTomo .aln, not both;
 *  - metadata: the SerialEM .mdoc (pixel size, tilt axis, voltage, doses, dark tilts), or else AreTomo3's
 *    STEM_TLT.txt (acquisition order and doses);
 *  - IMOD's tilt.com (io/tiltCom.ts): the views its reconstruction leaves out, its tilt-angle offset;
 *  - a CTF estimate (io/defocusFiles.ts: IMOD .defocus, CTFFIND or AreTomo _CTF.txt): each section's defocus.
 *
 * The result is a plan in raw stack sections: which sections to keep (the .aln's and the .mdoc's dark tilts and
 * tilt.com's excluded views left out), their angles and doses, the alignment restricted to them, and every value
 * with its source.
 */
import { AlignmentFileError, aretomoAlignment, checkAlignment, imodAlignment, tiltAxisAlignment, type Affine2D, type StackAlignment, type TextFile } from './alignmentFiles.ts';
import { checkAngleCount, isAreTomoTiltFile, parseAreTomoTiltFile, parseMdocMetadata, parseTlt, type MdocMetadata, type Sourced } from './angles.ts';
import { isAreTomoSession, readAreTomoSession } from './areTomoSession.ts';
import { defocusOutlierWarning, isDefocusFile, phaseShiftRange, pickDefocusFile, readDefocusFile, viewAngleWarning, type CtfMicroscope, type DefocusEstimate } from './defocusFiles.ts';
import type { HeaderAngles } from './extendedHeader.ts';
import type { Astigmatism } from './types.ts';
import { baseName, parseTiltCom, runsTilt, type TiltCom } from './tiltCom.ts';

export interface MetadataRow {
  label: string;
  value: string;
  source: string;
}

/** What the side files say about a stack of `nSections` raw sections. */
export interface SeriesPlan {
  /** Raw sections that make up the tilt series, in stack order. */
  keptSections: number[];
  /** Degrees, one per kept section. */
  tiltAngles: number[];
  /** The file the angles came from. */
  angleSource: string;
  /** To resample the kept sections with (transforms[j] for keptSections[j]); null for an aligned stack. */
  alignment: StackAlignment | null;
  mdoc: MdocMetadata | null;
  /** Å per pixel of the stack as stored, and the voltage (kV), when a side file gives them (.mdoc, RELION's tomograms.star). */
  pixelSize?: Sourced<number>;
  voltage?: Sourced<number>;
  /** e/Å², one per kept section, when the .mdoc (or RELION's table) gives doses. */
  accumulatedDose?: number[];
  exposureDose?: number[];
  /** µm under focus, one per kept section, when a CTF estimate came with the stack (or RELION's table has it). */
  defocus?: number[];
  /** Radians a phase plate adds, one per kept section, when the estimate gives a shift other than 0. */
  phaseShift?: number[];
  /** Astigmatism (io/types.ts), one per kept section, its angle as the estimate gives it, when the two axes differ. */
  astigmatism?: Astigmatism;
  /** The microscope's spherical aberration (mm) and amplitude contrast, when a file names them (AreTomo3's session, CTFFIND's header, RELION's tomograms.star). */
  sphericalAberration?: Sourced<number>;
  amplitudeContrast?: Sourced<number>;
  /** tilt.com's THICKNESS in this stack's pixels as stored (THICKNESS / IMAGEBINNED), for the form to offer. */
  imodThickness?: { value: number; source: string };
  /** The specimen's thickness AreTomo measured (its .aln's `# Thickness`), in this stack's pixels as stored, for the form to offer with a margin. */
  specimenThickness?: { value: number; source: string };
  /** tilt.com's RADIAL filter in cycles per pixel of this stack as stored, for FBP's form to offer (ImodRadial). */
  imodRadial?: ImodRadial;
  rows: MetadataRow[];
  warnings: string[];
}

/** IMOD's radial filter as FBP's radial filter takes it: cutoff and Gaussian σ in cycles/pixel, with its source. */
export interface ImodRadial {
  cutoff: number;
  falloff: number;
  source: string;
}

/** A .com is a side file only if it runs tilt (readSideFiles); etomo writes many others beside it. */
const SIDE = /\.(tlt|rawtlt|mdoc|xf|xtilt|aln|com)$/i;

export function isSideFile(name: string): boolean {
  return SIDE.test(name) || isDefocusFile(name) || isAreTomoTiltFile(name) || isAreTomoSession(name);
}

const extension = (name: string): string => name.slice(name.lastIndexOf('.') + 1).toLowerCase();

function atMostOne(files: TextFile[], ext: string): TextFile | undefined {
  const found = files.filter((f) => extension(f.name) === ext);
  if (found.length > 1) throw new Error(`several .${ext} files (${found.map((f) => f.name).join(', ')}): load one tilt series at a time`);
  return found[0];
}

/** The side files of one drop, read as text; at least one of them must give tilt angles. */
export interface SideFiles {
  tlt?: TextFile;
  rawtlt?: TextFile;
  mdoc?: TextFile;
  xf?: TextFile;
  xtilt?: TextFile;
  aln?: TextFile;
  /** IMOD's command file for tilt (tilt.com). */
  tiltCom?: TextFile;
  /** A CTF estimate: IMOD's .defocus (or its form in a .txt), or CTFFIND's (AreTomo's _CTF.txt) text. */
  defocus?: TextFile;
  /** AreTomo3's STEM_TLT.txt: each section's angle, acquisition index and dose, read as an .mdoc's are (none with an .mdoc). */
  areTomoTilts?: TextFile;
  /** AreTomo3's AreTomo3_Session.json: the microscope its session ran with (io/areTomoSession.ts). */
  areTomoSession?: TextFile;
  /** AreTomo3's copy of that estimate in IMOD's form (STEM_CTF_Imod.txt): set aside, with a warning. */
  otherDefocus?: string;
  /** Command files that do not run tilt (newst.com, align.com, …): set aside, with a warning. */
  otherComs?: string[];
  /** The stack's own angles, from its extended header (read when no angle file came with it). */
  headerAngles?: HeaderAngles;
}

/** The side files that give tilt angles: .tlt, .rawtlt, .mdoc, AreTomo's .aln (its TILT column), and RELION's .star (io/relionFiles.ts). */
const ANGLE_SOURCES = ['tlt', 'rawtlt', 'mdoc', 'aln', 'star'];

/** Whether any of these file names gives tilt angles (the page asks for a typed tilt range when none does). */
export function comesWithAngles(names: readonly string[]): boolean {
  return names.some((name) => ANGLE_SOURCES.includes(extension(name)) || isAreTomoTiltFile(name));
}

/** The side files of a drop, by kind; without an angle file, the stack's `headerAngles` must give them. */
export function readSideFiles(files: TextFile[], dropped = files.map((f) => f.name), headerAngles?: HeaderAngles | null): SideFiles {
  const picked: SideFiles = Object.fromEntries(['tlt', 'rawtlt', 'mdoc', 'xf', 'xtilt', 'aln'].map((ext) => [ext, atMostOne(files, ext)]));
  const coms = files.filter((f) => extension(f.name) === 'com');
  const forTilt = coms.filter((f) => runsTilt(f.text));
  if (forTilt.length > 1) throw new Error(`several command files for tilt (${forTilt.map((f) => f.name).join(', ')}): load one tilt series at a time`);
  if (coms.length > forTilt.length) picked.otherComs = coms.filter((f) => !forTilt.includes(f)).map((f) => f.name);
  picked.tiltCom = forTilt[0];
  const estimates = pickDefocusFile(files.filter((f) => isDefocusFile(f.name)));
  picked.defocus = estimates.picked;
  if (estimates.setAside) picked.otherDefocus = estimates.setAside.name;
  const tables = files.filter((f) => isAreTomoTiltFile(f.name));
  if (tables.length > 1) throw new Error(`several AreTomo tilt tables (${tables.map((f) => f.name).join(', ')}): load one tilt series at a time`);
  picked.areTomoTilts = tables[0];
  picked.areTomoSession = files.find((f) => isAreTomoSession(f.name));
  if (picked.xf && picked.aln) throw new Error(`both an IMOD alignment (${picked.xf.name}) and an AreTomo one (${picked.aln.name}): drop one`);
  if (comesWithAngles(files.map((f) => f.name))) return picked;
  if (headerAngles) return { ...picked, headerAngles };
  throw new Error(`no tilt-angle file (.tlt, .rawtlt, .mdoc or AreTomo .aln) among ${dropped.join(', ') || 'the dropped files'}, and none in the stack's extended header`);
}

/**
 * The plan for a stack (its name and raw size in sections and pixels), from its side files (readSideFiles). Every mismatch is an error naming
 * both files and both counts; a bad line in a side file is an error naming the file and the line.
 */
export function planSeries(side: SideFiles, stack: { name: string; nx: number; ny: number; nSections: number }, tiltAxis?: number): SeriesPlan {
  const warnings: string[] = [];
  const rows: MetadataRow[] = [];
  // SerialEM's .mdoc, else AreTomo3's _TLT.txt: the acquisition's metadata (the .mdoc says more).
  const metadata = side.mdoc ?? side.areTomoTilts;
  const mdoc = metadata ? (metadata === side.mdoc ? parseMdocMetadata : parseAreTomoTiltFile)(metadata.text, metadata.name) : null;
  if (mdoc) checkAngleCount(mdoc.tiltAngles.value, stack.nSections, mdoc.file, stack.name);
  const alignment = alignmentOf(side, stack, tiltAxis);
  if (alignment) {
    checkAlignment(alignment, stack);
    warnings.push(...alignment.warnings);
  } else if (side.xtilt) {
    warnings.push(`${side.xtilt.name} is ignored: it belongs with an IMOD .xf alignment`);
  }
  // Angles per raw section, where known (an .aln gives them for its kept sections only).
  const { angleSource, anglesOf } = rawAngles(side, alignment, mdoc, stack);
  let kept = alignment ? [...alignment.keptSections] : Array.from({ length: stack.nSections }, (_, k) => k);
  if (alignment && alignment.keptSections.length < stack.nSections) {
    rows.push({ label: 'Sections excluded', value: missing(alignment.keptSections, stack.nSections).join(', '), source: `${alignment.source} (dark frames)` });
  }
  for (const dark of mdoc?.darkTilts ?? []) {
    if (!kept.includes(dark.section)) continue;
    kept = kept.filter((k) => k !== dark.section);
    warnings.push(`${dark.source}: section ${dark.section} (${dark.tiltAngle}°) excluded: ${dark.reason}`);
    rows.push({ label: 'Dark tilt excluded', value: `section ${dark.section} (${dark.tiltAngle}°)`, source: dark.source });
  }
  const tiltCom = side.tiltCom ? parseTiltCom(side.tiltCom.text, side.tiltCom.name) : null;
  if (tiltCom) kept = keptByTiltCom(tiltCom, kept, stack, anglesOf, rows);
  for (const name of side.otherComs ?? []) warnings.push(`${name} does not run IMOD's tilt (no $tilt line): set aside`);
  if (side.otherDefocus) warnings.push(`${side.otherDefocus} set aside: ${side.defocus?.name}'s estimate in IMOD's form`);
  if (side.mdoc && side.areTomoTilts) warnings.push(`${side.areTomoTilts.name} set aside: ${side.mdoc.name} gives the acquisition's metadata`);
  // Too few tilts with none excluded: refused with the other geometry checks (tiltSeriesChecks.ts).
  if (kept.length < 2 && kept.length < stack.nSections) throw new Error(`${stack.name}: only ${kept.length} section${kept.length === 1 ? '' : 's'} left after the side files' exclusions`);
  const offset = tiltCom?.angleOffset?.value ?? 0;
  const plan: SeriesPlan = {
    keptSections: kept,
    tiltAngles: kept.map((k) => anglesOf(k) + offset),
    angleSource,
    alignment: alignment && restrict(alignment, kept),
    mdoc,
    rows,
    warnings,
  };
  if (mdoc) addMdoc(plan, mdoc, alignment !== null || /\.ali$/i.test(stack.name));
  // After the .mdoc, whose voltage stands; before the CTF estimate, whose header (CTFFIND's) fills what the session does not name.
  if (side.areTomoSession) takeMicroscope(plan, readAreTomoSession(side.areTomoSession));
  if (alignment) rows.push({ label: 'Alignment applied', value: alignmentSummary(alignment), source: alignment.source });
  if (alignment?.specimenThickness) {
    // The .aln is of this stack as stored (checkAlignment): its raw pixels are the stack's.
    plan.specimenThickness = { value: alignment.specimenThickness, source: `${alignment.source} (# Thickness)` };
    rows.push({ label: 'Specimen thickness (AreTomo)', value: `${alignment.specimenThickness} pixels, as AreTomo measured it`, source: alignment.source });
  }
  rows.push({ label: 'Tilt angles', value: `${plan.tiltAngles.length} angles`, source: angleSource });
  if (tiltCom) addTiltCom(plan, tiltCom, stack.name, angleSource);
  if (side.defocus) {
    const estimate = readDefocusFile(side.defocus, stack.nSections);
    const mismatch = viewAngleWarning(estimate, anglesOf);
    if (mismatch) warnings.push(mismatch);
    addDefocus(plan, estimate);
  }
  return plan;
}

/** The data panel's row that gives a series' defocus. */
export const DEFOCUS_ROW = 'Defocus';

/**
 * The kept sections' defocus (and astigmatism and phase-plate shift) from a CTF estimate, with its row, and doubtful values warned
 * of; the microscope its file names (CTFFIND's header) where nothing read before named it (the .mdoc's voltage,
 * AreTomo3's session, RELION's tomograms.star), and the row of the Cs and Q the flip will use.
 */
export function addDefocus(plan: SeriesPlan, estimate: DefocusEstimate): void {
  const { rows, warnings, keptSections } = plan;
  warnings.push(...estimate.warnings);
  plan.defocus = keptSections.map((k) => estimate.defocus[k]);
  const outliers = defocusOutlierWarning(estimate.file, plan.defocus, plan.tiltAngles);
  if (outliers) warnings.push(outliers);
  const { phaseShift, astigmaticAxes } = estimate;
  if (phaseShift) plan.phaseShift = keptSections.map((k) => phaseShift[k]);
  if (astigmaticAxes) plan.astigmatism = { cos2: keptSections.map((k) => astigmaticAxes.cos2[k]), sin2: keptSections.map((k) => astigmaticAxes.sin2[k]) };
  const plate = plan.phaseShift ? `; phase plate: ${phaseShiftRange(plan.phaseShift)} added` : '';
  rows.push({ label: DEFOCUS_ROW, value: `${defocusSummary(plan.defocus, estimate.astigmatism, astigmaticAxes !== undefined)}${plate}`, source: estimate.file });
  if (estimate.microscope) takeMicroscope(plan, estimate.microscope);
  addMicroscopeRow(plan);
}

/**
 * The voltage, Cs and Q a file names (a CTF estimate's header, AreTomo3's session), each where nothing read before
 * named it; a voltage unlike the one read before, warned of.
 */
function takeMicroscope(plan: SeriesPlan, named: CtfMicroscope): void {
  const { source } = named;
  if (named.voltage !== undefined && !plan.voltage) {
    plan.voltage = { value: named.voltage, source };
    plan.rows.push({ label: 'Voltage', value: `${named.voltage} kV`, source });
  } else if (named.voltage !== undefined && plan.voltage && Math.abs(named.voltage - plan.voltage.value) >= 1) {
    plan.warnings.push(`${source} names ${named.voltage} kV, where ${plan.voltage.source} says ${plan.voltage.value} kV: ${plan.voltage.value} kV is used`);
  }
  if (named.cs !== undefined) plan.sphericalAberration ??= { value: named.cs, source };
  if (named.amplitudeContrast !== undefined) plan.amplitudeContrast ??= { value: named.amplitudeContrast, source };
}

/** The data panel's row that names the microscope's Cs and Q a phase flip uses, when a file gave them. */
export const MICROSCOPE_ROW = 'Cs, amplitude contrast';

/** "Cs 2.7 mm, Q 0.07" (what the plan's files name of the two), once, for the phase flip. */
function addMicroscopeRow(plan: SeriesPlan): void {
  const { sphericalAberration: cs, amplitudeContrast: q, rows } = plan;
  if ((!cs && !q) || rows.some((r) => r.label === MICROSCOPE_ROW)) return;
  const value = [cs && `Cs ${cs.value} mm`, q && `Q ${q.value}`].filter(Boolean).join(', ');
  rows.push({ label: MICROSCOPE_ROW, value, source: [...new Set([cs?.source, q?.source].filter(Boolean))].join(', ') });
}

/**
 * "2.85–3.40 µm under focus (mean of the two axes; astigmatism up to 0.12 µm)": the data panel's row; "not corrected:
 * no angle" where the estimate gives the two axes but not their angle (a RELION table without rlnDefocusAngle).
 */
function defocusSummary(defocus: readonly number[], astigmatism: number, withAngle: boolean): string {
  const [lo, hi] = [Math.min(...defocus), Math.max(...defocus)];
  const range = lo === hi ? `${lo.toFixed(2)} µm` : `${lo.toFixed(2)}–${hi.toFixed(2)} µm`;
  const astig = astigmatism > 0 ? ` (mean of the two axes; astigmatism up to ${astigmatism.toFixed(2)} µm${withAngle ? '' : ' not corrected: no angle given'})` : '';
  return `${range} under focus${astig}`;
}

/** The raw sections tilt.com keeps of those `kept` so far (view v is section v − 1), with a row for what it left out. */
function keptByTiltCom(tiltCom: TiltCom, kept: number[], stack: { name: string; nSections: number }, anglesOf: (section: number) => number, rows: MetadataRow[]): number[] {
  const list = tiltCom.excluded ?? tiltCom.included;
  if (!list) return kept;
  const past = list.value.filter((v) => v > stack.nSections);
  if (past.length > 0) throw new Error(`${list.source}: view ${past.join(', ')} is past ${stack.name}'s ${stack.nSections} sections`);
  const sections = new Set(list.value.map((v) => v - 1));
  const keep = tiltCom.excluded ? (k: number) => !sections.has(k) : (k: number) => sections.has(k);
  const leftOut = kept.filter((k) => !keep(k));
  const each = leftOut.map((k) => `${k + 1} (${anglesOf(k)}°)`).join(', ');
  rows.push({ label: 'Views left out (IMOD)', value: leftOut.length > 0 ? `${each}: sections ${leftOut.join(', ')}` : 'none beside those already left out', source: list.source });
  return kept.filter(keep);
}

/** tilt.com's angle offset, thickness and radial filter as rows; what it does that is not done here, and names that differ, as warnings. */
function addTiltCom(plan: SeriesPlan, tiltCom: TiltCom, stackName: string, angleSource: string): void {
  const { rows, warnings } = plan;
  const { angleOffset, thickness, radial, imageBinned, input, tiltFile, notApplied, file } = tiltCom;
  if (angleOffset && angleOffset.value !== 0) rows.push({ label: 'Tilt angle offset', value: `${angleOffset.value > 0 ? '+' : ''}${angleOffset.value}° added to every angle`, source: angleOffset.source });
  if (thickness) {
    plan.imodThickness = { value: thickness.value / imageBinned, source: thickness.source };
    const binned = imageBinned > 1 ? `; ${Math.round(thickness.value / imageBinned)} in its stack binned ${imageBinned}` : '';
    rows.push({ label: 'Thickness (IMOD)', value: `${thickness.value} pixels${binned}`, source: thickness.source });
  }
  if (radial) {
    const [cutoff, falloff] = radial.value;
    const unit = cutoff > 1 ? 'Fourier pixels' : 'cycles/pixel';
    // Offered to FBP only where it means what FBP's radial filter means: cycles/pixel, the fall-off a true σ.
    const why = cutoff > 1 ? 'in Fourier pixels: not offered to FBP' : tiltCom.falloffIsTrueSigma ? 'offered to FBP' : "the fall-off in IMOD's older measure (no FalloffIsTrueSigma 1): not offered to FBP";
    if (cutoff <= 1 && tiltCom.falloffIsTrueSigma) plan.imodRadial = { cutoff, falloff, source: radial.source };
    rows.push({ label: 'Radial filter (IMOD)', value: `cutoff ${cutoff}, fall-off σ ${falloff} ${unit}; ${why}`, source: radial.source });
  }
  if (input && baseName(input.value) !== stackName) warnings.push(`${input.source}: it reconstructs ${baseName(input.value)}, not ${stackName}; its view numbers are taken as this stack's sections`);
  if (tiltFile && !angleSource.startsWith(baseName(tiltFile.value))) warnings.push(`${tiltFile.source}: it reads its angles from ${baseName(tiltFile.value)}; these come from ${angleSource}`);
  if (notApplied.length > 0) warnings.push(`${file}: not applied here: ${notApplied.join('; ')}; a tomogram made here can differ from IMOD's`);
}

/** Where the tilt axis given at load comes from, in messages and the data panel. */
export const TYPED_TILT_AXIS_SOURCE = 'tilt-axis angle given at load';

/**
 * The alignment to apply: an .xf or .aln that came with the stack, or a rotation by the tilt-axis angle given at
 * load (degrees from Y, counter-clockwise; 0 or none: the axis already runs along Y). Both at once is an error:
 * the file's transforms already put the axis along Y.
 */
function alignmentOf(side: SideFiles, stack: { name: string; nx: number; ny: number; nSections: number }, tiltAxis: number | undefined): StackAlignment | null {
  const fromFile = side.xf ? imodAlignment(side.xf, side.tlt, side.xtilt) : side.aln ? aretomoAlignment(side.aln) : null;
  if (!tiltAxis) return fromFile;
  if (fromFile) throw new AlignmentFileError(`${fromFile.source} already aligns ${stack.name} (it puts the tilt axis along Y): leave the tilt-axis angle at 0`);
  return tiltAxisAlignment(tiltAxis, stack, `${TYPED_TILT_AXIS_SOURCE} (${tiltAxis}°)`);
}

/** "41 sections resampled (bilinear)", and the swapped size when there is one: the data panel's row. */
export function alignmentSummary(alignment: StackAlignment): string {
  const swapped = alignment.outputSize ? `, width and height swapped to ${alignment.outputSize.nx} × ${alignment.outputSize.ny}` : '';
  return `${alignment.transforms.length} sections resampled (bilinear)${swapped}`;
}

function missing(kept: number[], n: number): number[] {
  return Array.from({ length: n }, (_, k) => k).filter((k) => !kept.includes(k));
}

function rawAngles(
  side: SideFiles,
  alignment: StackAlignment | null,
  mdoc: MdocMetadata | null,
  stack: { name: string; nSections: number },
): { angleSource: string; anglesOf: (section: number) => number } {
  const list = side.tlt ?? side.rawtlt;
  if (list) {
    const angles = parseTlt(list.text, list.name);
    checkAngleCount(angles, stack.nSections, list.name, stack.name);
    return { angleSource: list.name, anglesOf: (k) => angles[k] };
  }
  if (alignment?.tiltAngles) {
    const bySection = new Map(alignment.keptSections.map((k, j) => [k, (alignment.tiltAngles as number[])[j]]));
    return { angleSource: `${alignment.source} (TILT column)`, anglesOf: (k) => bySection.get(k) as number };
  }
  if (mdoc) return { angleSource: mdoc.tiltAngles.source, anglesOf: (k) => mdoc.tiltAngles.value[k] };
  const inHeader = side.headerAngles;
  if (inHeader) return { angleSource: inHeader.source, anglesOf: (k) => inHeader.tiltAngles[k] };
  throw new AlignmentFileError(`${alignment?.source ?? stack.name}: no tilt angles for it (drop the .tlt too)`);
}

/** The alignment's transforms for the kept sections only. */
function restrict(alignment: StackAlignment, kept: number[]): StackAlignment {
  const bySection = new Map<number, Affine2D>(alignment.keptSections.map((k, j) => [k, alignment.transforms[j]]));
  return { ...alignment, keptSections: kept, transforms: kept.map((k) => bySection.get(k) as Affine2D), tiltAngles: undefined };
}

function addMdoc(plan: SeriesPlan, mdoc: MdocMetadata, aligned: boolean): void {
  const { rows, warnings, keptSections } = plan;
  if (mdoc.pixelSize) {
    plan.pixelSize = mdoc.pixelSize;
    rows.push({ label: 'Pixel size (file)', value: `${mdoc.pixelSize.value} Å`, source: mdoc.pixelSize.source });
  }
  if (mdoc.voltage) {
    plan.voltage = mdoc.voltage;
    rows.push({ label: 'Voltage', value: `${mdoc.voltage.value} kV`, source: mdoc.voltage.source });
  }
  if (mdoc.tiltAxisAngle) {
    rows.push({ label: 'Tilt axis', value: `${mdoc.tiltAxisAngle.value}°`, source: mdoc.tiltAxisAngle.source });
    // The .mdoc describes the raw stack; whether this stack is still raw only its alignment files tell.
    if (!aligned) {
      warnings.push(
        `${mdoc.file}: the raw stack's tilt axis is at ${mdoc.tiltAxisAngle.value}°; if this stack is not aligned yet (axis along Y), drop its .xf or .aln with it, or give that tilt-axis angle at load to rotate it`,
      );
    }
  }
  rows.push({ label: 'Acquisition order', value: `by ${mdoc.acquisitionOrder.from}`, source: mdoc.acquisitionOrder.source });
  if (mdoc.exposureDose && mdoc.accumulatedDose) {
    const exposure = mdoc.exposureDose.map((d) => d.value);
    const accumulated = mdoc.accumulatedDose.value;
    plan.exposureDose = keptSections.map((k) => exposure[k]);
    plan.accumulatedDose = keptSections.map((k) => accumulated[k]);
    const total = exposure.reduce((s, d) => s + d, 0);
    rows.push({ label: 'Dose', value: `${total.toFixed(1)} e/Å² in all, ${(total / exposure.length).toFixed(2)} per tilt on average`, source: mdoc.accumulatedDose.source });
  } else {
    rows.push({ label: 'Dose', value: 'unknown', source: mdoc.file });
  }
  warnings.push(...mdoc.notes); // each already names the file
}

/**
 * The alignment in pixels of a stack binned by `bin` at load (bin × bin blocks averaged, edge pixels that do
 * not fill a block dropped). A binned pixel at centred c′ covers raw centred b·c′ − r/2, r = n mod b, so
 * raw = A·aligned + t becomes raw′ = A·aligned′ + (t − A·h + h)/b with h = (rx/2, ry/2): newstack's order
 * (bin first, then interpolate), exact for the block centres.
 */
export function binAlignment(alignment: StackAlignment, bin: number, raw: { nx: number; ny: number }): StackAlignment {
  if (bin === 1) return alignment;
  const hx = (raw.nx % bin) / 2;
  const hy = (raw.ny % bin) / 2;
  return {
    ...alignment,
    transforms: alignment.transforms.map((t) => ({
      ...t,
      x0: (t.x0 - (t.xx * hx + t.xy * hy) + hx) / bin,
      y0: (t.y0 - (t.yx * hx + t.yy * hy) + hy) / bin,
    })),
    rawSize: alignment.rawSize && { nx: Math.floor(alignment.rawSize.nx / bin), ny: Math.floor(alignment.rawSize.ny / bin) },
    outputSize: alignment.outputSize && { nx: Math.floor(alignment.outputSize.nx / bin), ny: Math.floor(alignment.outputSize.ny / bin) },
  };
}
