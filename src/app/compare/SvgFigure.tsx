import { useMemo } from 'react';
import { errorMessage } from '../engineClient.ts';
import { useAppStore } from '../state/store.ts';
import { downloadBlob } from '../util/download.ts';
import { downloadText, svgToPng } from './exportImage.ts';
import { buildPlotSvg, type PlotSpec } from './plotSvg.ts';

interface SvgFigureProps {
  spec: PlotSpec;
  /** data-testid of the figure, e.g. "fsc-plot"; the export buttons are export-<name>-csv/-svg/-png. */
  testId: string;
  name: string;
  /** File name without extension. */
  fileStem: string;
  csv?: () => string;
  /** The figure's data as JSON, where the figure has more to it than its curves (a trust score's verdict). */
  json?: () => string;
}

/** A plot (standalone SVG text, so the export is the same picture) with its CSV/JSON/SVG/PNG exports. */
export function SvgFigure({ spec, testId, name, fileStem, csv, json }: SvgFigureProps) {
  const svg = useMemo(() => buildPlotSvg(spec), [spec]);
  const showError = useAppStore((s) => s.showError);
  const png = async (): Promise<void> => {
    try {
      downloadBlob(await svgToPng(svg, 2), `${fileStem}.png`);
    } catch (error) {
      showError(`PNG export failed: ${errorMessage(error)}`);
    }
  };
  return (
    <figure className="compare-figure">
      <div className="compare-svg" data-testid={testId} role="img" aria-label={spec.title ?? name} dangerouslySetInnerHTML={{ __html: svg }} />
      <figcaption className="figure-exports">
        {csv && (
          <button type="button" className="small" onClick={() => downloadText(csv(), `${fileStem}.csv`, 'text/csv')} data-testid={`export-${name}-csv`}>
            CSV
          </button>
        )}
        {json && (
          <button type="button" className="small" onClick={() => downloadText(json(), `${fileStem}.json`, 'application/json')} data-testid={`export-${name}-json`}>
            JSON
          </button>
        )}
        <button type="button" className="small" onClick={() => downloadText(svg, `${fileStem}.svg`, 'image/svg+xml')} data-testid={`export-${name}-svg`}>
          SVG
        </button>
        <button type="button" className="small" onClick={() => void png()} data-testid={`export-${name}-png`}>
          PNG
        </button>
      </figcaption>
    </figure>
  );
}
