import { useEffect, useRef, useState } from 'react';
import { formatBytes } from '../../../io/bytes.ts';
import { FRAME_HALVES } from '../../../io/relionStar.ts';
import type { DatasetSummary } from '../../../../workers/api.ts';
import { MICROSCOPE_RANGES, microscopeOverrideProblem, phaseFlipReach, phaseFlipReachText } from '../../../engine/phaseFlip.ts';
import type { Microscope } from '../../../engine/ctf.ts';
import { useAppStore, selectDataset } from '../../state/store.ts';
import { Section } from '../Section.tsx';
import { asDropped, pickedFolder, type DroppedFile } from '../../state/droppedFiles.ts';
import { KeepOffer } from '../KeepOffer.tsx';
import { DatasetSummaryView } from './DatasetSummaryView.tsx';
import { LOAD_BINNINGS, type LoadBinningChoice } from './loadBinning.ts';
import { TiltBrowser } from './TiltBrowser.tsx';
import { SeriesChoiceForm } from './SeriesChoiceForm.tsx';
import { TypedAnglesForm } from './TypedAnglesForm.tsx';
import { loadDropped } from '../../state/typedAngles.ts';
import { useRevealWhenShown } from '../../util/reveal.ts';

function FilePicker() {
  const loadDemo = useAppStore((s) => s.loadDemo);
  const loading = useAppStore((s) => s.loading);
  // Hidden behind a button of our own: the input is emptied after each pick (so that the same files can be picked
  // again), and the browser's own label would then read "No file chosen" beside the stack just loaded.
  const fileInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  // A folder picked whole: React passes no webkitdirectory attribute, so it is set on the element.
  useEffect(() => {
    if (folderInput.current) folderInput.current.webkitdirectory = true;
  }, []);
  const picked = (input: HTMLInputElement, asFiles: (files: File[]) => DroppedFile[]) => {
    const files = Array.from(input.files ?? []);
    input.value = '';
    if (files.length) void loadDropped(asFiles(files)).catch(() => undefined);
  };
  return (
    <div className="file-picker">
      <input ref={fileInput} type="file" multiple hidden data-testid="file-input" onChange={(e) => picked(e.target, asDropped)} />
      <input ref={folderInput} type="file" hidden data-testid="folder-input" onChange={(e) => picked(e.target, pickedFolder)} />
      <button type="button" className="small primary" onClick={() => fileInput.current?.click()} title="An MRC stack (.mrc .st .ali .mrcs, optionally .gz) and the files beside it: angles (.tlt .rawtlt .mdoc), alignment (.xf .xtilt .aln)" data-testid="open-files">
        Open tilt series…
      </button>
      <button
        type="button"
        className="small"
        onClick={() => folderInput.current?.click()}
        title="A folder as a pipeline or a simulator leaves it (AreTomo3's, etomo's, RELION's, a folder of simulations): its series is found by its files' names, or the page asks which"
        data-testid="open-folder"
      >
        Open folder…
      </button>
      <button type="button" className="small" disabled={loading !== null} onClick={() => void loadDemo().catch(() => undefined)} data-testid="demo-button">
        Simulate demo
      </button>
      <div className="hint">or drop a stack + .tlt/.rawtlt/.mdoc anywhere on the page (or a RELION .star with its images or their folder)</div>
      <LoadBinningField />
      <TiltAxisField />
      <TypedAnglesForm />
      <SeriesChoiceForm />
    </div>
  );
}

/** The binning stacks are read at: averaging b × b pixel blocks as each tilt is read (docs/loading.md). */
function LoadBinningField() {
  const choice = useAppStore((s) => s.loadBinning);
  const setChoice = useAppStore((s) => s.setLoadBinning);
  const busy = useAppStore((s) => s.fileLoad !== null);
  return (
    <label className="field" title="Average bin × bin pixel blocks of every tilt as the stack is read: a 4 GB stack loads at bin 4 as 256 MiB. Auto suggests the smallest binning that fits this device's memory and GPU.">
      <span className="field-label">Bin at load</span>
      <select
        value={String(choice)}
        disabled={busy}
        data-testid="load-binning"
        onChange={(e) => setChoice(e.target.value === 'auto' ? 'auto' : (Number(e.target.value) as LoadBinningChoice))}
      >
        <option value="auto">auto (by size)</option>
        {LOAD_BINNINGS.map((bin) => (
          <option key={bin} value={bin}>
            {bin === 1 ? '1 (as stored)' : `${bin} (${bin} × ${bin} pixels averaged)`}
          </option>
        ))}
      </select>
    </label>
  );
}

/**
 * The tilt axis of the stacks dropped next, in degrees from Y, counter-clockwise (as IMOD, SerialEM and AreTomo
 * state it): a stack aligned with its axis off Y is rotated at load so that the axis runs along Y. A value that
 * is not a number within ±180° is shown as such and not used.
 */
