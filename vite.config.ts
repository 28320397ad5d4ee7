import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The engine runs in a module worker; onnxruntime-web's .wasm is bundled, never fetched from a CDN.
export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  // Pre-bundle up front so the dev server never reloads the page mid-session (or mid-test).
  optimizeDeps: { include: ['react', 'react-dom/client', 'react/jsx-runtime', 'zustand', 'comlink', 'three', 'fflate'] },
  server: { host: '127.0.0.1', strictPort: true },
  preview: { host: '127.0.0.1', strictPort: true },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
});
