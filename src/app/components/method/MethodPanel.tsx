import { useState } from 'react';
import { pageTomogramProblem, reportedDeviceMemoryGiB } from '../../../engine/memoryBudget.ts';
import { offsetReasonFor } from '../../../engine/methods/preprocess.ts';
import { isLearned, isOffsetFree, type MethodName } from '../../../engine/methods/registry.ts';
import type { ThicknessSuggestion } from '../../../engine/thickness.ts';
import { errorMessage, getEngine } from '../../engineClient.ts';
import { selectDataset, useAppStore } from '../../state/store.ts';
import { lengthText } from '../../viewer/scaleBar.ts';
import { Section } from '../Section.tsx';
import { NumberField } from '../NumberField.tsx';
import { MethodSelect } from './MethodSelect.tsx';
import { METHOD_PANELS } from './panels.ts';

/**
 * The thickness as a length (nz binned pixels of the data set's pixel size, when it has one), and a suggestion from
 * the data: the depth profile of a quick coarse FBP (engine/thickness.ts), in the form's binning, to apply or not.
 */
function ThicknessGuide({ thickness, binning, disabled }: { thickness: number; binning: number; disabled: boolean }) {
  const dataset = useAppStore(selectDataset);
  const invertAngles = useAppStore((s) => s.form.common.invertAngles);
  const update = useAppStore((s) => s.updateCommon);
  const [suggestion, setSuggestion] = useState<{ datasetId: string; value: ThicknessSuggestion } | null>(null);
  const [busy, setBusy] = useState(false);
  if (!dataset) return null;
  const pixelSize = dataset.pixelSize;
  const nm = (px: number) => lengthText((px * pixelSize) / 10);
  const suggest = async (): Promise<void> => {
    setBusy(true);
    try {
      setSuggestion({ datasetId: dataset.id, value: await getEngine().suggestThickness(dataset.id, invertAngles) });
    } catch (error) {
      useAppStore.getState().showError(`Could not suggest a thickness: ${errorMessage(error)}`);
    } finally {
      setBusy(false);
    }
  };
  const shown = suggestion?.datasetId === dataset.id ? suggestion.value : null;
  const suggested = shown ? Math.ceil(shown.thickness / binning) : null;
  // IMOD's tilt.com came with the stack: the thickness its reconstruction used, in the form's binning.
  const imod = dataset.imodThickness && Math.max(1, Math.round(dataset.imodThickness.value / binning));
  // AreTomo's .aln came with it: the specimen's thickness AreTomo measured, and a tomogram thickness with a margin for it.
  const aretomo = dataset.specimenThickness;
  const specimen = aretomo && { measured: Math.max(1, Math.round(aretomo.value / binning)), offered: Math.max(1, Math.ceil(aretomo.withMargin / binning)) };
  return (
    <div className="hint" data-testid="thickness-guide">
      {pixelSize > 0 && <div data-testid="thickness-length">Thickness {thickness} px × bin {binning} × {pixelSize} Å = {nm(thickness * binning)}</div>}
      {imod && (
        <div data-testid="thickness-imod" title={dataset.imodThickness?.source}>
          IMOD&apos;s tilt.com: {imod} px{pixelSize > 0 ? ` (${nm(imod * binning)})` : ''}{' '}
          <button type="button" className="small" disabled={disabled || imod === thickness} onClick={() => update({ thickness: imod })} data-testid="thickness-imod-use">
            Use
          </button>
        </div>
      )}
      {specimen && (
        <div data-testid="thickness-aretomo" title={`${aretomo?.source}: the specimen's thickness; the offer adds the margin the data's own suggestion adds`}>
          AreTomo measured the specimen {specimen.measured} px{pixelSize > 0 ? ` (${nm(specimen.measured * binning)})` : ''} thick; with a margin: {specimen.offered} px{' '}
          <button type="button" className="small" disabled={disabled || specimen.offered === thickness} onClick={() => update({ thickness: specimen.offered })} data-testid="thickness-aretomo-use">
            Use
          </button>
        </div>
      )}
      {shown && suggested !== null ? (
        <div data-testid="thickness-suggestion" title={`Specimen between z ${shown.from} and ${shown.to} of a ${shown.profile.length}-thick FBP binned ${shown.binning}×, plus a margin`}>
          Suggested from the data: {suggested} px{pixelSize > 0 ? ` (${nm(shown.thickness)})` : ''}{' '}
          <button type="button" className="small" disabled={disabled || suggested === thickness} onClick={() => update({ thickness: suggested })} data-testid="thickness-use">
            Use
          </button>
        </div>
      ) : (
        <button type="button" className="small" disabled={disabled || busy} onClick={() => void suggest()} data-testid="thickness-suggest" title="From the depth profile of a quick, coarse FBP of a few rows">
          {busy ? 'Looking…' : 'Suggest a thickness from the data'}
        </button>
      )}
    </div>
  );
}

