/**
 * Stacks that come without tilt angles (no angle file, none in the extended header): instead of refusing the drop, the page asks for the tilt range (from, to,
 * step) and loads the stack with a .tlt made of it, named so that the metadata table says the angles were typed.
 */
import { create } from 'zustand';
import { readMrcHeaderOf, readStackHeaderAngles } from '../../io/mrcStream.ts';
import { comesWithAngles } from '../../io/sideFiles.ts';
import { isStackFile } from '../../io/tiltSeriesFiles.ts';
import { fileStem } from '../util/download.ts';
import { useAppStore } from './store.ts';

export interface PendingDrop {
  files: File[];
  stackName: string;
  /** Sections in the stack: the number of angles the range must give. */
  sections: number;
}

interface TypedAnglesState {
  pending: PendingDrop | null;
  setPending(pending: PendingDrop | null): void;
}

export const useTypedAnglesStore = create<TypedAnglesState>()((set) => ({
  pending: null,
  setPending: (pending) => set({ pending }),
}));

/**
 * Load dropped or picked files; a stack without an angle file, and without angles in its extended header, waits for
 * a typed tilt range first.
 */
export async function loadDropped(files: File[]): Promise<void> {
  const stacks = files.filter((f) => isStackFile(f.name));
  // Several stacks, or none: the load refuses them with its own message.
  if (stacks.length === 1 && !comesWithAngles(files.map((f) => f.name)) && !(await readStackHeaderAngles(stacks[0], stacks[0].name))) {
    const header = await readMrcHeaderOf(stacks[0]).catch(() => null);
    // An unreadable header: the load itself says what is wrong with the file.
    if (header) {
      useTypedAnglesStore.getState().setPending({ files, stackName: stacks[0].name, sections: header.nz });
      return;
    }
  }
  useTypedAnglesStore.getState().setPending(null);
  await useAppStore.getState().loadFiles(files);
}

/** The pending stack's files with a .tlt of `angles` (one per line), loaded; the prompt closes. */
export async function loadWithTypedAngles(pending: PendingDrop, angles: number[]): Promise<void> {
  const tlt = new File([angles.map((a) => a.toFixed(2)).join('\n') + '\n'], `${fileStem(pending.stackName)}.typed.tlt`, { type: 'text/plain' });
  useTypedAnglesStore.getState().setPending(null);
  await useAppStore.getState().loadFiles([...pending.files, tlt]);
}
