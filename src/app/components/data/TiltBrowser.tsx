import { useEffect, useRef, useState } from 'react';
import type { DatasetSummary } from '../../../../workers/api.ts';
import { describeDarkTilts, type DarkTiltHint } from '../../../engine/darkTilts.ts';
import { useAppStore } from '../../state/store.ts';
import { formatAngle, formatNumber } from '../../util/format.ts';
import { drawTilt, tiltFacts, tiltImageTitle, tiltNumberText, useTiltImage } from './tiltImage.ts';
import { TiltEnlarged } from './TiltEnlarged.tsx';
import { ThonRingsCheck } from './ThonRingsCheck.tsx';

/**
 * Pixels along the preview's longer side, at most: the canvas is shown 122 CSS pixels high (styles.css), so 512
 * is sharp up to a 4× display, and a 4096² tilt crosses from the worker as 1 MiB instead of 64 MiB.
 */
const PREVIEW_SIDE = 512;

function closestToZero(angles: number[]): number {
  let best = 0;
  angles.forEach((a, i) => {
    if (Math.abs(a) < Math.abs(angles[best])) best = i;
  });
  return best;
}

export function TiltBrowser({ dataset }: { dataset: DatasetSummary }) {
  const [index, setIndex] = useState(() => closestToZero(dataset.tiltAngles));
  const { slice, autoWindow, error } = useTiltImage(dataset.id, index, PREVIEW_SIDE);
  const [auto, setAuto] = useState(true);
  const [manual, setManual] = useState({ lo: dataset.stats.min, hi: dataset.stats.max });
  const canvasRef = useRef<HTMLCanvasElement>(null);
  // Tilt numbers (from 1) marked to leave out; a new data set without them is made on request.
  const [leaveOut, setLeaveOut] = useState<number[]>([]);
  const leaveOutTilts = useAppStore((s) => s.leaveOutTilts);
  const [enlarged, setEnlarged] = useState(false);
  const [lo, hi] = auto && autoWindow ? autoWindow : [manual.lo, manual.hi];
  const mark = (numbers: number[]) => setLeaveOut([...leaveOut, ...numbers].sort((a, b) => a - b));
  const toggleMark = (number: number) => (leaveOut.includes(number) ? setLeaveOut(leaveOut.filter((n) => n !== number)) : mark([number]));

  useEffect(() => {
    if (slice && canvasRef.current) drawTilt(canvasRef.current, slice, lo, hi);
  }, [slice, lo, hi]);

  const { min, max } = dataset.stats;
  const step = max > min ? (max - min) / 500 : 1;
  const n = dataset.nTilts;
  const facts = tiltFacts(dataset, index);

  return (
    <div className="tilt-browser" data-testid="tilt-browser">
      <div className="tilt-head">
        <span title={dataset.tiltsLeftOut && `${tiltNumberText(dataset, index)} in ${dataset.tiltsLeftOut.from}`} data-testid="tilt-number">
          Tilt {index + 1}/{n}
        </span>
        <input
          type="range"
          min={0}
          max={n - 1}
          value={index}
          onChange={(e) => setIndex(Number(e.target.value))}
          data-testid="tilt-slider"
          aria-label="Projection"
        />
        <span className="tilt-angle" data-testid="tilt-angle">
          {formatAngle(dataset.tiltAngles[index] ?? 0)}
        </span>
      </div>
      {facts && (
        <div className="tilt-facts" data-testid="tilt-facts">
          {facts}
        </div>
      )}
      {dataset.defocus && <ThonRingsCheck dataset={dataset} index={index} />}
      <div className="tilt-canvas-box">
        <canvas
          ref={canvasRef}
          data-testid="tilt-canvas"
          title={`${tiltImageTitle(dataset, slice)}: click to see it larger`}
          className={leaveOut.includes(index + 1) ? 'left-out' : undefined}
          onClick={() => setEnlarged(true)}
        />
        {error && <div className="overlay-note">{error}</div>}
      </div>
      {enlarged && (
        <TiltEnlarged
          dataset={dataset}
          index={index}
          onIndex={setIndex}
          contrast={auto ? 'auto' : [manual.lo, manual.hi]}
          marked={dataset.synthesized ? null : leaveOut.includes(index + 1)}
          onToggleMark={() => toggleMark(index + 1)}
          onClose={() => setEnlarged(false)}
        />
      )}
      {!dataset.synthesized && (
        <LeaveOutTilts
          number={index + 1}
          dark={dataset.darkTilts}
          marked={leaveOut}
          onMark={mark}
          onToggle={() => toggleMark(index + 1)}
          // The new data set is selected, and this preview with it; a refusal is in the banner, the marks stay.
          onApply={() => void leaveOutTilts(leaveOut).catch(() => undefined)}
        />
      )}
      <div className="tilt-contrast">
        <label className="check">
          <input type="checkbox" checked={auto} onChange={(e) => {
              // Manual contrast starts from the window the auto contrast was showing.
              if (!e.target.checked && autoWindow) setManual({ lo: autoWindow[0], hi: autoWindow[1] });
              setAuto(e.target.checked);
            }} data-testid="tilt-auto-contrast" /> Auto contrast
          (0.5–99.5 %)
        </label>
        {!auto && (
          <>
            <label className="range-field">
              <span>min</span>
              <input type="range" min={min} max={max} step={step} value={manual.lo} onChange={(e) => setManual({ ...manual, lo: Number(e.target.value) })} />
              <span className="num">{formatNumber(manual.lo, 3)}</span>
            </label>
            <label className="range-field">
              <span>max</span>
              <input type="range" min={min} max={max} step={step} value={manual.hi} onChange={(e) => setManual({ ...manual, hi: Number(e.target.value) })} />
              <span className="num">{formatNumber(manual.hi, 3)}</span>
            </label>
          </>
        )}
      </div>
    </div>
  );
}

