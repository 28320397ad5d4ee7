/** Plot specifications of the comparison figures (FSC, odd/even, cross-validation, trust score). Pure. */
import type { CrossValidationSummary, FscReport, OddEvenSummary, TrustSummary } from '../../../workers/api.ts';
import type { PlotSeries, PlotSpec, ReferenceLine } from './plotSvg.ts';
import { frequencyUnit } from './units.ts';

export const FSC_THRESHOLDS: ReferenceLine[] = [
  { value: 0.5, label: '0.5', color: '#c9a227' },
  { value: 0.143, label: '0.143', color: '#d06a6a' },
];

export const CURVE_COLORS = {
  full: '#4aa3ff',
  measured: '#4fd18b',
  missing: '#ff8a5c',
  oddEven: '#c38cff',
  nmse: '#ff8a5c',
  corr: '#4aa3ff',
  trustMethod: '#4aa3ff',
  trustFbp: '#ff8a5c',
  agreement: '#4fd18b',
  flagged: '#ff5c5c',
  pipelineHalves: '#e0c050',
};

/**
 * A directional FSC with its empty shells as gaps. The worker reports 0 for a shell without
 * voxels in the region (the low shells of the missing region, which lie wholly in the measured
 * planes); an FSC of exactly 0 does not otherwise occur with real data, so exact zeros are taken
 * as empty shells: not drawn, and never a "first crossing".
 */
export function emptyShellsAsGaps(values: number[]): number[] {
  return values.map((v) => (v === 0 ? NaN : v));
}

/**
 * Shell (or ring) 0 is the mean alone: one coefficient, whose "correlation" is the sign of two near-zero means
 * (every reconstruction here is of a centred stack), so ±1 by chance. It is drawn at 1, as the resolution's first
 * crossing takes it (engine/metrics/fsc.ts resolutionAt) and as RELION reports it, so that a chance −1 neither draws
 * a spike at zero frequency nor stretches the axis down to −1; the trust band leaves it out. An empty shell 0 (a
 * gap) stays one.
 */
function meanShellAtOne(values: number[]): number[] {
  return values.map((v, shell) => (shell === 0 && Number.isFinite(v) ? 1 : v));
}

/** Which FSC curves a report holds, named as in docs/conventions.md#measured-and-missing-regions. */
export function fscSeries(report: FscReport, xScale: number): PlotSeries[] {
  const x = report.shells.map((s) => s * xScale);
  const series: PlotSeries[] = [{ name: 'FSC (all)', x, y: meanShellAtOne(report.fsc), color: CURVE_COLORS.full, width: 2 }];
  const add = (name: string, values: number[] | undefined, color: string, dash?: string): void => {
    if (values) series.push({ name, x, y: meanShellAtOne(emptyShellsAsGaps(values)), color, dash });
  };
  add('measured region', report.fscMeasured, CURVE_COLORS.measured);
  add('missing region', report.fscMissing, CURVE_COLORS.missing);
  add('wedge cone: measured', report.fscWedge, CURVE_COLORS.measured, '5 3');
  add('wedge cone: missing', report.fscWedgeMissing, CURVE_COLORS.missing, '5 3');
  return series;
}

function fscYDomain(curves: number[][]): [number, number] {
  let lo = 0;
  for (const c of curves) for (const v of c) if (Number.isFinite(v)) lo = Math.min(lo, v);
  return [Math.max(-1, Math.min(-0.05, Math.floor(lo * 10) / 10)), 1.02];
}

export function fscPlotSpec(report: FscReport, width = 620, height = 320): PlotSpec {
  const unit = frequencyUnit(report.pixelSize);
  const series = fscSeries(report, unit.scale);
  const nyquist = report.shells.length ? report.shells[report.shells.length - 1] * unit.scale : 0.5 * unit.scale;
  const res = [report.res0143, report.res05].filter((f): f is number => f !== null).map((f) => ({ value: f * unit.scale, label: '', color: '#5b6773' }));
  return {
    id: 'fsc',
    width,
    height,
    title: `FSC: ${report.labelA} vs ${report.labelB}`,
    xLabel: `spatial frequency (${unit.label})`,
    yLabel: 'FSC',
    series,
    xDomain: [0, nyquist],
    yDomain: fscYDomain(series.map((s) => s.y)),
    hLines: FSC_THRESHOLDS,
    vLines: res,
  };
}

/** A pipeline's halves' FSC where it can share the odd/even's axis in 1/Å: both need a pixel size. */
export function halvesBesideOddEven(summary: OddEvenSummary, pipelineHalves?: FscReport | null): FscReport | null {
  return pipelineHalves && summary.pixelSize > 0 && pipelineHalves.pixelSize > 0 ? pipelineHalves : null;
}

/**
 * The odd/even FSC; with `pipelineHalves` (the FSC of a pipeline's two half tomograms of the series), that curve
 * too, dashed, where both have a pixel size (plotted in 1/Å, each on its own voxel size).
 */
