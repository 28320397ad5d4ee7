import { scaleBar } from '../viewer/scaleBar.ts';
import './scaleBar.css';

/**
 * A scale bar of a round length in a view's lower left corner: `cssPerVoxel` CSS pixels per voxel on screen, voxels
 * of `pixelSize` Å (0: unknown, no bar).
 */
export function ScaleBar({ pixelSize, cssPerVoxel, testId, title }: { pixelSize: number; cssPerVoxel: number | null; testId: string; title?: string }) {
  const bar = scaleBar(pixelSize, cssPerVoxel ?? 0);
  if (!bar) return null;
  return (
    <div className="scale-bar" data-testid={testId} data-nm={bar.nm} title={title}>
      <div className="scale-bar-line" style={{ width: `${bar.css}px` }} />
      <span>{bar.label}</span>
    </div>
  );
}
