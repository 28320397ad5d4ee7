import { useEffect, useState } from 'react';
import { RENDER_MODES, type RenderMode, type RenderStats, type VolumeRenderer } from '../../volume3d/types.ts';

function statsText(mode: RenderMode, stats: RenderStats): string {
  const label = RENDER_MODES.find((m) => m.id === mode)?.label ?? mode;
  const parts = [label, `${stats.samples} samples/ray`, stats.quality === 'still' ? 'still' : 'moving'];
  if (stats.fps !== null) parts.push(`${stats.fps.toFixed(1)} fps`);
  if (stats.stillMs !== null) parts.push(`still ${Math.round(stats.stillMs)} ms`);
  parts.push(`${stats.width}×${stats.height}`);
  return parts.join(' · ');
}

/** Frame rate and sample count of a panel, in its corner. */
export function RenderStatsOverlay({ renderer, mode }: { renderer: VolumeRenderer; mode: RenderMode }) {
  const [stats, setStats] = useState<RenderStats | null>(null);
  useEffect(() => renderer.onStats(setStats), [renderer]);
  if (!stats) return null;
  return (
    <>
      <div className="render-stats" data-testid="render-stats" data-quality={stats.quality}>
        {statsText(mode, stats)}
      </div>
      {stats.error && (
        <div className="volume-error" data-testid="volume-error">
          {stats.error}
        </div>
      )}
    </>
  );
}