function TiltAxisField() {
  const degrees = useAppStore((s) => s.loadTiltAxis);
  const setDegrees = useAppStore((s) => s.setLoadTiltAxis);
  const busy = useAppStore((s) => s.fileLoad !== null);
  const [text, setText] = useState(String(degrees));
  const typed = Number(text);
  const valid = text.trim() !== '' && Number.isFinite(typed) && Math.abs(typed) <= 180;
  return (
    <label
      className="field"
      title="For a stack whose tilt axis is not along the image Y axis (no .xf or .aln with it): the axis angle from Y, counter-clockwise, as IMOD, SerialEM (.mdoc) and AreTomo give it. The stack is rotated about its centre at load (bilinear, on the GPU) so that the axis runs along Y; near ±90° width and height are swapped. 0: the axis is along Y already."
    >
      <span className="field-label">Tilt axis (° from Y)</span>
      <input
        type="text"
        inputMode="decimal"
        size={6}
        value={text}
        disabled={busy}
        aria-invalid={!valid}
        data-testid="load-tilt-axis"
        onChange={(e) => {
          setText(e.target.value);
          const value = Number(e.target.value);
          if (e.target.value.trim() !== '' && Number.isFinite(value) && Math.abs(value) <= 180) setDegrees(value);
        }}
      />
      {!valid && <span className="hint warn">a number of degrees within ±180; {degrees}° is used</span>}
    </label>
  );
}

/** A file load's progress bar, binning and Cancel button. */
function LoadProgressView() {
  const load = useAppStore((s) => s.fileLoad);
  const cancel = useAppStore((s) => s.cancelLoad);
  const bar = useRevealWhenShown<HTMLDivElement>(load !== null);
  if (!load) return null;
  const percent = Math.round(load.progress.fraction * 100);
  return (
    <div ref={bar} className="load-progress" data-testid="load-progress">
      <progress max={100} value={percent} />
      <span>
        {/* A phase flip reads nothing: its progress is in tilts done alone. */}
        {percent}%{load.progress.bytesRead > 0 && ` · ${formatBytes(load.progress.bytesRead)} read`}
        {load.binning && ` · bin ${load.binning.bin} (${load.binning.note})`}
        {load.progress.step && <span data-testid="load-step"> · {load.progress.step}…</span>}
      </span>
      <button type="button" className="small" disabled={load.cancelling} onClick={cancel} data-testid="load-cancel">
        {load.cancelling ? 'Cancelling…' : 'Cancel'}
      </button>
    </div>
  );
}

