/** CSV and JSON builders for the comparison exports. Pure, no DOM. */
import type { CrossValidationSummary, FscReport, OddEvenSummary, TrustSummary } from '../../../workers/api.ts';
import { verdictText } from '../../engine/metrics/trust.ts';
import { toCsv, type Cell } from '../../io/csv.ts';
import { resolutionLength } from '../../engine/metrics/fsc.ts';
import { halvesBesideOddEven } from './figures.ts';
import { AGREEMENT_NEIGHBOURS } from '../../engine/metrics/crossValidation.ts';

function frequencyColumns(shell: number, pixelSize: number): Cell[] {
  return [shell, pixelSize > 0 ? shell / pixelSize : null, resolutionLength(shell, pixelSize)];
}

const FREQUENCY_HEADER = ['frequency_cycles_per_voxel', 'frequency_per_A', 'resolution'];

/** Every FSC curve of a report, one row per shell; absent directional curves are left out. */
export function fscCsv(report: FscReport): string {
  const curves: [string, number[] | undefined][] = [
    ['fsc', report.fsc],
    ['fsc_measured', report.fscMeasured],
    ['fsc_missing', report.fscMissing],
    ['fsc_wedge_measured', report.fscWedge],
    ['fsc_wedge_missing', report.fscWedgeMissing],
  ];
  const present = curves.filter((c): c is [string, number[]] => Array.isArray(c[1]) && c[1].length > 0);
  const unit = report.pixelSize > 0 ? 'A' : 'voxels';
  return toCsv(
    ['shell', ...FREQUENCY_HEADER.map((h) => (h === 'resolution' ? `resolution_${unit}` : h)), ...present.map(([name]) => name)],
    report.shells.map((s, r) => [r, ...frequencyColumns(s, report.pixelSize), ...present.map(([, values]) => values[r])]),
    [`FSC of "${report.labelA}" vs "${report.labelB}" (definitions: WedgeLab docs/conventions.md#fsc)`, `pixel size ${report.pixelSize > 0 ? `${report.pixelSize} A` : 'unknown'}`],
  );
}

/**
 * The odd/even FSC per shell; with `pipelineHalves` (a pipeline's half tomograms' FSC, drawn beside it), that curve
 * too in two more columns, its own frequency in 1/Å and its FSC: each curve on its own voxel size, row r being shell
 * r of each, blank past the shorter.
 */
export function oddEvenCsv(summary: OddEvenSummary, pipelineHalves?: FscReport | null): string {
  const unit = summary.pixelSize > 0 ? 'A' : 'voxels';
  const halves = halvesBesideOddEven(summary, pipelineHalves);
  const rows = Math.max(summary.shells.length, halves?.shells.length ?? 0);
  const oddEvenCells = (r: number): Cell[] => (r < summary.shells.length ? [...frequencyColumns(summary.shells[r], summary.pixelSize), summary.fsc[r]] : [null, null, null, null]);
  const halvesCells = (r: number): Cell[] => (!halves ? [] : r < halves.shells.length ? [halves.shells[r] / halves.pixelSize, halves.fsc[r]] : [null, null]);
  return toCsv(
    ['shell', ...FREQUENCY_HEADER.map((h) => (h === 'resolution' ? `resolution_${unit}` : h)), 'fsc_odd_even', ...(halves ? ['pipeline_halves_frequency_per_A', 'pipeline_halves_fsc'] : [])],
    Array.from({ length: rows }, (_, r) => [r, ...oddEvenCells(r), ...halvesCells(r)]),
    [
      summary.label,
      `pixel size ${summary.pixelSize > 0 ? `${summary.pixelSize} A` : 'unknown'}`,
      ...(halves ? [`pipeline's halves: FSC of "${halves.labelA}" vs "${halves.labelB}" at ${halves.pixelSize} A per voxel, on its own shells`] : []),
    ],
  );
}

/** One row per held-out tilt, then the means. */
export function crossValidationCsv(summary: CrossValidationSummary): string {
  const { agreement } = summary;
  const comments = [summary.label, 'NMSE = |p_hat - p|^2/|p|^2 after standardising both to mean 0, std 1; Pearson correlation'];
  if (!agreement) {
    return toCsv(['tilt_index', 'angle_deg', 'nmse', 'correlation'], [...summary.scores.map((s) => [s.index, s.angle, s.nmse, s.corr]), ['mean', null, summary.meanNmse, summary.meanCorr]], comments);
  }
  return toCsv(
    ['tilt_index', 'angle_deg', 'nmse', 'correlation', 'agreement_frc_to_0.25', 'expected_from_neighbours', 'flagged'],
    [
      ...summary.scores.map((s, i) => [s.index, s.angle, s.nmse, s.corr, agreement.score[i], agreement.expected[i], agreement.flagged[i] ? 1 : 0]),
      ['mean', null, summary.meanNmse, summary.meanCorr, null, null, null],
    ],
    [...comments, `agreement: mean FRC over 0 < f <= 0.25 cycles/pixel; flagged when more than ${agreement.threshold.toFixed(4)} below the median of the ${AGREEMENT_NEIGHBOURS} nearest tilts by angle either side`],
  );
}

