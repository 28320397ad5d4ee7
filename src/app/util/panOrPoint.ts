import { useRef, type MouseEvent, type PointerEvent } from 'react';

/** What the panel does with the pointer. */
export interface PanOrPointActions {
  /** The pointer at (x, y), CSS pixels from the panel's top left; `set`: move the linked cursor there (a left drag), else hover only. */
  point(x: number, y: number, set: boolean): void;
  /** The pointer left the panel, not dragging: nothing under it. */
  leave(): void;
  /** Pan by (dx, dy) CSS pixels. */
  pan(dx: number, dy: number): void;
}

type Drag = { kind: 'pan'; x: number; y: number } | { kind: 'cursor' } | null;

/**
 * The slice panels' pointer gestures (the slice viewer's and the compare grid's): a left drag moves the linked
 * cursor; a middle drag, or a left drag with Shift, Ctrl, Alt or Meta, pans; moving without a button hovers. The
 * pointer is captured for a drag, so it goes on outside the panel. Spread the result on the panel's element.
 */
export function usePanOrPoint(actions: PanOrPointActions) {
  const drag = useRef<Drag>(null);
  const local = (event: PointerEvent<HTMLElement>): [number, number] => {
    const rect = event.currentTarget.getBoundingClientRect();
    return [event.clientX - rect.left, event.clientY - rect.top];
  };
  return {
    onPointerDown(event: PointerEvent<HTMLElement>) {
      const panning = event.button === 1 || (event.button === 0 && (event.shiftKey || event.ctrlKey || event.metaKey || event.altKey));
      if (panning) {
        event.preventDefault();
        drag.current = { kind: 'pan', x: event.clientX, y: event.clientY };
      } else if (event.button === 0) {
        drag.current = { kind: 'cursor' };
        actions.point(...local(event), true);
      } else return;
      event.currentTarget.setPointerCapture(event.pointerId);
    },
    onPointerMove(event: PointerEvent<HTMLElement>) {
      const state = drag.current;
      if (state?.kind === 'pan') {
        actions.pan(event.clientX - state.x, event.clientY - state.y);
        drag.current = { kind: 'pan', x: event.clientX, y: event.clientY };
        return;
      }
      actions.point(...local(event), state?.kind === 'cursor');
    },
    onPointerUp(event: PointerEvent<HTMLElement>) {
      drag.current = null;
      if (event.currentTarget.hasPointerCapture(event.pointerId)) event.currentTarget.releasePointerCapture(event.pointerId);
    },
    onPointerLeave() {
      if (!drag.current) actions.leave();
    },
    // A middle click would otherwise paste or scroll (Linux), a right click during a drag open the menu.
    onAuxClick(event: MouseEvent) {
      event.preventDefault();
    },
    onContextMenu(event: MouseEvent) {
      if (drag.current) event.preventDefault();
    },
  };
}
