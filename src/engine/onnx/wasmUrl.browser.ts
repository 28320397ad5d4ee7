/**
 * Browser only (the engine worker): the URL of onnxruntime-web's WebGPU-build .wasm, emitted into the
 * Vite bundle as an asset (nothing from a CDN). Pass it to LocalModel.open({ wasmUrl }). Node code must
 * not import this file: `?url` is a Vite feature, and in Node ORT finds the file in node_modules itself.
 */
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';

export const ORT_WASM_URL: string = wasmUrl;
