import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultForm, type MethodForm } from './methodForm.ts';
import { keepForm, readSavedForm, restoredForm, SAVED_FORM_KEY, savedFormText } from './savedForm.ts';

/** The default form with some methods' settings changed as a user would in the panels. */
function changedForm(): MethodForm {
  const form = defaultForm();
  return {
    ...form,
    choice: { reconstruction: 'sirt', refinement: 'gaussian', tiltSynthesis: form.choice.tiltSynthesis },
    options: {
      ...form.options,
      sirt: { ...form.options.sirt, iterations: 50, relaxation: 0.5, positivity: true },
      fbp: { filter: { name: 'radial', cutoff: 0.3, falloff: 0.04 }, doseWeighting: false },
      localnet: { ...form.options.localnet, model: 'broad-p11x3-wide', fscSigma: 1.5 },
      gaussian: { sigma: 2.5 },
    },
  };
}

describe('the method form kept in the browser', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('gives back the chosen methods and every setting, never the data set\'s Thickness and Binning', () => {
    const changed = { ...changedForm(), common: { ...defaultForm().common, thickness: 200, binning: 4 } };
    const restored = restoredForm(defaultForm(96), savedFormText(changed));
    expect(restored.choice).toEqual(changed.choice);
    expect(restored.options).toEqual(changed.options);
    expect(restored.common).toEqual(defaultForm(96).common);
  });

  it('starts a method whose kept settings no longer pass from its defaults, and keeps the others', () => {
    const kept = JSON.parse(savedFormText(changedForm()));
    kept.options.sirt.iterations = -5; // out of range
    kept.options.localnet.model = 'mine.onnx'; // a model added from files: gone after a reload
    kept.options.gaussian = { sigma: 2, radius: 3 }; // a parameter the method does not have
    kept.options.fbp.filter = 'cosine'; // not of the default's JSON type
    kept.choice.refinement = 'no-such-method';
    kept.choice.reconstruction = 'gaussian'; // a method of another kind
    const restored = restoredForm(defaultForm(), JSON.stringify(kept));
    const defaults = defaultForm();
    for (const name of ['sirt', 'localnet', 'gaussian', 'fbp'] as const) expect(restored.options[name], name).toEqual(defaults.options[name]);
    expect(restored.choice).toEqual(defaults.choice);
    // The rest is kept as it was.
    const others = Object.entries(changedForm().options).filter(([name]) => !['sirt', 'localnet', 'gaussian', 'fbp'].includes(name));
    expect(restored.options).toMatchObject(Object.fromEntries(others));
    expect(restored.options.deconv).toEqual(defaults.options.deconv);
  });

  it('ignores text that is not a kept form', () => {
    const form = defaultForm();
    for (const text of [null, '', 'not json', '[]', '42', '{"options": 3, "choice": []}']) expect(restoredForm(form, text), String(text)).toEqual(form);
  });

  it('is written to and read from localStorage, and a browser that refuses storage keeps nothing without an error', () => {
    const store = new Map<string, string>();
    vi.stubGlobal('localStorage', { getItem: (key: string) => store.get(key) ?? null, setItem: (key: string, value: string) => void store.set(key, value) });
    expect(readSavedForm()).toBeNull();
    keepForm(changedForm());
    expect(store.get(SAVED_FORM_KEY)).toBe(savedFormText(changedForm()));
    expect(restoredForm(defaultForm(), readSavedForm()).options.sirt.iterations).toBe(50);
    const refuse = () => {
      throw new DOMException('storage is off', 'SecurityError');
    };
    vi.stubGlobal('localStorage', { getItem: refuse, setItem: refuse });
    expect(readSavedForm()).toBeNull();
    expect(() => keepForm(changedForm())).not.toThrow();
  });
});
