import type { MethodKind } from '../../../engine/methods/definition.ts';
import { methodTitle } from '../../state/methodForm.ts';
import { selectDataset, selectResult, useAppStore, type AppStore } from '../../state/store.ts';
import { Section } from '../Section.tsx';
import { MethodSelect } from './MethodSelect.tsx';
import { METHOD_PANELS } from './panels.ts';

type ActionKind = Exclude<MethodKind, 'reconstruction'>;

/** What each kind's panel is called, acts on, and does; reconstruction has the Method panel and its Run controls. */
interface KindPanelInfo {
  title: string;
  testId: string;
  action: (title: string) => string;
  hint: string;
  /** Whether there is something to act on. */
  ready: (s: AppStore) => boolean;
  run: (s: AppStore) => Promise<string>;
}

const KIND_PANELS: { [K in ActionKind]: KindPanelInfo } = {
  refinement: {
    title: 'Refine',
    testId: 'refine',
    action: (title) => `${title} of the selected result`,
    hint: 'Tomogram → tomogram: the selected result is refined into a new result, named after both.',
    ready: (s) => {
      const result = selectResult(s);
      return result !== null && !result.partial;
    },
    run: (s) => s.refine(),
  },
  tiltSynthesis: {
    title: 'Add tilts',
    testId: 'synthesize',
    action: (title) => `Add tilts by ${title.toLowerCase()}`,
    hint: 'Tilt series → tilt series: new tilts are appended to the selected series, as a new data set any method can reconstruct.',
    ready: (s) => selectDataset(s) !== null,
    run: (s) => s.synthesize(),
  },
};

/** A kind's method menu, the chosen method's settings (its own panel) and the button that runs it. */
export function KindPanel({ kind }: { kind: ActionKind }) {
  const { title, testId, action, hint, ready: isReady, run } = KIND_PANELS[kind];
  const method = useAppStore((s) => s.form.choice[kind]);
  const running = useAppStore((s) => s.job !== null);
  const ready = useAppStore(isReady);
  const Fields = METHOD_PANELS[method];
  return (
    <Section title={title} testId={`${testId}-panel`}>
      <MethodSelect kind={kind} testId={`${testId}-method-select`} disabled={running} />
      <Fields disabled={running} />
      <button type="button" disabled={!ready || running} onClick={() => void run(useAppStore.getState()).catch(() => undefined)} data-testid={`${testId}-button`} title={hint}>
        {action(methodTitle(method))}
      </button>
    </Section>
  );
}
