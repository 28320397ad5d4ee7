import { useEffect, useRef } from 'react';
import { formatBytes } from '../../../io/bytes.ts';
import { zarrFoldersIn, type ZarrFolder } from '../../../io/zarrFolder.ts';
import { useCompareStore } from '../../state/compareStore.ts';
import { useAppStore, selectDataset } from '../../state/store.ts';

const ROLE_TEXT = {
  'ground-truth': {
    button: 'Add its ground truth (MRC)…',
    title: 'A simulation made elsewhere: its ground-truth volume, scored against with PSNR, SSIM and FSC',
  },
  tomogram: {
    button: 'Add a tomogram (MRC)…',
    title: "A tomogram of this series made by another program (IMOD's tilt, AreTomo): listed beside WedgeLab's results to compare",
  },
} as const;

/**
 * Bring in a tomogram made elsewhere of the selected series (docs/loading.md#tomograms-made-elsewhere): its sizes are
 * the tilts' at a whole binning, in either layout, or its pixel size tells how to resample it onto theirs; its
 * orientation and place are told from the tilts. A bad file is one banner message.
 */
export function ImportTomogramButton({ role }: { role: keyof typeof ROLE_TEXT }) {
  const dataset = useAppStore(selectDataset);
  const reading = useAppStore((s) => s.fileLoad !== null);
  const importTomogram = useAppStore((s) => s.importTomogram);
  const importPickedZarr = useAppStore((s) => s.importPickedZarr);
  const input = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  // A folder picked whole: React passes no webkitdirectory attribute, so it is set on the element.
  useEffect(() => {
    if (folderInput.current) folderInput.current.webkitdirectory = true;
  }, []);
  const text = ROLE_TEXT[role];
  // The store reports a file that does not fit in the error banner.
  const onFiles = (element: HTMLInputElement) => {
    const [file] = element.files ?? [];
    element.value = '';
    if (file) importTomogram(file, role).catch(() => undefined);
  };
  const onFolder = (element: HTMLInputElement) => {
    const picked = pickedZarrFolders(Array.from(element.files ?? []));
    element.value = '';
    if (picked) importPickedZarr(picked.name, picked.folders, role).catch(() => undefined);
  };
  const disabled = !dataset || reading;
  return (
    <span className="import-buttons">
      <input ref={input} type="file" accept=".mrc,.rec,.map,.gz" hidden onChange={(e) => onFiles(e.target)} data-testid={`import-${role}-file`} />
      <input ref={folderInput} type="file" hidden onChange={(e) => onFolder(e.target)} data-testid={`import-${role}-zarr`} />
      <button
        type="button"
        className="small"
        disabled={disabled}
        onClick={() => input.current?.click()}
        title={`${text.title}. Its x and y (or x and z: the XZY layout of IMOD and AreTomo) are the tilts' at a whole binning, or it is at another pixel size given in both headers (and resampled); which way its axes run, and where its content sits, are told from the tilts.`}
        data-testid={`import-${role}`}
      >
        {text.button}
      </button>
      <button
        type="button"
        className="small"
        disabled={disabled}
        onClick={() => folderInput.current?.click()}
        title={`${text.title}, as an OME-Zarr folder (the cryoET Data Portal's, mrc2omezarr's, WedgeLab's own export): its finest level, lined up with the tilts as an MRC file is`}
        data-testid={`import-${role}-zarr-button`}
      >
        OME-Zarr…
      </button>
    </span>
  );
}

/** An offered tomogram's size on disk: an MRC file's, or all of a Zarr folder's files. */
function offerSize(file: File | ZarrFolder): string {
  return file instanceof Blob ? formatBytes(file.size) : `OME-Zarr, ${formatBytes(file.files.reduce((sum, f) => sum + f.blob.size, 0))}`;
}

/** Where an offered tomogram came from: the series' drop, or a folder of several picked with "OME-Zarr…". */
function offerOrigin(file: File | ZarrFolder): string {
  return !(file instanceof Blob) && file.pickedIn ? `is in ${file.pickedIn}` : 'came with the series';
}

/** Why a tomogram is offered beside the series. */
function offerTitle(file: File | ZarrFolder): string {
  if (file instanceof Blob) return "A tomogram named after this series came in its drop (AreTomo's _Vol, etomo's _rec): add it to compare with WedgeLab's results";
  return file.pickedIn
    ? `One of the OME-Zarr folders in ${file.pickedIn}, picked with "OME-Zarr…", none named after this series: add the ones to compare with WedgeLab's results`
    : "An OME-Zarr folder came in the drop with this series (a tomogram of it, as the cryoET Data Portal gives them): add it to compare with WedgeLab's results";
}

/**
 * The picked folder's name and the Zarr folders among its files (paths from the picked folder's name down); where
 * there is none, the picked folder itself, which the reader then refuses, naming it.
 */
function pickedZarrFolders(files: File[]): { name: string; folders: ZarrFolder[] } | null {
  if (files.length === 0) return null;
  const entries = files.map((file) => ({ path: file.webkitRelativePath || file.name, blob: file }));
  const name = entries[0].path.split('/')[0];
  const { folders } = zarrFoldersIn(entries);
  return { name, folders: folders.length > 0 ? folders : [{ name, files: entries }] };
}

/**
 * A pipeline's tomograms of the selected series that came in its drop (AreTomo's _Vol, etomo's _rec: the store's
 * offeredTomograms), each with a button that adds it beside the results as "Add a tomogram" would; and its two half
 * tomograms (AreTomo3's _EVN_Vol and _ODD_Vol, RELION's _half1 and _half2: offeredHalves), added together, the
 * second lined up as the first, with their FSC.
 */
export function OfferedTomograms() {
  const dataset = useAppStore(selectDataset);
  const offered = useAppStore((s) => (s.selectedDatasetId ? s.offeredTomograms[s.selectedDatasetId] : undefined));
  const halves = useAppStore((s) => (s.selectedDatasetId ? s.offeredHalves[s.selectedDatasetId] : undefined));
  const reading = useAppStore((s) => s.fileLoad !== null);
  const importTomogram = useAppStore((s) => s.importTomogram);
  const addHalvesWithFsc = useCompareStore((s) => s.addHalvesWithFsc);
  if (!dataset || ((!offered || offered.length === 0) && !halves)) return null;
  return (
    <ul className="offered-tomograms" data-testid="offered-tomograms">
      {(offered ?? []).map((file) => (
        <li key={file.name}>
          <span title={offerTitle(file)}>
            {file.name} ({offerSize(file)}) {offerOrigin(file)}
          </span>
          <button type="button" className="small" disabled={reading} onClick={() => void importTomogram(file, 'tomogram').catch(() => undefined)} data-testid="offered-tomogram-add">
            Add
          </button>
        </li>
      ))}
      {halves && (
        <li key="halves">
          <span title="The pipeline's tomograms of two halves of the data (even and odd frames): their FSC is its own odd/even FSC, to set beside WedgeLab's">
            {halves[0].name} and {halves[1].name} ({formatBytes(halves[0].size)} each), its half tomograms, came with the series
          </span>
          <button type="button" className="small" disabled={reading} onClick={() => void addHalvesWithFsc(halves).catch(() => undefined)} data-testid="offered-halves-add">
            Add both, with their FSC
          </button>
        </li>
      )}
    </ul>
  );
}
