import type { MethodKind } from '../../../engine/methods/definition.ts';
import { methodDefinition, methodsOfKind, type MethodNameOf } from '../../../engine/methods/registry.ts';
import { gpuOnlyReason } from '../../state/engine.ts';
import { useAppStore } from '../../state/store.ts';

/**
 * The menu of a kind's methods, from the registry; the choice is kept in the form. Methods without a CPU path are
 * disabled, with the reason, when WebGPU is not at hand. Beside it, Defaults puts the chosen method's settings back
 * to the page's (they are otherwise kept in this browser from visit to visit: state/savedForm.ts).
 */
export function MethodSelect<K extends MethodKind>({ kind, testId, disabled }: { kind: K; testId: string; disabled: boolean }) {
  const method = useAppStore((s) => s.form.choice[kind]);
  const setChoice = useAppStore((s) => s.setChoice);
  const blocked = useAppStore((s) => gpuOnlyReason(s.gpu));
  const definition = methodDefinition(method);
  // Compared when the settings change (the selector returns the form's own object), not on every store update.
  const options = useAppStore((s) => s.form.options[method]);
  const changed = JSON.stringify(options) !== JSON.stringify(definition.formDefaults());
  const resetOptions = useAppStore((s) => s.resetOptions);
  return (
    <div className="method-select">
      <MethodMenu kind={kind} method={method} testId={testId} disabled={disabled} blocked={blocked} onChange={(next) => setChoice(kind, next)} />
      <button
        type="button"
        className="small"
        disabled={disabled || !changed}
        onClick={() => resetOptions(method)}
        title={`Put ${definition.title}'s settings back to the page's defaults (changed ones are kept in this browser for the next visit)`}
        data-testid={`${testId}-defaults`}
      >
        Defaults
      </button>
    </div>
  );
}

function MethodMenu<K extends MethodKind>({ kind, method, testId, disabled, blocked, onChange }: { kind: K; method: MethodNameOf<K>; testId: string; disabled: boolean; blocked: string | null; onChange: (next: MethodNameOf<K>) => void }) {
  return (
    <label className="field">
      <span className="field-label">Method</span>
      <select value={method} onChange={(e) => onChange(e.target.value as MethodNameOf<K>)} data-testid={testId} disabled={disabled}>
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
