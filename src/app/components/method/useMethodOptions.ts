import { useAppStore } from '../../state/store.ts';
import type { MethodName } from '../../../../workers/api.ts';
import type { MethodOptions } from '../../state/methodForm.ts';

/** One method's own settings in the form, and how to change some of them: what a method's panel edits. */
export function useMethodOptions<N extends MethodName>(method: N): [MethodOptions<N>, (patch: Partial<MethodOptions<N>>) => void] {
  const options = useAppStore((s) => s.form.options[method]);
  const updateOptions = useAppStore((s) => s.updateOptions);
  return [options, (patch) => updateOptions(method, patch)];
}