export function oddEvenPlotSpec(summary: OddEvenSummary, pipelineHalves?: FscReport | null, width = 620, height = 300): PlotSpec {
  const unit = frequencyUnit(summary.pixelSize);
  const x = summary.shells.map((s) => s * unit.scale);
  const fsc = meanShellAtOne(summary.fsc);
  const halves = halvesBesideOddEven(summary, pipelineHalves);
  const halvesX = halves ? halves.shells.map((s) => s / halves.pixelSize) : [];
  const nyquist = Math.max(x.length ? x[x.length - 1] : 0.5 * unit.scale, ...halvesX);
  const halvesSeries: PlotSeries[] = halves
    ? [{ name: `pipeline's halves (${halves.labelA} vs ${halves.labelB})`, x: halvesX, y: meanShellAtOne(halves.fsc), color: CURVE_COLORS.pipelineHalves, dash: '5 3' }]
    : [];
  return {
    id: 'oddeven',
    width,
    height,
    title: summary.label,
    xLabel: `spatial frequency (${unit.label})`,
    yLabel: `FSC (odd vs even ${summary.split})`,
    series: [{ name: summary.split === 'frames' ? 'frame-half FSC' : 'odd/even FSC', x, y: fsc, color: CURVE_COLORS.oddEven, width: 2 }, ...halvesSeries],
    xDomain: [0, nyquist],
    yDomain: fscYDomain([fsc, ...halvesSeries.map((s) => s.y)]),
    hLines: FSC_THRESHOLDS,
    vLines: [summary.res0143, summary.res05].filter((f): f is number => f !== null).map((f) => ({ value: f * unit.scale, label: '', color: '#5b6773' })),
  };
}

/** NMSE and correlation per held-out angle, sorted by angle. */
export function crossValidationPlotSpec(summary: CrossValidationSummary, width = 620, height = 260): PlotSpec {
  const sorted = [...summary.scores].sort((a, b) => a.angle - b.angle);
  const angles = sorted.map((s) => s.angle);
  const nmse = sorted.map((s) => s.nmse);
  const corr = sorted.map((s) => s.corr);
  const finite = [...nmse, ...corr].filter(Number.isFinite);
  const lo = Math.min(0, ...finite);
  const hi = Math.max(1, ...finite);
  const aLo = Math.min(...angles, 0);
  const aHi = Math.max(...angles, 0);
  const pad = Math.max(3, (aHi - aLo) * 0.05);
  return {
    id: 'cv',
    width,
    height,
    title: `Held-out tilts: ${summary.label}`,
    xLabel: 'held-out tilt angle (°)',
    yLabel: 'NMSE  /  correlation',
    series: [
      { name: `NMSE (mean ${summary.meanNmse.toFixed(3)})`, x: angles, y: nmse, color: CURVE_COLORS.nmse, markers: true },
      { name: `correlation (mean ${summary.meanCorr.toFixed(3)})`, x: angles, y: corr, color: CURVE_COLORS.corr, markers: true },
      ...agreementSeries(summary),
    ],
    xDomain: [aLo - pad, aHi + pad],
    yDomain: [lo, hi * 1.05],
    // Each tilt held out in turn: the ones that agree less than their neighbours, marked where they are.
    vLines: summary.agreement ? summary.scores.filter((_, i) => summary.agreement?.flagged[i]).map((s) => ({ value: s.angle, label: `tilt ${s.index + 1}`, color: CURVE_COLORS.flagged })) : [],
  };
}

/** Each tilt held out in turn: its agreement (FRC to 0.25 cycles/pixel) and what its neighbours lead one to expect, by angle. */
function agreementSeries({ scores, agreement }: CrossValidationSummary): PlotSeries[] {
  if (!agreement) return [];
  const order = scores.map((s, i) => ({ angle: s.angle, i })).sort((a, b) => a.angle - b.angle);
  const x = order.map((o) => o.angle);
  return [
    { name: 'agreement (FRC to 0.25 cycles/pixel)', x, y: order.map((o) => agreement.score[o.i]), color: CURVE_COLORS.agreement, markers: true },
    { name: 'expected from its neighbours', x, y: order.map((o) => agreement.expected[o.i]), color: CURVE_COLORS.agreement, dash: '4 3' },
  ];
}

/** A trust score's two FRC curves (docs/trust.md) over the binned tilts' frequency, with the summary band's edge. */
export function trustPlotSpec(trust: TrustSummary, width = 620, height = 280): PlotSpec {
  const x = trust.frequencies;
  const [method, fbp] = [meanShellAtOne(trust.frcMethod), meanShellAtOne(trust.frcFbp)];
  return {
    id: 'trust',
    width,
    height,
    // The result's label names the file; in the title it would overrun the plot.
    title: `Trust vs FBP: FRC with the held-out tilts (${trust.heldOutSpec})`,
    xLabel: 'spatial frequency (cycles/pixel of the binned tilts)',
    yLabel: 'FRC with the measured tilt',
    series: [
      { name: `this result (band mean ${trust.summaryMethod.toFixed(3)})`, x, y: method, color: CURVE_COLORS.trustMethod, width: 2 },
      { name: `FBP (band mean ${trust.summaryFbp.toFixed(3)})`, x, y: fbp, color: CURVE_COLORS.trustFbp, dash: '5 3' },
    ],
    xDomain: [0, x[x.length - 1]],
    yDomain: fscYDomain([method, fbp]),
    vLines: [{ value: trust.band, label: `band ≤ ${trust.band}`, color: '#5b6773' }],
  };
}
