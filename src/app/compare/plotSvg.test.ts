import { describe, expect, it } from 'vitest';
import type { FscReport } from '../../../workers/api.ts';
import { crossValidationPlotSpec, fscPlotSpec, fscSeries, oddEvenPlotSpec, trustPlotSpec } from './figures.ts';
import { buildPlotSvg, escapeXml, legendCorner, pathData, titleLines } from './plotSvg.ts';

describe('SVG plots', () => {
  it('sets a long title in two lines broken at spaces, the rest ended with "…", the plot moved down a line', () => {
    expect(titleLines('FSC: FBP vs truth', 300)).toEqual(['FSC: FBP vs truth']);
    const long = 'Held-out tilts: SIRT (3 it, λ 1, textbook weights, thickness 32, bin 1, mean subtracted), held out 15.0° -15.0°';
    const lines = titleLines(long, 400);
    expect(lines).toHaveLength(2);
    expect(lines.join(' ')).toBe(long);
    for (const line of lines) expect(line.length * 6.6).toBeLessThanOrEqual(400);
    const cut = titleLines(`${long} ${long}`, 400);
    expect(cut).toHaveLength(2);
    expect(cut[1].endsWith('…')).toBe(true);
    const svg = buildPlotSvg({ width: 450, height: 200, title: long, xLabel: 'x', yLabel: 'y', series: [] });
    expect(svg.match(/data-role="title"/g)).toHaveLength(2);
    expect(svg).toContain(`<title>${escapeXml(long)}</title>`);
    // The plot's top axis line starts one line lower than with a one-line title (26 px).
    expect(svg).toContain('y1="39"');
  });

  it('breaks lines at non-finite points', () => {
    const id = (v: number) => v;
    expect(pathData([0, 1, 2, 3], [0, 1, NaN, 3], id, id)).toBe('M0 0L1 1M3 3');
    expect(pathData([], [], id, id)).toBe('');
  });

  it('escapes labels', () => {
    expect(escapeXml('a<b & "c"')).toBe('a&lt;b &amp; &quot;c&quot;');
  });

  it('builds a standalone SVG with one path per series, thresholds and a clip path of its own', () => {
    const svg = buildPlotSvg({
      id: 'test',
      width: 300,
      height: 200,
      xLabel: 'x <unit>',
      yLabel: 'y',
      series: [
        { name: 'a', x: [0, 1, 2], y: [1, 0.5, 0], color: '#fff' },
        { name: 'b', x: [0, 1, 2], y: [0.2, 0.3, 0.4], color: '#f00', dash: '4 2' },
      ],
      hLines: [{ value: 0.143, label: '0.143', color: '#888' }],
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="300" height="200"')).toBe(true);
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg).toContain('clipPath id="test-area"');
    expect(svg).toContain('x &lt;unit&gt;');
    expect(svg).toContain('>0.143<');
    expect(svg).toContain('stroke-dasharray="4 2"');
    expect(svg.endsWith('</svg>')).toBe(true);
  });

  it('plots every FSC curve of a report against 1/Å, with both thresholds', () => {
    const report: FscReport = {
      labelA: 'A',
      labelB: 'B',
      shells: [0, 0.25, 0.5],
      fsc: [1, 0.6, 0.1],
      counts: [1, 6, 12],
      fscMeasured: [1, 0.8, 0.2],
      fscMissing: [1, 0.3, -0.3],
      fscWedge: [1, 0.8, 0.2],
      fscWedgeMissing: [1, 0.3, 0],
      res0143: 0.45,
      res05: 0.3,
      pixelSize: 8,
    };
    // Empty shells (reported as exactly 0) of the directional curves are gaps.
    expect(fscSeries({ ...report, fscMissing: [0, 0.3, -0.3] }, 1)[2].y).toEqual([NaN, 0.3, -0.3]);
    expect(fscSeries(report, 1).map((s) => s.name)).toEqual(['FSC (all)', 'measured region', 'missing region', 'wedge cone: measured', 'wedge cone: missing']);
    const spec = fscPlotSpec(report);
    expect(spec.xLabel).toBe('spatial frequency (1/Å)');
    expect(spec.xDomain).toEqual([0, 0.0625]);
    expect(spec.yDomain?.[0]).toBeLessThanOrEqual(-0.3);
    expect(spec.hLines?.map((l) => l.value)).toEqual([0.5, 0.143]);
    expect(buildPlotSvg(spec).match(/<path /g)).toHaveLength(5);
    expect(fscPlotSpec({ ...report, pixelSize: 0, fscMeasured: undefined }).xLabel).toBe('spatial frequency (cycles/voxel)');
  });

  it('draws shell 0 (the mean alone, ±1 by chance) at 1, so a chance −1 neither spikes nor stretches the axis', () => {
    const report = { labelA: 'A', labelB: 'B', shells: [0, 0.25, 0.5], fsc: [-1, 0.6, 0.1], counts: [1, 6, 12], fscMissing: [0, 0.3, 0.2], res0143: null, res05: null, pixelSize: 0 };
    const series = fscSeries(report, 1);
    expect(series[0].y).toEqual([1, 0.6, 0.1]);
    expect(series[1].y).toEqual([NaN, 0.3, 0.2]); // the missing region: an empty shell 0 stays a gap
    expect(fscPlotSpec(report).yDomain).toEqual([-0.05, 1.02]);
    const oddEven = oddEvenPlotSpec({ label: 'frame-half FSC', split: 'frames', shells: [0, 0.25, 0.5], fsc: [-1, 0.9, 0.2], res0143: null, res05: null, pixelSize: 0 } as never);
    expect(oddEven.series[0].y).toEqual([1, 0.9, 0.2]);
    expect(oddEven.yDomain).toEqual([-0.05, 1.02]);
    // A pipeline's halves' FSC beside it, each curve on its own voxel size in 1/Å; none without pixel sizes.
    const halves = { ...report, labelA: 'TS_EVN_Vol.mrc', labelB: 'TS_ODD_Vol.mrc', fsc: [1, 0.7, -0.3], pixelSize: 20 };
    const withHalves = oddEvenPlotSpec({ label: 'odd/even', split: 'frames', shells: [0, 0.25, 0.5], fsc: [1, 0.9, 0.2], res0143: null, res05: null, pixelSize: 10 } as never, halves);
    expect(withHalves.series.map((s) => [s.name, s.x, s.y, s.dash])).toEqual([
      ['frame-half FSC', [0, 0.025, 0.05], [1, 0.9, 0.2], undefined],
      ["pipeline's halves (TS_EVN_Vol.mrc vs TS_ODD_Vol.mrc)", [0, 0.0125, 0.025], [1, 0.7, -0.3], '5 3'],
    ]);
    expect([withHalves.xDomain, withHalves.yDomain]).toEqual([[0, 0.05], [-0.3, 1.02]]);
    expect(oddEvenPlotSpec({ label: 'odd/even', split: 'tilts', shells: [0, 0.5], fsc: [1, 0.2], res0143: null, res05: null, pixelSize: 0 } as never, halves).series).toHaveLength(1);
    const trust = trustPlotSpec({ frequencies: [0, 0.25, 0.5], frcMethod: [-1, 0.5, 0.1], frcFbp: [1, 0.4, -0.2], summaryMethod: 0.3, summaryFbp: 0.2, band: 0.25, heldOutSpec: '2 tilts' } as never);
    expect(trust.series.map((s) => s.y[0])).toEqual([1, 1]);
    expect(trust.yDomain?.[0]).toBe(-0.2);
  });

  it('plots cross-validation scores sorted by angle', () => {
    const spec = crossValidationPlotSpec({
      label: 'FBP',
      scores: [
        { index: 9, angle: 15, nmse: 0.4, corr: 0.8 },
        { index: 1, angle: -15, nmse: 0.2, corr: 0.9 },
      ],
      meanNmse: 0.3,
      meanCorr: 0.85,
    } as never);
    expect(spec.series[0].x).toEqual([-15, 15]);
    expect(spec.series[0].y).toEqual([0.2, 0.4]);
    expect(spec.series[1].y).toEqual([0.9, 0.8]);
  });
});

describe('legend placement', () => {
  const identity = (v: number) => v;
  const place = { left: 0, right: 80, top: 0, bottom: 80 };
  it('goes to the corner the curves cross least, top right on a tie', () => {
    // A curve along the top edge: the legend goes to the bottom right.
    const top = { name: 'top', x: [0, 100], y: [5, 5], color: '#fff' };
    expect(legendCorner([top], identity, identity, place, 20, 10)).toEqual([80, 80]);
    // A curve down the right edge: both left corners are clear, and the top one comes first.
    const right = { name: 'right', x: [95, 95], y: [0, 100], color: '#fff' };
    expect(legendCorner([right], identity, identity, place, 20, 10)).toEqual([0, 0]);
    expect(legendCorner([], identity, identity, place, 20, 10)).toEqual([80, 0]);
    // Curves along the top and the bottom: the middle of the right side.
    const bottom = { name: 'bottom', x: [0, 100], y: [85, 85], color: '#fff' };
    expect(legendCorner([top, bottom], identity, identity, place, 20, 10)).toEqual([80, 40]);
  });
});