/** A trust score's curves, one row per ring; what was held out, the band means and the verdict as comments. */
export function trustCsv(trust: TrustSummary): string {
  const { summaryMethod, summaryFbp, difference, tolerance } = trust;
  return toCsv(
    ['ring', 'frequency_cycles_per_pixel', 'pixels', 'frc_method', 'frc_fbp'],
    trust.frequencies.map((f, r) => [r, f, trust.counts[r], trust.frcMethod[r], trust.frcFbp[r]]),
    [
      `trust score of "${trust.label}" against "${trust.fbpLabel}" (definitions: WedgeLab docs/trust.md)`,
      `held out (${trust.heldOutSpec}): ${trust.heldOut.map((t) => `${t.angle} deg (tilt ${t.index})`).join(', ')}`,
      `FRC with the measured tilts, mean over the held-out tilts; band mean over 0 < f <= ${trust.band} cycles/pixel, rings weighted by pixels`,
      `band means: method ${summaryMethod}, FBP ${summaryFbp}; difference ${difference}, tolerance ${tolerance}: ${verdictText(trust.verdict)}`,
    ],
  );
}

export interface MetricsRow {
  resultId: string;
  label: string;
  /** After the affine fit x' = αx + β to the ground truth. */
  psnr: number | null;
  /** The PSNR's error on the measured and the missing side of the wedge cone alone (dB). */
  psnrWedge: number | null;
  psnrWedgeMissing: number | null;
  ssim: number | null;
  /** Frequencies (cycles/voxel) of the FSC against ground truth at 0.143 and 0.5. */
  res0143: number | null;
  res05: number | null;
  pixelSize: number;
  error?: string;
}

export const PSNR_NOTE = "PSNR after the least-squares affine fit x' = a*x + b of each result to the ground truth";
export const WEDGE_PSNR_NOTE =
  'PSNR of the measured and missing side: the same error, Fourier coefficients inside and outside the wedge cone of the tilt range only (the two mean squares add up to the whole)';

export function metricsCsv(rows: MetricsRow[]): string {
  const unit = rows.some((r) => r.pixelSize > 0) ? 'A' : 'voxels';
  return toCsv(
    ['result_id', 'result', 'psnr_db_after_affine_fit', 'psnr_db_measured_side', 'psnr_db_missing_side', 'ssim', `resolution_fsc0143_${unit}`, `resolution_fsc05_${unit}`, 'frequency_fsc0143_cycles_per_voxel', 'frequency_fsc05_cycles_per_voxel', 'error'],
    rows.map((r) => [
      r.resultId,
      r.label,
      r.psnr,
      r.psnrWedge,
      r.psnrWedgeMissing,
      r.ssim,
      resolutionLength(r.res0143, r.pixelSize),
      resolutionLength(r.res05, r.pixelSize),
      r.res0143,
      r.res05,
      r.error ?? null,
    ]),
    [PSNR_NOTE, WEDGE_PSNR_NOTE, 'SSIM: 3-D, Gaussian window sigma 1.5, data range of the ground truth; resolution from the FSC against ground truth'],
  );
}

export function metricsJson(rows: MetricsRow[], datasetName: string): string {
  const finite = (v: number | null): number | null => (v !== null && Number.isFinite(v) ? v : null);
  return `${JSON.stringify(
    {
      dataset: datasetName,
      note: PSNR_NOTE,
      noteSides: WEDGE_PSNR_NOTE,
      results: rows.map((r) => ({
        id: r.resultId,
        label: r.label,
        psnrDb: finite(r.psnr),
        psnrMeasuredSideDb: finite(r.psnrWedge),
        psnrMissingSideDb: finite(r.psnrWedgeMissing),
        ssim: finite(r.ssim),
        fsc0143: { frequency: r.res0143, resolution: resolutionLength(r.res0143, r.pixelSize) },
        fsc05: { frequency: r.res05, resolution: resolutionLength(r.res05, r.pixelSize) },
        resolutionUnit: r.pixelSize > 0 ? 'Å' : 'voxels',
        ...(r.error ? { error: r.error } : {}),
      })),
    },
    null,
    2,
  )}\n`;
}
