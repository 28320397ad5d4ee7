import { describe, expect, it } from 'vitest';
import type { CrossValidationSummary, FscReport, OddEvenSummary, TrustSummary } from '../../../workers/api.ts';
import { csvCell, toCsv } from '../../io/csv.ts';
import { crossValidationCsv, fscCsv, metricsCsv, metricsJson, oddEvenCsv, trustCsv } from './csv.ts';

const rowsOf = (csv: string): string[][] =>
  csv
    .trim()
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .map((l) => l.split(','));

describe('CSV builders', () => {
  it('quotes only where needed and writes numbers at full precision', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(csvCell(NaN)).toBe('');
    expect(csvCell(Infinity)).toBe('inf');
    expect(csvCell(null)).toBe('');
    expect(toCsv(['a', 'b'], [[1, 'x']], ['note'])).toBe('# note\na,b\n1,x\n');
  });

  it('writes every FSC curve with frequencies in cycles/voxel and 1/Å and the resolution', () => {
    const report: FscReport = {
      labelA: 'FBP (cosine)',
      labelB: 'Ground truth',
      shells: [0, 0.25, 0.5],
      fsc: [1, 0.6, 0.1],
      counts: [1, 6, 12],
      fscMeasured: [1, 0.8, 0.2],
      fscMissing: [1, 0.3, 0],
      res0143: 0.45,
      res05: 0.3,
      pixelSize: 8,
    };
    const rows = rowsOf(fscCsv(report));
    expect(rows[0]).toEqual(['shell', 'frequency_cycles_per_voxel', 'frequency_per_A', 'resolution_A', 'fsc', 'fsc_measured', 'fsc_missing']);
    expect(rows[2]).toEqual(['1', '0.25', '0.03125', '32', '0.6', '0.8', '0.3']);
    expect(rows[1][3]).toBe(''); // shell 0: no finite resolution
    expect(rows).toHaveLength(4);
    expect(fscCsv({ ...report, pixelSize: 0 })).toContain('resolution_voxels');
  });

  it("writes the odd/even FSC, and a pipeline's halves' curve beside it on its own shells in 1/Å", () => {
    const summary: OddEvenSummary = { label: 'FBP, odd vs even tilts', split: 'tilts', shells: [0, 0.25, 0.5], fsc: [1, 0.7, 0.2], res0143: null, res05: 0.4, pixelSize: 10 };
    const alone = rowsOf(oddEvenCsv(summary));
    expect(alone[0]).toEqual(['shell', 'frequency_cycles_per_voxel', 'frequency_per_A', 'resolution_A', 'fsc_odd_even']);
    expect(alone[2]).toEqual(['1', '0.25', '0.025', '40', '0.7']);
    expect(alone).toHaveLength(4);
    // The halves at 5 Å per voxel: four shells to the odd/even's three, so the last row has only the halves' cells.
    const halves: FscReport = { labelA: 'TS_1_EVN_Vol.mrc', labelB: 'TS_1_ODD_Vol.mrc', shells: [0, 0.125, 0.25, 0.5], fsc: [1, 0.9, 0.6, 0.1], counts: [1, 4, 8, 16], res0143: 0.45, res05: 0.3, pixelSize: 5 };
    const csv = oddEvenCsv(summary, halves);
    expect(csv).toContain('# pipeline\'s halves: FSC of "TS_1_EVN_Vol.mrc" vs "TS_1_ODD_Vol.mrc" at 5 A per voxel');
    const both = rowsOf(csv);
    expect(both[0].slice(-2)).toEqual(['pipeline_halves_frequency_per_A', 'pipeline_halves_fsc']);
    expect(both[2]).toEqual(['1', '0.25', '0.025', '40', '0.7', '0.025', '0.9']);
    expect(both[4]).toEqual(['3', '', '', '', '', '0.1', '0.1']);
    // Without both pixel sizes the curves share no axis: the halves are left out, as in the figure.
    expect(rowsOf(oddEvenCsv(summary, { ...halves, pixelSize: 0 }))).toEqual(alone);
    expect(rowsOf(oddEvenCsv({ ...summary, pixelSize: 0 }, halves))[0]).toHaveLength(5);
  });

  it('writes cross-validation scores per angle and the means', () => {
    const summary = {
      label: 'FBP',
      scores: [
        { index: 3, angle: -15, nmse: 0.2, corr: 0.9 },
        { index: 7, angle: 15, nmse: 0.4, corr: 0.8 },
      ],
      meanNmse: 0.3,
      meanCorr: 0.85,
    } as unknown as CrossValidationSummary;
    const rows = rowsOf(crossValidationCsv(summary));
    expect(rows[0]).toEqual(['tilt_index', 'angle_deg', 'nmse', 'correlation']);
    expect(rows[1]).toEqual(['3', '-15', '0.2', '0.9']);
    expect(rows[3]).toEqual(['mean', '', '0.3', '0.85']);
  });

  it('writes a trust score\'s two FRC curves per ring, with what was held out and the verdict', () => {
    const trust: TrustSummary = {
      label: 'Local network (broad-p11)',
      fbpLabel: 'FBP (ram-lak, thickness 8, bin 4)',
      heldOutSpec: 'every:4',
      heldOut: [{ index: 1, angle: -57, summaryMethod: 0.5, summaryFbp: 0.6 }],
      frequencies: [0, 0.25, 0.5],
      counts: [1, 8, 12],
      frcMethod: [1, 0.5, 0.1],
      frcFbp: [1, 0.6, 0.2],
      band: 0.25,
      summaryMethod: 0.5,
      summaryFbp: 0.6,
      difference: -0.1,
      tolerance: 0.01,
      verdict: 'worse',
    };
    const csv = trustCsv(trust);
    expect(csv).toContain('# held out (every:4): -57 deg (tilt 1)');
    expect(csv).toContain('difference -0.1, tolerance 0.01: worse than FBP on your data');
    const rows = rowsOf(csv);
    expect(rows[0]).toEqual(['ring', 'frequency_cycles_per_pixel', 'pixels', 'frc_method', 'frc_fbp']);
    expect(rows[2]).toEqual(['1', '0.25', '8', '0.5', '0.6']);
  });

  it('writes metrics as CSV and JSON, saying PSNR follows the affine fit', () => {
    const rows = [
      { resultId: 'r2', label: 'FBP, "hann"', psnr: 21.5, psnrWedge: 24.5, psnrWedgeMissing: 24.5, ssim: 0.61, res0143: 0.25, res05: 0.125, pixelSize: 8 },
      { resultId: 'r3', label: 'SIRT', psnr: null, psnrWedge: null, psnrWedgeMissing: null, ssim: null, res0143: null, res05: null, pixelSize: 8, error: 'size differs' },
    ];
    const csv = metricsCsv(rows);
    expect(csv).toMatch(/^# PSNR after the least-squares affine fit/);
    expect(csv).toContain('psnr_db_after_affine_fit');
    expect(csv).toContain('psnr_db_measured_side,psnr_db_missing_side');
    expect(csv).toContain('r2,"FBP, ""hann""",21.5,24.5,24.5,0.61,32,64,0.25,0.125,');
    const json = JSON.parse(metricsJson(rows, 'demo'));
    expect(json.note).toMatch(/affine fit/);
    expect(json.results[0]).toMatchObject({ id: 'r2', psnrDb: 21.5, psnrMeasuredSideDb: 24.5, psnrMissingSideDb: 24.5, ssim: 0.61, fsc0143: { frequency: 0.25, resolution: 32 }, resolutionUnit: 'Å' });
    expect(json.results[1]).toMatchObject({ psnrDb: null, psnrMeasuredSideDb: null, error: 'size differs' });
  });
});
