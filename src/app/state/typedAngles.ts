/**
 * Drops that need one answer before they load. Stacks that come without tilt angles (no angle file, none in the
 * extended header): instead of refusing the drop, the page asks for the tilt range (from, to, step) and loads the
 * stack with a .tlt made of it, named so that the metadata table says the angles were typed. A drop that holds
 * several RELION tilt series (a job's tilt_series/ folder with the frames): the page asks which one to load.
 */
import { create } from 'zustand';
import { readMrcHeaderOf, readStackHeaderAngles } from '../../io/mrcStream.ts';
import { isStarFile, relionSeriesNames } from '../../io/relionStar.ts';
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

/** A drop of several RELION tilt series, waiting for the one to load. */
export interface PendingSeries {
  files: File[];
  /** The tilt series its tables hold, in file order. */
  names: string[];
}

interface TypedAnglesState {
  pending: PendingDrop | null;
  setPending(pending: PendingDrop | null): void;
  pendingSeries: PendingSeries | null;
  setPendingSeries(pending: PendingSeries | null): void;
}

export const useTypedAnglesStore = create<TypedAnglesState>()((set) => ({
  pending: null,
  setPending: (pending) => set({ pending }),
  pendingSeries: null,
  setPendingSeries: (pendingSeries) => set({ pendingSeries }),
}));

/**
 * Load dropped or picked files; a stack without an angle file, and without angles in its extended header, waits for
 * a typed tilt range first, and a drop of several RELION tilt series for the choice of one.
 */
export async function loadDropped(files: File[]): Promise<void> {
  const stars = files.filter((f) => isStarFile(f.name));
  // Unreadable tables: the load itself says what is wrong with them.
  const names = stars.length > 0 ? relionSeriesNames(await Promise.all(stars.map(async (f) => ({ name: f.name, text: await f.text() })))) : [];
  useTypedAnglesStore.getState().setPendingSeries(names.length > 1 ? { files, names } : null);
  if (names.length > 1) return;
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

/** The pending drop's tilt series `name`, loaded; the question closes. */
export async function loadRelionSeries(pending: PendingSeries, name: string): Promise<void> {
  useTypedAnglesStore.getState().setPendingSeries(null);
  await useAppStore.getState().loadFiles(pending.files, { relionSeries: name });
}

