import { existsSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// GPU tests in Node run on Dawn. Test workers are forked after this file loads, so setting the
// loader path here reaches them: by default they use the SwiftShader driver of Debian's chromium,
// the same software GPU as the browser tests. WEDGELAB_TEST_GPU=native keeps the machine's own GPU.
const swiftshader = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (process.env.WEDGELAB_TEST_GPU !== 'native' && existsSync(swiftshader)) {
  process.env.LD_LIBRARY_PATH = ['/usr/lib/chromium', process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  process.env.VK_ICD_FILENAMES = swiftshader;
}

// Unit and Node/Dawn GPU tests. Browser tests live in e2e/ and run under Playwright.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'workers/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two files at a time even on 2 cores (vitest's default is cores − 1 = 1): the CLI tests wait on child
    // processes and Python, so one worker leaves a core idle much of the time.
    maxWorkers: 2,
    // onnxruntime-web's wasm compiled by V8's baseline compiler only: without this, every test file that opens a
    // model has V8 optimise that large module in the background, and its process waits for it before exiting
    // (~50 s of CPU each on 2 cores). Same numbers, only compiled differently (src/cli/testKit.ts does the same).
    execArgv: ['--liftoff-only'],
  },
});
