import { useEffect, useRef, type RefObject } from 'react';

/** How far inside the view a revealed element stops. */
const REVEAL_MARGIN_PX = 6;

/**
 * A ref whose element is scrolled into its scrolling container's view each time `shown` turns true: what asks for
 * the user's attention in the sidebar (a new result, a dropped stack's angle form, a load's progress and Cancel)
 * would otherwise appear out of view on a small screen, the sidebar scrolled elsewhere.
 */
export function useRevealWhenShown<T extends HTMLElement>(shown: boolean): RefObject<T | null> {
  const ref = useRef<T>(null);
  useEffect(() => {
    const element = ref.current;
    if (!shown || !element) return;
    // Scrolling lands on whole pixels: an element ending at a fraction of one was left a sliver out of view.
    element.style.scrollMarginBlock = `${REVEAL_MARGIN_PX}px`;
    element.scrollIntoView({ block: 'nearest' });
  }, [shown]);
  return ref;
}
