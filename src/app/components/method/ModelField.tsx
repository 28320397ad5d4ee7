import { useEffect, useRef } from 'react';
import type { ModelFamily } from '../../../engine/methods/modelChoice.ts';
import { CARD_FILE, FAMILY_FILES } from '../../../engine/methods/modelChoice.ts';
import { methodDefinition, type MethodName } from '../../../engine/methods/registry.ts';
import { useAppStore } from '../../state/store.ts';

interface ModelFieldProps {
  /** The learned method whose model this is: its definition names the family of models it runs. */
  method: MethodName;
  /** The chosen model's name. */
  value: string;
  onChange: (name: string) => void;
  disabled: boolean;
  /** Prefix of the test ids: PREFIX-model-select, -summary, -file. */
  testId: string;
  /** The interface a model must have, for the add button's tooltip. */
  contract: string;
}

function familyOf(method: MethodName): ModelFamily {
  const family = methodDefinition(method).modelFamily;
  if (!family) throw new Error(`${method} runs no model file: its definition has no modelFamily`);
  return family;
}

/**
 * A learned method's model menu: its family's shipped models and those added from files, and the button that
 * adds one (checked in the worker; a wrong model ends in the error banner, naming the file and what is wrong). A
 * model of several parts is picked as its folder (the training script's output), which names it.
 */
export function ModelField({ method, value, onChange, disabled, testId, contract }: ModelFieldProps) {
  const family = familyOf(method);
  const models = useAppStore((s) => s.models[family]);
  const addModel = useAppStore((s) => s.addModel);
  const fileInput = useRef<HTMLInputElement>(null);
  const { parts, card } = FAMILY_FILES[family];
  const folder = parts !== null;
  useEffect(() => {
    // Not a React attribute: set on the element.
    if (fileInput.current) fileInput.current.webkitdirectory = folder;
  }, [folder]);
  const onFiles = (input: HTMLInputElement) => {
    const files = [...(input.files ?? [])];
    input.value = '';
    // The store reports a bad model in the error banner; the menu keeps its choice.
    if (files.length > 0)
      addModel(family, files)
        .then((choice) => onChange(choice.name))
        .catch(() => undefined);
  };
  const what = folder ? `a folder with ${parts.join(', ')}${card ? ` and ${CARD_FILE}` : ''}` : `an .onnx file${card ? ` and its ${CARD_FILE}` : ''}`;
  return (
    <>
      <label className="field">
        <span className="field-label">Model</span>
        <select value={value} onChange={(e) => onChange(e.target.value)} disabled={disabled} data-testid={`${testId}-model-select`}>
          {models.map((m) => (
            <option key={m.name} value={m.name} title={m.summary}>
              {m.name} ({m.tag})
            </option>
          ))}
        </select>
      </label>
      <div className="hint" data-testid={`${testId}-model-summary`}>
        {models.find((m) => m.name === value)?.summary}
      </div>
      <input ref={fileInput} type="file" accept={folder ? undefined : card ? '.onnx,.json' : '.onnx'} multiple={card} hidden onChange={(e) => onFiles(e.target)} data-testid={`${testId}-model-file`} />
      <button type="button" className="small" disabled={disabled} onClick={() => fileInput.current?.click()} title={`Your own model for this session: ${what}. ${contract}`}>
        {folder ? 'Add a model (folder)…' : `Add a model (.onnx${card ? ` + ${CARD_FILE}` : ''})…`}
      </button>
    </>
  );
}
