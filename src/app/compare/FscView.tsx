import { useMemo } from 'react';
import type { FscReport } from '../../../workers/api.ts';
import { resolutionAt } from '../../engine/metrics/fsc.ts';
import { useCompareStore } from '../state/compareStore.ts';
import { useAppStore } from '../state/store.ts';
import { exportFileName, fileStem } from '../util/download.ts';
import { fscCsv } from './csv.ts';
import { fscPlotSpec, fscSeries } from './figures.ts';
import { useCompareDataset, useFamilyResults, useSelectedResults } from './hooks.ts';
import { EvalProgress } from './EvalProgress.tsx';
import { ResultSelect } from './ResultSelect.tsx';
import { SvgFigure } from './SvgFigure.tsx';
import { formatResolution, frequencyUnit } from './units.ts';

/** Resolution of every curve at 0.143 and 0.5 (the first crossing, as in the worker). */
function ResolutionTable({ report }: { report: FscReport }) {
  const unit = frequencyUnit(report.pixelSize);
  const rows = fscSeries(report, 1).map((s) => ({
    name: s.name,
    color: s.color,
    dashed: !!s.dash,
    r0143: s.name === 'FSC (all)' ? report.res0143 : resolutionAt({ shells: report.shells, fsc: s.y }, 0.143),
    r05: s.name === 'FSC (all)' ? report.res05 : resolutionAt({ shells: report.shells, fsc: s.y }, 0.5),
  }));
  const freq = (f: number | null) => (f === null ? '' : `${(f * unit.scale).toPrecision(3)} ${unit.label}`);
  return (
    <table className="compare-table wrap-cells" data-testid="fsc-resolution">
      <thead>
        <tr>
          <th>Curve</th>
          <th>FSC = 0.143</th>
          <th>FSC = 0.5</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.name}>
            <td>
              <span className={`swatch ${r.dashed ? 'dashed' : ''}`} style={{ borderColor: r.color }} />
              {r.name}
            </td>
            <td title={freq(r.r0143)} data-testid={r.name === 'FSC (all)' ? 'fsc-res-0143' : undefined}>
              {formatResolution(r.r0143, report.pixelSize)}
            </td>
            <td title={freq(r.r05)} data-testid={r.name === 'FSC (all)' ? 'fsc-res-05' : undefined}>
              {formatResolution(r.r05, report.pixelSize)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** FSC between two results: whole, measured/missing region and wedge cone, thresholds, exports. */
export function FscView() {
  const dataset = useCompareDataset();
  // Of the family: FSC between a series' result and one of the series without some tilts (or with tilts added).
  const results = useFamilyResults(dataset?.id ?? null);
  const selected = useSelectedResults();
  const appSelected = useAppStore((s) => s.selectedResultId);
  const storedA = useCompareStore((s) => s.fscA);
  const storedB = useCompareStore((s) => s.fscB);
  const setPair = useCompareStore((s) => s.setFscPair);
  const compute = useCompareStore((s) => s.computeFsc);
  const cancel = useCompareStore((s) => s.cancelFsc);
  const fsc = useCompareStore((s) => s.fsc);

  const has = (id: string | null | undefined): id is string => !!id && results.some((r) => r.id === id);
  const truth = results.find((r) => r.method === 'ground-truth');
  const firstMethod = (has(appSelected) && appSelected !== truth?.id ? appSelected : null) ?? selected.find((r) => r.method !== 'ground-truth')?.id;
  const a = has(storedA) ? storedA : (firstMethod ?? results.find((r) => r.method !== 'ground-truth')?.id ?? results[0]?.id ?? null);
  const b = has(storedB) ? storedB : (truth && truth.id !== a ? truth.id : (results.find((r) => r.id !== a)?.id ?? null));
  const resultA = results.find((r) => r.id === a);
  const resultB = results.find((r) => r.id === b);
  const sizeMismatch = resultA && resultB && (resultA.nx !== resultB.nx || resultA.ny !== resultB.ny || resultA.nz !== resultB.nz);

  const report = fsc.result?.key === `${a}|${b}` ? fsc.result.report : null;
  const spec = useMemo(() => (report ? fscPlotSpec(report) : null), [report]);
  const stem = exportFileName(dataset?.name ?? 'comparison', 'fsc', 'x').replace(/\.x$/, '');

  return (
    <div className="compare-section">
      <div className="compare-toolbar">
        <ResultSelect label="A" results={results} value={a} onChange={(id) => setPair(id, b)} testId="fsc-a" />
        <span className="muted">vs</span>
        <ResultSelect label="B" results={results} value={b} onChange={(id) => setPair(a, id)} testId="fsc-b" />
        <button
          type="button"
          className="primary small"
          disabled={!a || !b || fsc.jobId !== null || !!sizeMismatch}
          onClick={() => {
            setPair(a, b);
            void compute();
          }}
          data-testid="fsc-button"
        >
          Compute FSC
        </button>
      </div>
      {sizeMismatch && (
        <div className="run-note failed">
          FSC needs two volumes of one size: {resultA.nx}×{resultA.ny}×{resultA.nz} vs {resultB.nx}×{resultB.ny}×{resultB.nz}.
        </div>
      )}
      <EvalProgress job={fsc} onCancel={cancel} name="fsc" />
      {report && spec && (
        <div className="figure-row">
          <SvgFigure spec={spec} testId="fsc-plot" name="fsc" fileStem={`${stem}_${fileStem(report.labelA)}_vs_${fileStem(report.labelB)}`} csv={() => fscCsv(report)} />
          <div className="figure-side">
            <ResolutionTable report={report} />
            <p className="hint">
              Resolution = {report.pixelSize > 0 ? 'pixel size / frequency (Å)' : '1 / frequency (voxels; the pixel size is unknown)'} at the first crossing.
              Measured region: Fourier voxels within half a voxel of a tilt's central plane; missing: the rest. Wedge cone: direction angle outside
              [θmin, θmax]. Directional curves use A&apos;s tilt series.
            </p>
          </div>
        </div>
      )}
      {!report && fsc.jobId === null && !fsc.note && <div className="compare-empty">Pick two results of one size (e.g. a reconstruction and the ground truth) and press Compute FSC.</div>}
    </div>
  );
}
