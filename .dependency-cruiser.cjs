// Layering rules for WedgeLab, checked by `npm run lint` (after eslint).
// See docs/layering.md. Layers, lowest first:
//   src/io  ->  src/engine  ->  workers  ->  src/app (+ src/main.tsx) | src/cli
// A layer may import only from itself and the layers below it; app and cli are
// siblings and may not import each other. Import loops are forbidden anywhere in
// src/ and workers/, and `import type` counts (tsPreCompilationDeps below).
// Tests (*.test.ts, *.test.tsx) may import any layer, but may not close a loop.

// Test files: exempt from the layer rules (not from no-import-loop).
const TEST = '\\.test\\.tsx?$';
const APP = '^src/(app/|main\\.tsx$)';
const CLI = '^src/cli/';
const WORKERS = '^workers/';
const ENGINE = '^src/engine/';

// Files that a page may import without pulling in the GPU, ONNX or the runners.
const PAGE_SAFE = '^src/engine/methods/([^/]+/base|registry|common)\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-import-loop',
      severity: 'error',
      comment:
        'Import loop. Files in src/ and workers/ must form a DAG; `import type` counts. ' +
        'Break the loop by moving the shared type or function down into the lowest layer that needs it.',
      from: { path: '^(src|workers)/' },
      to: { circular: true },
    },
    {
      name: 'layer-io',
      severity: 'error',
      comment: 'src/io is the lowest layer: it must not import src/engine, workers, src/app, src/main.tsx or src/cli.',
      from: { path: '^src/io/', pathNot: TEST },
      to: { path: [ENGINE, WORKERS, APP, CLI] },
    },
    {
      name: 'layer-engine',
      severity: 'error',
      comment: 'src/engine may import only src/engine and src/io: not workers, src/app, src/main.tsx or src/cli.',
      from: { path: ENGINE, pathNot: TEST },
      to: { path: [WORKERS, APP, CLI] },
    },
    {
      name: 'layer-workers',
      severity: 'error',
      comment: 'workers may import only workers, src/engine and src/io: not src/app, src/main.tsx or src/cli.',
      from: { path: WORKERS, pathNot: TEST },
      to: { path: [APP, CLI] },
    },
    {
      name: 'layer-app-not-cli',
      severity: 'error',
      comment: 'src/app (and src/main.tsx) and src/cli are siblings: the app must not import src/cli.',
      from: { path: APP, pathNot: TEST },
      to: { path: CLI },
    },
    {
      name: 'layer-cli-not-app',
      severity: 'error',
      comment: 'src/cli and src/app are siblings: the cli must not import src/app or src/main.tsx.',
      from: { path: CLI, pathNot: TEST },
      to: { path: APP },
    },
    {
      name: 'layer-tooling',
      severity: 'error',
      comment: 'e2e/, bench/ and bin/ sit above every layer: production code in src/ and workers/ must not import them.',
      from: { path: '^(src|workers)/', pathNot: TEST },
      to: { path: '^(e2e|bench|bin)/' },
    },
    {
      name: 'page-safe-methods',
      severity: 'error',
      comment:
        'Method definitions (src/engine/methods/*/base.ts, methods/registry.ts, methods/common.ts) are loaded by pages: ' +
        'they must not import src/engine/gpu, src/engine/onnx, onnxruntime-web, webgpu, or any run.ts/runners.ts/bench.ts. ' +
        'Put that code in the method\'s run.ts and import it from there.',
      from: { path: PAGE_SAFE },
      to: {
        path: [
          '^src/engine/(gpu|onnx)/',
          '(^|/)(run|runners|bench)\\.ts$',
          // resolved into node_modules, or left unresolved (bare specifier, e.g. a vite '?url' import)
          '(^|/)node_modules/(onnxruntime-web|webgpu)/',
          '^(onnxruntime-web|webgpu)(/|\\?|$)',
        ],
      },
    },
  ],
  options: {
    // Count `import type` / `export type ... from` edges (they vanish after compilation).
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // Only src/ and workers/ are cruised (see the lint script). An import of e2e/, bench/ or bin/
    // stays visible as an edge (so layer-tooling can flag it) but is not followed.
    doNotFollow: { path: ['node_modules', '^(e2e|bench|bin)/'] },
    exclude: { path: ['^(models|dist)/'] },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    cache: false,
  },
};
