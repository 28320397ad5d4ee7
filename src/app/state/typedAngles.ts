/**
 * Drops that need one answer before they load. Stacks that come without tilt angles (no angle file, none in the
 * extended header): instead of refusing the drop, the page asks for the tilt range (from, to, step) and loads the
 * stack with a .tlt made of it, named so that the metadata table says the angles were typed. A drop that holds
 * several RELION tilt series (a job's tilt_series/ folder with the frames), or several stacks with their angles
 * beside them (a pipeline's output folder, AreTomo3's): the page asks which one to load.
 */
import { create } from 'zustand';
import { readMrcHeaderOf, readStackHeaderAngles } from '../../io/mrcStream.ts';
import { isStarFile, relionSeriesNames } from '../../io/relionStar.ts';
import { comesWithAngles } from '../../io/sideFiles.ts';
import { hasAnglesBeside, seriesStacks } from '../../io/stackGroups.ts';
import { fileStem } from '../util/download.ts';
import { useAppStore } from './store.ts';

export interface PendingDrop {
  files: File[];
  stackName: string;
  /** Sections in the stack: the number of angles the range must give. */
  sections: number;
}

/** A drop of several RELION tilt series or stacks, waiting for the one to load. */
export interface PendingSeries {
  files: File[];
  /** The tilt series its tables hold, or its stacks that have their angles beside them, in file order. */
  names: string[];
  kind: 'relion' | 'stack';
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

/** The choice a drop waits for: of several RELION tilt series, or of several stacks with their angles beside them; null for none. */
async function choiceOf(files: File[]): Promise<PendingSeries | null> {
  const stars = files.filter((f) => isStarFile(f.name));
  // Unreadable tables: the load itself says what is wrong with them.
  const relion = stars.length > 0 ? relionSeriesNames(await Promise.all(stars.map(async (f) => ({ name: f.name, text: await f.text() })))) : [];
  if (relion.length > 1) return { files, names: relion, kind: 'relion' };
  const names = files.map((f) => f.name);
  const withAngles = stars.length === 0 ? seriesStacks(names).filter((stack) => hasAnglesBeside(stack, names)) : [];
  return withAngles.length > 1 ? { files, names: withAngles, kind: 'stack' } : null;
}

/**
 * Load dropped or picked files; a stack without an angle file, and without angles in its extended header, waits for
 * a typed tilt range first, and a drop of several RELION tilt series or of several stacks with their angles for the
 * choice of one.
 */
export async function loadDropped(files: File[]): Promise<void> {
  const choice = await choiceOf(files);
  useTypedAnglesStore.getState().setPendingSeries(choice);
  if (choice) return;
  // Several stacks (of which one at most has its angles beside it), or none: the load picks or refuses them itself.
  const stacks = seriesStacks(files.map((f) => f.name)).map((name) => files.find((f) => f.name === name) as File);
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

/** The pending drop's tilt series `name` (a RELION table's, or a stack), loaded; the question closes. */
export async function loadChosenSeries(pending: PendingSeries, name: string): Promise<void> {
  useTypedAnglesStore.getState().setPendingSeries(null);
  await useAppStore.getState().loadFiles(pending.files, pending.kind === 'relion' ? { relionSeries: name } : { stack: name });
}

