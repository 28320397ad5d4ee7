import { useView3dStore } from '../../state/view3dStore.ts';
import { deviceLimits } from '../../volume3d/deviceLimits.ts';
import { displayBudget, intersectBoxes, type FormatPreference } from '../../volume3d/pyramid.ts';
import { Section } from '../Section.tsx';

function cube(voxels: number): string {
  const side = Math.round(Math.cbrt(voxels));
  return side ** 3 === voxels ? `${side}³` : `${(voxels / 1e6).toFixed(1)} M`;
}

/** Texture format, the display budget, and "full resolution for the clip box". */
export function ResolutionPanel({ hasResults }: { hasResults: boolean }) {
  const format = useView3dStore((s) => s.format);
  const detail = useView3dStore((s) => s.detail);
  const setFormat = useView3dStore((s) => s.setFormat);
  const setDetail = useView3dStore((s) => s.setDetail);
  const limits = deviceLimits();

  const requestDetail = (): void => {
    const { clip, slab } = useView3dStore.getState();
    setDetail(slab.enabled ? intersectBoxes(clip, { min: [0, 0, slab.from], max: [1, 1, slab.to] }) : clip);
  };

  return (
    <Section title="Resolution">
      <div className="field-row">
        <label className="field">
          <span className="field-label">Texture</span>
          <select value={format} data-testid="texture-format" onChange={(e) => setFormat(e.target.value as FormatPreference)}>
            <option value="auto">auto</option>
            <option value="u8">8-bit (windowed)</option>
            <option value="half">half-float</option>
          </select>
        </label>
        <div className="field">
          <span className="field-label">Clip box</span>
          {detail ? (
            <button type="button" className="small" data-testid="overview-res" onClick={() => setDetail(null)}>
              Back to overview
            </button>
          ) : (
            <button type="button" className="small" disabled={!hasResults} data-testid="full-res" onClick={requestDetail} title="Fetch the finest level at which the clip box (∩ slab) fits, and upload only that region">
              Full resolution
            </button>
          )}
        </div>
      </div>
      <div className="hint" data-testid="device-limits">
        {limits.software ? 'Software renderer' : 'GPU'}: overview ≤ {cube(displayBudget(limits))} voxels, 3-D textures ≤ {limits.max3dTextureSize}³, 2-D ≤ {limits.maxTextureSize}
      </div>
    </Section>
  );
}
