/**
 * Drops that need one answer before they load. Stacks that come without tilt angles (no angle file, none in the
 * extended header): instead of refusing the drop, the page asks for the tilt range (from, to, step) and loads the
 * stack with a .tlt made of it, named so that the metadata table says the angles were typed. A drop that holds
 * several RELION tilt series (a job's tilt_series/ folder with the frames), several stacks with their angles
 * beside them (a pipeline's output folder, AreTomo3's), or several folders of a series each whose files are named
 * alike (a folder of simulations: s1/tilt_series.mrc, s2/tilt_series.mrc): the page asks which one to load.
 */
import { create } from 'zustand';
import { readMrcHeaderOf, readStackHeaderAngles } from '../../io/mrcStream.ts';
import { isStarFile, relionSeriesNames } from '../../io/relionStar.ts';
import { comesWithAngles } from '../../io/sideFiles.ts';
import { hasAnglesBeside, seriesStacks } from '../../io/stackGroups.ts';
import { fileStem } from '../util/download.ts';
import { zarrFoldersIn } from '../../io/zarrFolder.ts';
import type { DroppedFile } from './droppedFiles.ts';
import { useAppStore } from './store.ts';

export interface PendingDrop {
  files: File[];
  stackName: string;
  /** Sections in the stack: the number of angles the range must give. */
  sections: number;
}

/** A drop of several RELION tilt series, stacks or folders of a series each, waiting for the one to load. */
export interface PendingSeries {
  files: File[];
  /** The tilt series its tables hold, its stacks that have their angles beside them, or its folders that hold one. */
  names: string[];
  kind: 'relion' | 'stack' | 'folder';
  /** For kind 'folder': each named folder's own files. */
  folders?: Record<string, File[]>;
  /** The folder these files are of, in a drop of several (named in the data set's name). */
  folder?: string;
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
 * A drop's files by folder when its folders repeat file names (a folder of simulations: s1/tilt_series.mrc,
 * s2/tilt_series.mrc), keeping the folders that hold a stack with its angles beside it; null when no name repeats.
 */
function seriesFolders(dropped: readonly DroppedFile[]): Record<string, File[]> | null {
  const names = dropped.map((d) => d.file.name);
  // A RELION table names its images wherever they are.
  if (new Set(names).size === names.length || names.some(isStarFile)) return null;
  const byFolder: Record<string, File[]> = {};
  for (const { file, folder } of dropped) (byFolder[folder] ??= []).push(file);
  const holdsSeries = (files: File[]) => {
    const own = files.map((f) => f.name);
    return seriesStacks(own).some((stack) => hasAnglesBeside(stack, own));
  };
  return Object.fromEntries(Object.entries(byFolder).filter(([, files]) => holdsSeries(files)));
}

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
 * Load dropped or picked files; a drop of several folders of a series each (their files named alike) waits for the
 * choice of a folder, one of several RELION tilt series or of several stacks with their angles for the choice of
 * one, and a stack without an angle file, and without angles in its extended header, for a typed tilt range.
 */
export async function loadDropped(all: readonly DroppedFile[]): Promise<void> {
  const dropped = withoutZarrFolders(all);
  const folders = seriesFolders(dropped);
  const names = folders ? Object.keys(folders).sort() : [];
  if (folders && names.length > 1) {
    useTypedAnglesStore.getState().setPendingSeries({ files: dropped.map((d) => d.file), names, kind: 'folder', folders });
    return;
  }
  // Folders that repeat names, one of which holds a series: that folder's files only.
  return folders && names.length === 1 ? loadFolder(folders[names[0]], names[0]) : loadFolder(dropped.map((d) => d.file));
}

/**
 * The drop less its OME-Zarr folders (a tomogram's, beside the series in a pipeline's or the cryoET Data Portal's
 * run folder), which are offered beside the series it loads instead of being read as its files one by one; a drop
 * of nothing but Zarr folders is left whole, for the load to say what it holds.
 */
function withoutZarrFolders(dropped: readonly DroppedFile[]): readonly DroppedFile[] {
  const { folders, others } = zarrFoldersIn(dropped.map((d) => ({ path: d.folder ? `${d.folder}/${d.file.name}` : d.file.name, blob: d.file, dropped: d })));
  const rest = others.map((o) => o.dropped);
  if (folders.length === 0 || seriesStacks(rest.map((d) => d.file.name)).length === 0) return dropped;
  useAppStore.getState().offerZarrWith(rest.map((d) => d.file), folders);
  return rest;
}

/** Files of one folder (`folder`: its name, in a drop of several), loaded, or waiting for the choice or range they need. */
async function loadFolder(files: File[], folder?: string): Promise<void> {
  const choice = await choiceOf(files);
  useTypedAnglesStore.getState().setPendingSeries(choice && (folder === undefined ? choice : { ...choice, folder }));
  if (!choice) await loadAsking(files, folder);
}

/**
 * Files loaded, unless a stack among them has no angles: then the tilt range is asked for first. `folder`: theirs,
 * in a drop of several.
 */
async function loadAsking(files: File[], folder?: string): Promise<void> {
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
  await useAppStore.getState().loadFiles(files, folder === undefined ? {} : { folder });
}

/** The pending stack's files with a .tlt of `angles` (one per line), loaded; the prompt closes. */
export async function loadWithTypedAngles(pending: PendingDrop, angles: number[]): Promise<void> {
  const tlt = new File([angles.map((a) => a.toFixed(2)).join('\n') + '\n'], `${fileStem(pending.stackName)}.typed.tlt`, { type: 'text/plain' });
  useTypedAnglesStore.getState().setPending(null);
  await useAppStore.getState().loadFiles([...pending.files, tlt]);
}

/** The pending drop's tilt series `name` (a RELION table's, a stack, or a folder), loaded; the question closes. */
export async function loadChosenSeries(pending: PendingSeries, name: string): Promise<void> {
  useTypedAnglesStore.getState().setPendingSeries(null);
  if (pending.kind === 'folder') return loadFolder(pending.folders?.[name] ?? [], name);
  const folder = pending.folder === undefined ? {} : { folder: pending.folder };
  await useAppStore.getState().loadFiles(pending.files, { ...(pending.kind === 'relion' ? { relionSeries: name } : { stack: name }), ...folder });
}

