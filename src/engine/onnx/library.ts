/**
 * Where a run finds a model's bytes by name: the worker fetches the files Vite bundled, the CLI
 * reads them from models/ (or any path). `wasmUrl`: onnxruntime-web's .wasm, needed in a browser.
 */
export interface ModelLibrary {
  load(name: string): Promise<Uint8Array>;
  wasmUrl?: string;
}
