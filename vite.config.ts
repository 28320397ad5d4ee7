import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { serviceWorkerScript } from './src/app/offline/serviceWorkerScript.ts';

/**
 * What the page may load and where it may connect: only its own origin. No remote script, style, font, image or
 * connection is possible, so no byte of a user's data can leave the machine. 'wasm-unsafe-eval' lets
 * onnxruntime-web compile its bundled .wasm; 'unsafe-inline' covers React's style attributes and, in development,
 * Vite's React refresh preamble; blob: and data: are the exports (PNG, WebM) the page makes itself.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

/**
 * Cross-origin isolation (COOP/COEP) gives the page SharedArrayBuffer, which onnxruntime-web's wasm backend needs
 * for its threads. Headers, so they are sent by the dev server and `vite preview`; a static host must send the
 * same (the README says so).
 */
const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
};

/** The policy also as a meta tag in index.html, so a build served by a host that sends no headers keeps it. */
function contentSecurityPolicyMeta(): Plugin {
  return {
    name: 'wedgelab-csp-meta',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' }],
  };
}

/**
 * sw.js, the offline cache (src/app/offline/serviceWorkerScript.ts), written into a production build once every
 * file is: it lists them all (URLs relative to the page) under a cache named after their contents.
 */
function offlineServiceWorker(): Plugin {
  let outDir = 'dist';
  return {
    name: 'wedgelab-service-worker',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir.startsWith('/') ? config.build.outDir : join(config.root, config.build.outDir);
    },
    closeBundle() {
      const files = (readdirSync(outDir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
        .filter((entry) => entry.isFile() && entry.name !== 'sw.js')
        .map((entry) => relative(outDir, join(entry.parentPath, entry.name)).split(sep).join('/'))
        .sort();
      const hash = createHash('sha256');
      for (const file of files) hash.update(file).update(readFileSync(join(outDir, file)));
      const urls = ['./', ...files.map((file) => `./${file}`)];
      writeFileSync(join(outDir, 'sw.js'), serviceWorkerScript(`wedgelab-${hash.digest('hex').slice(0, 12)}`, urls));
    },
  };
}

// The engine runs in a module worker; onnxruntime-web's .wasm is bundled, never fetched from a CDN.
export default defineConfig({
  plugins: [react(), contentSecurityPolicyMeta(), offlineServiceWorker()],
  worker: { format: 'es' },
  // numcodecs' Emscripten codecs, which zarrita imports lazily and the page never loads (src/io/unbundledCodec.ts).
  resolve: { alias: [{ find: /^numcodecs\/(blosc|lz4|zstd)$/, replacement: join(import.meta.dirname, 'src/io/unbundledCodec.ts') }] },
  // Pre-bundle up front so the dev server never reloads the page mid-session (or mid-test).
  // onnxruntime-web is already one self-contained ES module; pre-bundling it would move it away from its .wasm
  // and, found late (local models load it on demand), reload the page mid-session.
  optimizeDeps: { include: ['react', 'react-dom/client', 'react/jsx-runtime', 'zustand', 'comlink', 'three', 'fflate', 'fzstd'], exclude: ['onnxruntime-web'] },
  server: { host: '127.0.0.1', strictPort: true, headers: ISOLATION_HEADERS },
  preview: { host: '127.0.0.1', strictPort: true, headers: ISOLATION_HEADERS },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
});
