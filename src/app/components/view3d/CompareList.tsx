import type { ResultSummary } from '../../../../workers/api.ts';
import { MAX_PANELS, useView3dStore } from '../../state/view3dStore.ts';
import { resultTitle } from '../results/ResultList.tsx';
import { Section } from '../Section.tsx';

/** Which results are shown side by side (the selected one always is). */
export function CompareList({ results, selectedId, shownIds }: { results: ResultSummary[]; selectedId: string | null; shownIds: string[] }) {
  const toggle = useView3dStore((s) => s.toggleCompare);
  const linkCameras = useView3dStore((s) => s.linkCameras);
  const linkTf = useView3dStore((s) => s.linkTf);
  const setLinkCameras = useView3dStore((s) => s.setLinkCameras);
  const setLinkTf = useView3dStore((s) => s.setLinkTf);
  return (
    <Section title="Side by side" aside={<span className="count">{shownIds.length}/{MAX_PANELS}</span>}>
      {results.length === 0 && <div className="empty">No results yet.</div>}
      <ul className="compare-list">
        {results.map((r) => {
          const selected = r.id === selectedId;
          const shown = shownIds.includes(r.id);
          return (
            <li key={r.id}>
              <label className="check" title={r.label}>
                <input
                  type="checkbox"
                  checked={shown}
                  disabled={selected || (!shown && shownIds.length >= MAX_PANELS)}
                  data-testid="compare-result"
                  data-result-id={r.id}
                  onChange={(e) => toggle(r.id, e.target.checked)}
                />
                <span className="compare-label">{resultTitle(r)}</span>
                <span className="hint">
                  {r.nx}×{r.ny}×{r.nz}
                </span>
              </label>
            </li>
          );
        })}
      </ul>
      <div className="field-row">
        <label className="check" title="All views share one camera: rotate one, all follow">
          <input type="checkbox" checked={linkCameras} data-testid="link-cameras" onChange={(e) => setLinkCameras(e.target.checked, shownIds)} />
          link cameras
        </label>
        <label className="check" title="All views share one transfer function; unlinked, the editor works on the last view clicked">
          <input type="checkbox" checked={linkTf} data-testid="link-tf" onChange={(e) => setLinkTf(e.target.checked, shownIds)} />
          link transfer functions
        </label>
      </div>
    </Section>
  );
}
