/**
 * The page's keyboard shortcuts: 1, 2, 3 switch to the slices, the 3-D view and Compare; Ctrl+Enter (⌘+Enter on a
 * Mac) runs the chosen method. Keys typed into a field are the field's, not shortcuts.
 */
import { useEffect } from 'react';

export type Shortcut = 'slices' | '3d' | 'compare' | 'run';

const VIEW_KEYS: Record<string, Shortcut> = { '1': 'slices', '2': '3d', '3': 'compare' };

/** What a key press asks for, or null. `typing`: the focus is in a text field, a number field or a menu. */
export function shortcutOf(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>, typing: boolean): Shortcut | null {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && !event.altKey) return 'run';
  if (typing || event.ctrlKey || event.metaKey || event.altKey || event.shiftKey) return null;
  return VIEW_KEYS[event.key] ?? null;
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'range'].includes(target.type);
}

/** Calls `handle` with the shortcuts it takes (others pass through) while the component is mounted. */
export function useShortcuts(handle: (shortcut: Shortcut) => boolean): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent): void => {
      const shortcut = shortcutOf(event, isTyping(event.target));
      if (shortcut && handle(shortcut)) event.preventDefault();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [handle]);
}
