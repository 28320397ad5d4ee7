import { useRef, useSyncExternalStore, type Ref } from 'react';
import type { SliceAxis } from '../../../../workers/api.ts';
import { AXIS_COLORS } from '../../viewer/axes.ts';
import { steppedIndex } from '../../viewer/keys.ts';
import type { SlicePoint, SliceRenderer } from '../../viewer/types.ts';
import { useWheelZoom } from '../../util/wheelZoom.ts';
import { usePanOrPoint } from '../../util/panOrPoint.ts';
import { ScaleBar } from '../ScaleBar.tsx';
import './viewer.css';

interface SlicePanelProps {
  axis: SliceAxis;
  renderer: SliceRenderer;
  canvasRef: Ref<HTMLCanvasElement>;
  /** E.g. "z". */
  normalName: string;
  index: number;
  count: number;
  onIndex: (index: number) => void;
  /** Pointer over (or off, with null) a slice point; `set` when the cursor should move there. */
  onPoint: (axis: SliceAxis, point: SlicePoint | null, set: boolean) => void;
  enabled: boolean;
  /** Å per voxel, 0 when unknown (no scale bar). */
  pixelSize: number;
}

/** The panel's scale bar, following the zoom. */
function SliceScaleBar({ axis, renderer, pixelSize }: { axis: SliceAxis; renderer: SliceRenderer; pixelSize: number }) {
  const cssPerPixel = useSyncExternalStore(renderer.subscribe, () => renderer.cssPerPixel(axis));
  return <ScaleBar pixelSize={pixelSize} cssPerVoxel={cssPerPixel} testId={`scale-bar-${axis}`} />;
}

export function SlicePanel({ axis, renderer, canvasRef, normalName, index, count, onIndex, onPoint, enabled, pixelSize }: SlicePanelProps) {
  const boxRef = useRef<HTMLDivElement>(null);
  useWheelZoom(boxRef, (x, y, factor) => renderer.zoomAt(axis, x, y, factor));
  const gestures = usePanOrPoint({
    point: (x, y, set) => onPoint(axis, renderer.pick(axis, x, y), set),
    leave: () => onPoint(axis, null, false),
    pan: (dx, dy) => renderer.panBy(axis, dx, dy),
  });

  return (
    <div className="slice-panel" style={{ '--axis-color': AXIS_COLORS[axis] } as React.CSSProperties}>
      <div className="slice-panel-head">
        <span className="slice-name">{axis.toUpperCase()}</span>
        <span className="slice-index">
          {normalName} = {enabled ? index : '–'}
          {enabled ? ` / ${count - 1}` : ''}
        </span>
        <input
          type="range"
          min={0}
          max={Math.max(0, count - 1)}
          value={index}
          disabled={!enabled}
          onChange={(e) => onIndex(Number(e.target.value))}
          data-testid={`slider-${axis}`}
          aria-label={`${axis.toUpperCase()} slice (${normalName})`}
        />
      </div>
      <div
        ref={boxRef}
        className="slice-canvas-box"
        data-testid={`slice-${axis}-box`}
        tabIndex={enabled ? 0 : -1}
        aria-label={`${axis.toUpperCase()} slice: arrow keys step through ${normalName}, Shift for 10`}
        onKeyDown={(event) => {
          const next = enabled ? steppedIndex(event.key, event.shiftKey, index, count) : null;
          if (next === null) return;
          event.preventDefault();
          onIndex(next);
        }}
        {...gestures}
      >
        <canvas ref={canvasRef} data-testid={`slice-${axis}`} />
        {enabled && <SliceScaleBar axis={axis} renderer={renderer} pixelSize={pixelSize} />}
      </div>
    </div>
  );
}
