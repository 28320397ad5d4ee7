import { useRef } from 'react';
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
 * Bring in a tomogram made elsewhere of the selected series (docs/loading.md#tomograms-made-elsewhere): its sizes
 * must be the tilts' at a whole binning, in either layout; its orientation is told from the tilts. A bad file is
 * one banner message.
 */
export function ImportTomogramButton({ role }: { role: keyof typeof ROLE_TEXT }) {
  const dataset = useAppStore(selectDataset);
  const reading = useAppStore((s) => s.fileLoad !== null);
  const importTomogram = useAppStore((s) => s.importTomogram);
  const input = useRef<HTMLInputElement>(null);
  const text = ROLE_TEXT[role];
  const onFiles = (element: HTMLInputElement) => {
    const [file] = element.files ?? [];
    element.value = '';
    // The store reports a file that does not fit in the error banner.
    if (file) importTomogram(file, role).catch(() => undefined);
  };
  return (
    <>
      <input ref={input} type="file" accept=".mrc,.rec,.map,.gz" hidden onChange={(e) => onFiles(e.target)} data-testid={`import-${role}-file`} />
      <button
        type="button"
        className="small"
        disabled={!dataset || reading}
        onClick={() => input.current?.click()}
        title={`${text.title}. Its x and y (or x and z: the XZY layout of IMOD and AreTomo) must be the tilts' at a whole binning; which way its axes run is told from the tilts.`}
        data-testid={`import-${role}`}
      >
        {text.button}
      </button>
    </>
  );
}
