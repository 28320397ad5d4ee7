import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The engine runs in a module worker; onnxruntime-web's .wasm is bundled, never fetched from a CDN.
export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  // Pre-bundle up front so the dev server never reloads the page mid-session (or mid-test).
  // onnxruntime-web is already one self-contained ES module; pre-bundling it would move it away from its .wasm
  // and, found late (local models load it on demand), reload the page mid-session.
  optimizeDeps: { include: ['react', 'react-dom/client', 'react/jsx-runtime', 'zustand', 'comlink', 'three', 'fflate'], exclude: ['onnxruntime-web'] },
  server: { host: '127.0.0.1', strictPort: true },
  preview: { host: '127.0.0.1', strictPort: true },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
});
