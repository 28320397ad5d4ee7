import { useState } from 'react';
import { angleListText, parseAngleList } from '../../../engine/methods/reproject/base.ts';
import { extendAngles, fillGapAngles, GAP_FACTOR } from '../../../engine/methods/synthesisAngles.ts';
import { selectDataset, useAppStore } from '../../state/store.ts';
import { NumberField } from '../NumberField.tsx';
import { useMethodOptions } from './useMethodOptions.ts';

/** The angles a tilt synthesis adds, as a list such as "±63, ±66" (every tilt-synthesis method's first field). */
export function AddAnglesField({ angles, onChange, disabled }: { angles: number[]; onChange: (angles: number[]) => void; disabled: boolean }) {
  const showError = useAppStore((s) => s.showError);
  // The text being typed, until the field is left; otherwise the form's angles, written out.
  const [draft, setDraft] = useState<string | null>(null);
  const commit = () => {
    if (draft === null) return;
    try {
      onChange(parseAngleList(draft));
    } catch (error) {
      showError(`Angles to add: ${(error as Error).message}`);
    }
    setDraft(null);
  };
  return (
    <>
      <label className="field" title="Degrees, appended in this order; ±a adds +a then −a">
        <span className="field-label">Angles to add (°)</span>
        <input type="text" value={draft ?? angleListText(angles)} disabled={disabled} onChange={(e) => setDraft(e.target.value)} onBlur={commit} data-testid="add-angles-input" />
      </label>
      <AnglePresets onChange={onChange} disabled={disabled} />
    </>
  );
}

/** Buttons that fill the angles from the selected series' own angles (src/engine/methods/synthesisAngles.ts). */
function AnglePresets({ onChange, disabled }: { onChange: (angles: number[]) => void; disabled: boolean }) {
  const tiltAngles = useAppStore((s) => selectDataset(s)?.tiltAngles);
  const showError = useAppStore((s) => s.showError);
  const [limit, setLimit] = useState(70);
  const apply = (preset: (angles: readonly number[]) => number[]) => {
    if (!tiltAngles) return;
    try {
      onChange(preset(tiltAngles));
    } catch (error) {
      showError(`Angles to add: ${(error as Error).message}`);
    }
  };
  const off = disabled || !tiltAngles;
  return (
    <div className="field-row">
      <NumberField label="To ±" unit="°" min={1} max={89.9} value={limit} onChange={setLimit} disabled={disabled} testId="extend-limit-input" title="How far to extend the series, in degrees" />
      <button type="button" className="small" disabled={off} onClick={() => apply((a) => extendAngles(a, limit))} data-testid="extend-angles-button" title="The selected series' own step continued beyond its last angle on both sides, up to ±N°">
        Extend
      </button>
      <button type="button" className="small" disabled={off} onClick={() => apply(fillGapAngles)} data-testid="fill-gaps-button" title={`Angles in the gaps of the selected series wider than ${GAP_FACTOR} × its median step, at about that step`}>
        Fill gaps
      </button>
    </div>
  );
}

/** Reprojection: the angles to add, and the SIRT tomogram that is projected there. */
export function ReprojectFields({ disabled }: { disabled: boolean }) {
  const [options, update] = useMethodOptions('reproject');
  return (
    <>
      <AddAnglesField angles={options.angles} onChange={(angles) => update({ angles })} disabled={disabled} />
      <div className="field-row">
        <NumberField label="Thickness" unit="px" integer min={1} max={4096} value={options.thickness} onChange={(thickness) => update({ thickness })} disabled={disabled} testId="reproject-thickness-input" title="Thickness of the SIRT tomogram that is reprojected" />
        <NumberField label="SIRT iterations" integer min={1} max={1000} value={options.iterations} onChange={(iterations) => update({ iterations })} disabled={disabled} testId="reproject-iterations-input" />
      </div>
    </>
  );
}
