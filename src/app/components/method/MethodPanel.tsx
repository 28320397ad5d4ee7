import { selectDataset, useAppStore } from '../../state/store.ts';
import { lengthText } from '../../viewer/scaleBar.ts';
import { Section } from '../Section.tsx';
import { NumberField } from '../NumberField.tsx';
import { MethodSelect } from './MethodSelect.tsx';
import { METHOD_PANELS } from './panels.ts';

/** The thickness as a length: nz binned pixels of the data set's pixel size, when the data set has one. */
function ThicknessLength({ thickness, binning }: { thickness: number; binning: number }) {
  const pixelSize = useAppStore((s) => selectDataset(s)?.pixelSize ?? 0);
  if (!(pixelSize > 0)) return null;
  return (
    <div className="hint" data-testid="thickness-length">
      Thickness {thickness} px × bin {binning} × {pixelSize} Å = {lengthText((thickness * binning * pixelSize) / 10)}
    </div>
  );
}

function CommonFields({ disabled }: { disabled: boolean }) {
  const common = useAppStore((s) => s.form.common);
  const update = useAppStore((s) => s.updateCommon);
  return (
    <>
      <div className="field-row">
        <NumberField label="Thickness" unit="px" integer min={1} max={4096} value={common.thickness} onChange={(thickness) => update({ thickness })} disabled={disabled} testId="thickness-input" title="Tomogram thickness nz, in binned pixels" />
        <NumberField label="Binning" integer min={1} max={16} value={common.binning} onChange={(binning) => update({ binning })} disabled={disabled} testId="binning-input" />
      </div>
      <ThicknessLength thickness={common.thickness} binning={common.binning} />
      <label className="check" title="Negate every tilt angle (data from a tool with the opposite sign convention)">
        <input type="checkbox" checked={common.invertAngles} disabled={disabled} onChange={(e) => update({ invertAngles: e.target.checked })} data-testid="invert-angles" />
        Invert tilt angles
      </label>
      <label className="check" title="Subtract each tilt's mean first: removes the streaks a large constant offset (e.g. int16 data near −32 700) leaves after zero-padding. On by default for files.">
        <input type="checkbox" checked={common.subtractMean} disabled={disabled} onChange={(e) => update({ subtractMean: e.target.checked })} data-testid="subtract-mean" />
        Subtract tilt means
      </label>
    </>
  );
}

export function MethodPanel() {
  const method = useAppStore((s) => s.form.choice.reconstruction);
  const running = useAppStore((s) => s.job !== null);
  const Fields = METHOD_PANELS[method];
  return (
    <Section title="Method">
      <MethodSelect kind="reconstruction" testId="method-select" disabled={running} />
      <Fields disabled={running} />
      <CommonFields disabled={running} />
    </Section>
  );
}
