import { useEffect, useRef, type RefObject } from 'react';

/** How fast the wheel zooms: by e^(−deltaY · rate), so 100 pixels of wheel zoom out by about 0.86. */
const WHEEL_ZOOM_RATE = 0.0015;

/**
 * Zoom on the mouse wheel over `boxRef`'s element: `zoom` gets the pointer in the element's pixels and the factor
 * (> 1: closer). The listener is not passive, so the wheel zooms instead of scrolling the page. One listener for the
 * element's life, which calls the latest `zoom`.
 */
export function useWheelZoom(boxRef: RefObject<HTMLElement | null>, zoom: (x: number, y: number, factor: number) => void): void {
  const zoomRef = useRef(zoom);
  useEffect(() => {
    zoomRef.current = zoom;
  }, [zoom]);
  useEffect(() => {
    const box = boxRef.current;
    if (!box) return;
    const onWheel = (event: WheelEvent): void => {
      event.preventDefault();
      const rect = box.getBoundingClientRect();
      zoomRef.current(event.clientX - rect.left, event.clientY - rect.top, Math.exp(-event.deltaY * WHEEL_ZOOM_RATE));
    };
    box.addEventListener('wheel', onWheel, { passive: false });
    return () => box.removeEventListener('wheel', onWheel);
  }, [boxRef]);
}
