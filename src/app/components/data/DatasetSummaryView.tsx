import type { DatasetSummary } from '../../../../workers/api.ts';
import { polarityText } from '../../../engine/polarity.ts';
import { formatAngle, formatNumber, formatSize } from '../../util/format.ts';

/** The values read from the series' side files, each with the file (and line) it came from; nothing when there are none. */
function MetadataTable({ metadata }: { metadata: DatasetSummary['metadata'] }) {
  if (metadata.length === 0) return null;
  return (
    <table className="metadata" data-testid="dataset-metadata">
      <tbody>
        {metadata.map(({ label, value, source }) => (
          <tr key={`${label} ${source}`} data-testid="metadata-row">
            <th scope="row">{label}</th>
            <td>{value}</td>
            <td className="metadata-source" title={source}>
              {source}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function DatasetSummaryView({ dataset }: { dataset: DatasetSummary }) {
  const { nx, ny, nTilts, mode, dtype, pixelSize, angleMin, angleMax, tiltAngles, stats, warnings } = dataset;
  return (
    <div className="dataset-summary" data-testid="dataset-summary">
      <div className="dataset-name" title={dataset.name}>
        {dataset.name}
      </div>
      <dl className="kv">
        <dt>Size</dt>
        <dd data-testid="dataset-size">{formatSize(nx, ny, nTilts)}</dd>
        {dataset.loadBinning && (
          <>
            <dt>Binned</dt>
            <dd data-testid="dataset-binning">
              {dataset.loadBinning.bin} × {dataset.loadBinning.bin} at load, from {dataset.loadBinning.originalNx} × {dataset.loadBinning.originalNy}
            </dd>
          </>
        )}
        <dt>Data</dt>
        <dd>
          {mode === null ? 'simulated' : `mode ${mode}`} · {dtype}
        </dd>
        <dt>Pixel</dt>
        <dd>{pixelSize > 0 ? `${formatNumber(pixelSize, 4)} Å` : 'unknown'}</dd>
        <dt>Angles</dt>
        <dd>
          {formatAngle(angleMin)} … {formatAngle(angleMax)} ({tiltAngles.length})
        </dd>
        {dataset.synthesized && (
          <>
            <dt>Added</dt>
            <dd data-testid="dataset-synthesized" title={dataset.synthesized.label}>
              the last {dataset.synthesized.count} tilts: {dataset.synthesized.label}
            </dd>
          </>
        )}
        <dt>Values</dt>
        <dd>
          {formatNumber(stats.min)} … {formatNumber(stats.max)}, mean {formatNumber(stats.mean)}
        </dd>
        <dt>Contrast</dt>
        <dd data-testid="dataset-contrast" title="Which way the tilts' contrast runs, from the skewness of their high-passed values (dense matter is a sparse tail); |skewness| below 0.1 is unclear. The learned methods' auto contrast follows it">
          {polarityText(dataset.contrast.polarity)} (skewness {formatNumber(dataset.contrast.skewness, 2)})
        </dd>
      </dl>
      <MetadataTable metadata={dataset.metadata} />
      {warnings.length > 0 && (
        <ul className="warnings" data-testid="dataset-warnings">
          {warnings.map((w) => (
            <li key={w}>⚠ {w}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
