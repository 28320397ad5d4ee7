import { useRef, type PointerEvent as ReactPointerEvent, type RefObject } from 'react';
import { useView3dStore } from '../../state/view3dStore.ts';
import { orbit, panBy, zoomBy } from '../../volume3d/camera.ts';
import { useWheelZoom } from '../../util/wheelZoom.ts';
import type { VolumeRenderer } from '../../volume3d/types.ts';

const RADIANS_PER_PIXEL = 0.008;

type Drag = { kind: 'rotate' | 'pan'; x: number; y: number } | null;

/**
 * Mouse control of a 3-D panel's camera (through the store, so linked views follow): drag to
 * rotate, shift/right/middle-drag to pan, wheel to zoom.
 */
export function useOrbitControls(boxRef: RefObject<HTMLDivElement | null>, renderer: VolumeRenderer, resultId: string) {
  const drag = useRef<Drag>(null);
  const updateCamera = useView3dStore((s) => s.updateCamera);

  useWheelZoom(boxRef, (_x, _y, factor) => updateCamera(resultId, (camera) => zoomBy(camera, factor)));

  return {
    onPointerDown(event: ReactPointerEvent<HTMLDivElement>) {
      const pan = event.button === 1 || event.button === 2 || (event.button === 0 && (event.shiftKey || event.ctrlKey || event.metaKey));
      drag.current = { kind: pan ? 'pan' : 'rotate', x: event.clientX, y: event.clientY };
      event.currentTarget.setPointerCapture(event.pointerId);
      event.preventDefault();
    },
    onPointerMove(event: ReactPointerEvent<HTMLDivElement>) {
      const state = drag.current;
      if (!state) return;
      const dx = event.clientX - state.x;
      const dy = event.clientY - state.y;
      drag.current = { ...state, x: event.clientX, y: event.clientY };
      if (state.kind === 'rotate') updateCamera(resultId, (camera) => orbit(camera, dx * RADIANS_PER_PIXEL, dy * RADIANS_PER_PIXEL));
      else {
        const scale = renderer.unitsPerPixel();
        updateCamera(resultId, (camera) => panBy(camera, dx * scale, -dy * scale));
      }
    },
    onPointerUp(event: ReactPointerEvent<HTMLDivElement>) {
      drag.current = null;
      if (event.currentTarget.hasPointerCapture(event.pointerId)) event.currentTarget.releasePointerCapture(event.pointerId);
    },
    onContextMenu(event: React.MouseEvent) {
      event.preventDefault();
    },
  };
}