function CommonFields({ method, disabled }: { method: MethodName; disabled: boolean }) {
  const common = useAppStore((s) => s.form.common);
  const dataset = useAppStore(selectDataset);
  const offset = dataset?.offset;
  // Said under the fields before a run; the worker refuses the run with the same words.
  const tooLarge = dataset && pageTomogramProblem(dataset, common, reportedDeviceMemoryGiB());
  // Why a large series opened binned, while the form still holds that binning.
  const defaults = useAppStore((s) => (dataset ? s.formDefaults[dataset.id] : undefined));
  const binnedWhy = defaults?.fields.binning === common.binning ? defaults.why : null;
  // The page offers a trust score on every learned result, so the offset-free method's words always apply.
  const reason = offset && offsetReasonFor(offset, isOffsetFree(method));
  const update = useAppStore((s) => s.updateCommon);
  return (
    <>
      <div className="field-row">
        <NumberField label="Thickness" unit="px" integer min={1} max={4096} value={common.thickness} onChange={(thickness) => update({ thickness })} disabled={disabled} testId="thickness-input" title="Tomogram thickness nz, in binned pixels" />
        <NumberField label="Binning" integer min={1} max={16} value={common.binning} onChange={(binning) => update({ binning })} disabled={disabled} testId="binning-input" />
      </div>
      {binnedWhy && (
        <div className="hint" data-testid="binning-default">
          {binnedWhy}.
        </div>
      )}
      {tooLarge && (
        <div className="hint warn" data-testid="memory-warning">
          {tooLarge}.
        </div>
      )}
      <ThicknessGuide thickness={common.thickness} binning={common.binning} disabled={disabled} />
      <label className="check" title="Negate every tilt angle (data from a tool with the opposite sign convention)">
        <input type="checkbox" checked={common.invertAngles} disabled={disabled} onChange={(e) => update({ invertAngles: e.target.checked })} data-testid="invert-angles" />
        Invert tilt angles
      </label>
      <label className="check" title="Subtract each tilt's mean first: removes the streaks a large constant offset (e.g. int16 data near −32 700) leaves after zero-padding. On by default for files.">
        <input type="checkbox" checked={common.subtractMean} disabled={disabled} onChange={(e) => update({ subtractMean: e.target.checked })} data-testid="subtract-mean" />
        Subtract tilt means
      </label>
      {reason && !common.subtractMean && (
        <div className="hint warn" data-testid="offset-warning">
          {reason.charAt(0).toUpperCase() + reason.slice(1)}.
        </div>
      )}
    </>
  );
}

/**
 * A learned method chosen for a series that came with a CTF estimate and is not flipped yet: on simulations with the
 * CTF's sign changes inside the band, the local network beat the smoothed FBP only on phase-flipped tilts
 * (docs/localnet-history.md, "Phase flipping before the model").
 */
function FlipFirstHint({ method }: { method: MethodName }) {
  const flippable = useAppStore((s) => selectDataset(s)?.phaseFlipUnavailable === null);
  if (!flippable || !isLearned(method)) return null;
  return (
    <div className="hint" data-testid="flip-first-hint">
      This series has a CTF estimate: learned methods did better on its phase-flipped copy (Phase-flip (CTF) under the series).
    </div>
  );
}

export function MethodPanel() {
  const method = useAppStore((s) => s.form.choice.reconstruction);
  const running = useAppStore((s) => s.job !== null);
  const Fields = METHOD_PANELS[method];
  return (
    <Section title="Method">
      <MethodSelect kind="reconstruction" testId="method-select" disabled={running} />
      <FlipFirstHint method={method} />
      <Fields disabled={running} />
      <CommonFields method={method} disabled={running} />
    </Section>
  );
}
