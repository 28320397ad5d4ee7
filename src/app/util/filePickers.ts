/**
 * Chrome's File System Access pickers (showSaveFilePicker, showDirectoryPicker): exports then write straight
 * into the file or folder the user picks, piece by piece. They are not in TypeScript's DOM library and are
 * missing in Firefox and Safari, where exports fall back to a download. Each must be called while the click that
 * asked for it is still being handled (before any other await).
 */
interface PickerWindow {
  showSaveFilePicker?: (options: { suggestedName: string }) => Promise<FileSystemFileHandle>;
  showDirectoryPicker?: (options: { mode: 'readwrite' }) => Promise<FileSystemDirectoryHandle>;
}

const pickers = (): PickerWindow => window as unknown as PickerWindow;

export const canPickSaveFile = (): boolean => typeof pickers().showSaveFilePicker === 'function';
export const canPickFolder = (): boolean => typeof pickers().showDirectoryPicker === 'function';

/** The file to save to, or null when the user closes the picker. */
export function pickSaveFile(suggestedName: string): Promise<FileSystemFileHandle | null> {
  return unlessCancelled(pickers().showSaveFilePicker!({ suggestedName }));
}

/** A folder to write into, or null when the user closes the picker. */
export function pickFolder(): Promise<FileSystemDirectoryHandle | null> {
  return unlessCancelled(pickers().showDirectoryPicker!({ mode: 'readwrite' }));
}

/** Closing a picker rejects with an AbortError: a choice, not a failure. */
async function unlessCancelled<T>(picked: Promise<T>): Promise<T | null> {
  try {
    return await picked;
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') return null;
    throw error;
  }
}
