import { defineConfig } from '@playwright/test';

// End-to-end and in-browser GPU tests, in Debian's chromium with WebGPU on SwiftShader.
// Never `playwright install`: the browser is the system one.
const chromiumArgs = [
  // onnxruntime-web's wasm compiled by V8's baseline compiler only: otherwise each page that opens a model has V8
  // optimise that large module in the background, minutes of CPU that the test itself then waits behind on 2 cores.
  '--js-flags=--liftoff-only',
  '--enable-unsafe-webgpu',
  '--use-webgpu-adapter=swiftshader',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const port = Number(process.env.E2E_PORT ?? 5199);

export default defineConfig({
  testDir: 'e2e',
  timeout: 180_000,
  expect: { timeout: 60_000 },
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    headless: true,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: chromiumArgs,
    },
  },
  webServer: {
    command: `npx vite --host 127.0.0.1 --port ${port} --strictPort`,
    url: `http://127.0.0.1:${port}`,
    reuseExistingServer: !process.env.CI,
    timeout: 120_000,
  },
});