const asSentence = (text: string) => `${text[0].toUpperCase()}${text.slice(1)}.`;

/**
 * Marking tilts to leave out (a grid bar, a lost track, a blurred or dark view), then one new data set without
 * them: the series they came from stays as it was, with its results, to compare against.
 */
function LeaveOutTilts({
  number,
  dark,
  marked,
  onMark,
  onToggle,
  onApply,
}: {
  number: number;
  dark: DarkTiltHint[];
  marked: number[];
  /** Add these (none marked yet) to the marks. */
  onMark: (numbers: number[]) => void;
  onToggle: () => void;
  onApply: () => void;
}) {
  const isMarked = marked.includes(number);
  const darkUnmarked = dark.filter((d) => !marked.includes(d.number));
  return (
    <div className="tilt-leave-out">
      {darkUnmarked.length > 0 && (
        <div className="tilt-dark" data-testid="tilt-dark">
          <span>{asSentence(describeDarkTilts(darkUnmarked))}</span>
          <button type="button" className="small" onClick={() => onMark(darkUnmarked.map((d) => d.number))} data-testid="tilt-mark-dark">
            Mark {darkUnmarked.length === 1 ? 'it' : 'them'}
          </button>
        </div>
      )}
      <label className="check" title="Mark this tilt; a new data set without the marked tilts is made when you ask">
        <input
          type="checkbox"
          checked={isMarked}
          onChange={onToggle}
          data-testid="tilt-leave-out"
        />{' '}
        Leave out this tilt
      </label>
      {marked.length > 0 && (
        <div className="tilt-leave-out-apply">
          <span data-testid="tilt-left-out">
            Tilt{marked.length === 1 ? '' : 's'} {marked.join(', ')}
          </span>
          <button type="button" className="small" onClick={onApply} data-testid="tilt-leave-out-apply">
            New data set without {marked.length === 1 ? 'it' : 'them'}
          </button>
        </div>
      )}
    </div>
  );
}
