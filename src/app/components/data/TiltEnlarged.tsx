import { useEffect, useRef } from 'react';
import type { DatasetSummary } from '../../../../workers/api.ts';
import { formatAngle } from '../../util/format.ts';
import { drawTilt, tiltFacts, tiltImageTitle, tiltNumberText, useTiltImage } from './tiltImage.ts';

/**
 * Pixels along the larger view's longer side, at most: enough to judge a tilt (drift, a grid bar's edge, ice)
 * before leaving it out, while a 4096² tilt still crosses from the worker binned 4×, as 4 MiB.
 */
const ENLARGED_SIDE = 1024;

/**
 * One tilt over the page, as large as the window allows: ← and → step through the tilts (the data panel's
 * slider follows), L marks it to leave out, Esc or a click beside it closes.
 */
export function TiltEnlarged({
  dataset,
  index,
  onIndex,
  contrast,
  marked,
  onToggleMark,
  onClose,
}: {
  dataset: DatasetSummary;
  index: number;
  onIndex: (index: number) => void;
  /** The data panel's choice: auto (this image's own 0.5–99.5 % window) or its min and max. */
  contrast: 'auto' | [number, number];
  /** Whether this tilt is marked to leave out; null where tilts cannot be left out (synthesised ones). */
  marked: boolean | null;
  onToggleMark: () => void;
  onClose: () => void;
}) {
  const { slice, autoWindow, error } = useTiltImage(dataset.id, index, ENLARGED_SIDE);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const boxRef = useRef<HTMLDivElement>(null);
  const [lo, hi] = contrast === 'auto' ? (autoWindow ?? [0, 0]) : contrast;

  useEffect(() => boxRef.current?.focus(), []);
  useEffect(() => {
    if (slice && canvasRef.current) drawTilt(canvasRef.current, slice, lo, hi);
  }, [slice, lo, hi]);

  const onKeyDown = (e: React.KeyboardEvent) => {
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (step !== 0) onIndex(Math.min(dataset.nTilts - 1, Math.max(0, index + step)));
    else if (e.key === 'Escape') onClose();
    else if ((e.key === 'l' || e.key === 'L') && marked !== null) onToggleMark();
    else return;
    e.preventDefault();
    e.stopPropagation();
  };

  return (
    <div className="tilt-enlarged" data-testid="tilt-enlarged" role="dialog" aria-label="Tilt, larger" tabIndex={-1} ref={boxRef} onKeyDown={onKeyDown} onClick={onClose}>
      <div className="tilt-enlarged-panel" onClick={(e) => e.stopPropagation()}>
        <div className="tilt-enlarged-head">
          <span data-testid="tilt-enlarged-title">
            {[tiltNumberText(dataset, index), formatAngle(dataset.tiltAngles[index] ?? 0), tiltFacts(dataset, index), tiltImageTitle(dataset, slice)].filter(Boolean).join(' · ')}
          </span>
          {marked !== null && (
            <label className="check">
              <input type="checkbox" checked={marked} onChange={onToggleMark} data-testid="tilt-enlarged-leave-out" /> Leave out this tilt (L)
            </label>
          )}
          <span className="muted">← → step · Esc closes</span>
          <button type="button" className="small" onClick={onClose} data-testid="tilt-enlarged-close">
            Close
          </button>
        </div>
        <canvas ref={canvasRef} data-testid="tilt-enlarged-canvas" className={marked ? 'left-out' : undefined} />
        {error && <div className="overlay-note">{error}</div>}
      </div>
    </div>
  );
}
