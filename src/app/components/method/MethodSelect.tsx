import type { MethodKind } from '../../../engine/methods/definition.ts';
import { methodsOfKind, type MethodNameOf } from '../../../engine/methods/registry.ts';
import { gpuOnlyReason } from '../../state/engine.ts';
import { useAppStore } from '../../state/store.ts';

/** The menu of a kind's methods, from the registry; the choice is kept in the form. Methods without a CPU path are disabled, with the reason, when WebGPU is not at hand. */
export function MethodSelect<K extends MethodKind>({ kind, testId, disabled }: { kind: K; testId: string; disabled: boolean }) {
  const method = useAppStore((s) => s.form.choice[kind]);
  const setChoice = useAppStore((s) => s.setChoice);
  const blocked = useAppStore((s) => gpuOnlyReason(s.gpu));
  return (
    <label className="field">
      <span className="field-label">Method</span>
      <select value={method} onChange={(e) => setChoice(kind, e.target.value as MethodNameOf<K>)} data-testid={testId} disabled={disabled}>
        {methodsOfKind(kind).map((d) => (
          <option key={d.name} value={d.name} disabled={blocked !== null && !d.cpu} title={!d.cpu && blocked ? blocked : undefined}>
            {d.menuLabel}
            {!d.cpu && blocked ? ` (${blocked})` : ''}
          </option>
        ))}
      </select>
    </label>
  );
}
