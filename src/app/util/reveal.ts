import { useEffect, useRef, type RefObject } from 'react';

/**
 * A ref whose element is scrolled into its scrolling container's view each time `shown` turns true: what asks for
 * the user's attention in the sidebar (a new result, a dropped stack's angle form, a load's progress and Cancel)
 * would otherwise appear out of view on a small screen, the sidebar scrolled elsewhere. (Each such element has a
 * scroll margin in styles.css, so that it lands wholly inside the view.)
 */
export function useRevealWhenShown<T extends HTMLElement>(shown: boolean): RefObject<T | null> {
  const ref = useRef<T>(null);
  useEffect(() => {
    if (shown) ref.current?.scrollIntoView({ block: 'nearest' });
  }, [shown]);
  return ref;
}
