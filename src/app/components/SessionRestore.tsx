import { formatBytes } from '../../io/bytes.ts';
import { useAppStore } from '../state/store.ts';
import { Section } from './Section.tsx';

/**
 * What an earlier page kept for after a reload (tilt series and results in the browser's origin-private file
 * system), offered back: the list with sizes, Restore, and Clear to free the space. Absent when nothing is kept.
 */
export function SessionRestore() {
  const saved = useAppStore((s) => s.savedSession);
  const restore = useAppStore((s) => s.restoreSession);
  const clear = useAppStore((s) => s.clearSession);
  if (saved.length === 0) return null;
  const total = saved.reduce((n, item) => n + item.bytes, 0);
  return (
    <Section title="Restore previous session" testId="session-restore">
      <ul className="saved-session" data-testid="session-items">
        {saved.map((item) => (
          <li key={item.key}>
            <span className="kind">{item.kind === 'dataset' ? 'Tilt series' : 'Result'}</span> {item.name}{' '}
            <span className="num">{formatBytes(item.bytes)}</span>
          </li>
        ))}
      </ul>
      <div className="field-row">
        <button type="button" className="small" onClick={() => void restore()} data-testid="session-restore-button">
          Restore ({formatBytes(total)})
        </button>
        <button type="button" className="small ghost" onClick={() => void clear()} data-testid="session-clear-button">
          Clear
        </button>
      </div>
    </Section>
  );
}
