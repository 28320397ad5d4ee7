import type { ResultSummary } from '../../../../workers/api.ts';
import { useView3dStore } from '../../state/view3dStore.ts';
import { FULL_BOX, type Box3 } from '../../volume3d/pyramid.ts';
import { Section } from '../Section.tsx';

const AXES = ['x', 'y', 'z'] as const;

/** Clip box (x/y/z min–max) and z slab, in voxels of the primary result, stored normalised. */
export function ClipControls({ primary }: { primary: ResultSummary | null }) {
  const clip = useView3dStore((s) => s.clip);
  const slab = useView3dStore((s) => s.slab);
  const showPlanes = useView3dStore((s) => s.showPlanes);
  const setClip = useView3dStore((s) => s.setClip);
  const setSlab = useView3dStore((s) => s.setSlab);
  const setShowPlanes = useView3dStore((s) => s.setShowPlanes);
  const dims = primary ? [primary.nx, primary.ny, primary.nz] : [1, 1, 1];
  const disabled = !primary;

  const setBound = (axis: number, which: 'min' | 'max', voxel: number): void => {
    const n = dims[axis];
    const next: Box3 = { min: [...clip.min], max: [...clip.max] };
    if (which === 'min') {
      next.min[axis] = Math.min(voxel, Math.round(clip.max[axis] * n) - 1) / n;
    } else {
      next.max[axis] = Math.max(voxel + 1, Math.round(clip.min[axis] * n) + 1) / n;
    }
    setClip(next);
  };

  const nz = dims[2];
  const slabFrom = Math.round(slab.from * nz);
  const slabTo = Math.max(slabFrom + 1, Math.round(slab.to * nz)) - 1;
  const thickness = slab.to - slab.from;
  const setSlabVoxels = (from: number, to: number): void => {
    const a = Math.max(0, Math.min(nz - 1, from));
    const b = Math.max(a, Math.min(nz - 1, to));
    setSlab({ ...slab, from: a / nz, to: (b + 1) / nz });
  };

  return (
    <Section title="Clip box & slab">
      <div className="clip-grid">
        {AXES.map((axis, i) => {
          const n = dims[i];
          const lo = Math.round(clip.min[i] * n);
          const hi = Math.max(lo + 1, Math.round(clip.max[i] * n)) - 1;
          return (
            <div key={axis} className="clip-row">
              <span className="clip-axis">{axis}</span>
              <input type="range" min={0} max={n - 1} value={lo} disabled={disabled} data-testid={`clip-${axis}-min`} aria-label={`${axis} min`} onChange={(e) => setBound(i, 'min', Number(e.target.value))} />
              <input type="range" min={0} max={n - 1} value={hi} disabled={disabled} data-testid={`clip-${axis}-max`} aria-label={`${axis} max`} onChange={(e) => setBound(i, 'max', Number(e.target.value))} />
              <span className="num clip-range">
                {lo}–{hi}
              </span>
            </div>
          );
        })}
      </div>
      <div className="field-row">
        <label className="check">
          <input type="checkbox" checked={slab.enabled} disabled={disabled} data-testid="slab-enabled" onChange={(e) => setSlab({ ...slab, enabled: e.target.checked })} />
          Slab: only z in
        </label>
        <input className="slab-num" type="number" min={0} max={nz - 1} value={slabFrom} disabled={disabled || !slab.enabled} data-testid="slab-from" aria-label="slab from (z)" onChange={(e) => setSlabVoxels(Number(e.target.value), slabTo)} />
        <input className="slab-num" type="number" min={0} max={nz - 1} value={slabTo} disabled={disabled || !slab.enabled} data-testid="slab-to" aria-label="slab to (z)" onChange={(e) => setSlabVoxels(slabFrom, Number(e.target.value))} />
      </div>
      <label className="range-field" title="Move the slab along z, keeping its thickness">
        <span>move</span>
        <input
          type="range"
          min={0}
          max={1000}
          value={Math.round((slab.from / Math.max(1e-6, 1 - thickness)) * 1000) || 0}
          disabled={disabled || !slab.enabled || thickness >= 1}
          data-testid="slab-position"
          onChange={(e) => {
            const from = (Number(e.target.value) / 1000) * (1 - thickness);
            setSlab({ ...slab, from, to: from + thickness });
          }}
        />
        <span className="num">z {slabFrom}–{slabTo}</span>
      </label>
      <div className="field-row">
        <label className="check">
          <input type="checkbox" checked={showPlanes} data-testid="show-slice-planes" onChange={(e) => setShowPlanes(e.target.checked)} />
          Slice planes (linked cursor)
        </label>
        <button type="button" className="small" disabled={disabled} data-testid="clip-reset" onClick={() => setClip(FULL_BOX)}>
          Reset clip
        </button>
      </div>
    </Section>
  );
}