function DatasetPicker() {
  const datasets = useAppStore((s) => s.datasets);
  const selectedId = useAppStore((s) => s.selectedDatasetId);
  const select = useAppStore((s) => s.selectDataset);
  if (datasets.length < 2) return null;
  return (
    <label className="field">
      <span className="field-label">Dataset</span>
      <select value={selectedId ?? ''} onChange={(e) => select(e.target.value)} data-testid="dataset-select">
        {datasets.map((d) => (
          <option key={d.id} value={d.id}>
            {d.name}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The tilt series as loaded (binned, aligned, tilts left out or added) for another program: MRC stack and .tlt. */
function ExportTiltSeries() {
  const download = useAppStore((s) => s.downloadTiltSeries);
  return (
    <button
      type="button"
      className="small"
      onClick={() => void download().catch(() => undefined)}
      title="Download this tilt series as the methods see it (binned, aligned, tilts left out or added): an MRC stack (float32) and its .tlt"
      data-testid="export-tilt-series"
    >
      Export tilt series (.mrc + .tlt)
    </button>
  );
}

/**
 * A series' even- and odd-frame sums (a RELION table's, or STEM_EVN / STEM_ODD stacks) opened as data sets of their
 * own, at the series' binning: half tomograms to reconstruct and export (a denoiser trains on them), or to compare
 * by FSC with any method.
 */
function OpenFrameHalves({ dataset }: { dataset: DatasetSummary }) {
  const open = useAppStore((s) => s.openFrameHalf);
  const loading = useAppStore((s) => s.fileLoad !== null);
  if (!dataset.frameHalves) return null;
  return (
    <div className="frame-halves" title={`Each tilt's sums of only its even or only its odd movie frames (${dataset.frameHalves}), loaded as this series was`}>
      {FRAME_HALVES.map((which) => (
        <button key={which} type="button" className="small" disabled={loading} onClick={() => void open(which).catch(() => undefined)} data-testid={`open-frame-half-${which}`}>
          Open {which} frames
        </button>
      ))}
    </div>
  );
}

/** The phase flip's microscope fields: what each sets, its label, tooltip and step (their ranges: MICROSCOPE_RANGES). */
const MICROSCOPE_FIELDS = [
  { key: 'voltage', label: 'kV', title: 'The accelerating voltage in kV', step: 1 },
  { key: 'cs', label: 'Cs (mm)', title: "The microscope's spherical aberration in mm (about 0 with a Cs corrector)", step: 0.01 },
  { key: 'amplitudeContrast', label: 'Q', title: 'The fraction of amplitude contrast (0.07–0.1 usually)', step: 0.01 },
] as const;

/**
 * The series phase flipped for its defocus (a CTF estimate came with it) as a data set of its own in the series'
 * family: its reconstructions compare side by side and by FSC with those of the series as measured. The
 * microscope's fields start as the series' files give them (else 300 kV, 2.7 mm and 0.07) and can be changed: a
 * Cs-corrected microscope has about 0. Beside them, what a flip at those values can change at this pixel size.
 */
function PhaseFlip({ dataset }: { dataset: DatasetSummary }) {
  const flip = useAppStore((s) => s.phaseFlip);
  const loading = useAppStore((s) => s.fileLoad !== null);
  const given = dataset.phaseFlipMicroscope;
  const [fields, setFields] = useState<Record<keyof Microscope, string>>({
    voltage: String(given?.voltage ?? ''),
    cs: String(given?.cs ?? ''),
    amplitudeContrast: String(given?.amplitudeContrast ?? ''),
  });
  const setTyped = useAppStore((s) => s.setTypedMicroscope);
  const unavailable = dataset.phaseFlipUnavailable;
  const microscope: Microscope = { voltage: Number(fields.voltage), cs: Number(fields.cs), amplitudeContrast: Number(fields.amplitudeContrast) };
  const problem = Object.values(fields).some((v) => v.trim() === '') ? 'give kV, Cs and Q' : microscopeOverrideProblem(microscope);
  // The values the fields hold, while usable, for the Thon-ring check beside the tilt preview.
  const usable = problem === null && unavailable === null;
  const { voltage, cs, amplitudeContrast } = microscope;
  useEffect(() => {
    setTyped(usable ? { datasetId: dataset.id, microscope: { voltage, cs, amplitudeContrast } } : null);
  }, [usable, dataset.id, voltage, cs, amplitudeContrast, setTyped]);
  if (unavailable === undefined || !given) return null;
  const why = unavailable ?? problem;
  // What a flip changes at this pixel size, at the microscope as the fields give it.
  const reach = why === null ? phaseFlipReach(dataset, microscope) : null;
  return (
    <div className="phase-flip">
      <button
        type="button"
        className="small"
        disabled={loading || why !== null}
        onClick={() => void flip(microscope).catch(() => undefined)}
        title={why ?? "Correct every tilt for the microscope's CTF by phase flipping, at its own defocus (and across a tilted view, at the defocus of each column): a new data set of this series"}
        data-testid="phase-flip"
      >
        Phase-flip (CTF)
      </button>
      {unavailable === null &&
        MICROSCOPE_FIELDS.map(({ key, label, title, step }) => (
          <label key={key} className="field inline" title={title}>
            <span className="field-label">{label}</span>
            <input type="number" min={MICROSCOPE_RANGES[key].min} max={MICROSCOPE_RANGES[key].max} step={step} value={fields[key]} onChange={(e) => setFields({ ...fields, [key]: e.target.value })} data-testid={`phase-flip-${key}`} />
          </label>
        ))}
      {why !== null && <span className="hint warn">{why}</span>}
      {why === null && reach && (
        <span className="hint" data-testid="phase-flip-reach">
          {phaseFlipReachText(reach)}
        </span>
      )}
    </div>
  );
}

function LoadNotice() {
  const notice = useAppStore((s) => s.loadNotice);
  return notice ? <div className="load-notice" data-testid="load-notice">{notice}</div> : null;
}

export function DataPanel() {
  const dataset = useAppStore(selectDataset);
  const loading = useAppStore((s) => s.loading);
  return (
    <Section title="Tilt series">
      <FilePicker />
      {loading && (
        <div className="loading" data-testid="loading">
          <span className="spinner" /> {loading}
        </div>
      )}
      <LoadProgressView />
      <LoadNotice />
      <DatasetPicker />
      {dataset ? (
        <>
          <DatasetSummaryView dataset={dataset} />
          <KeepOffer id={dataset.id} />
          <ExportTiltSeries />
          <OpenFrameHalves dataset={dataset} />
          <PhaseFlip key={`phase-flip-${dataset.id}`} dataset={dataset} />
          <TiltBrowser key={dataset.id} dataset={dataset} />
        </>
      ) : (
        !loading && <div className="empty">No tilt series loaded.</div>
      )}
    </Section>
  );
}
