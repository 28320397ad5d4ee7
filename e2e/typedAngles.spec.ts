// A stack dropped without an angle file: the page asks for its tilt range instead of refusing it, checks the range
// against the stack's section count, and loads the stack with the typed angles; one whose extended header holds its
// angles loads with those.
// On a small screen the form scrolls into view wherever the sidebar was.
import { expect, test, type Page } from '@playwright/test';
import { withSerialEmTiltAngles } from '../src/io/extendedHeaderFixture.ts';
import { writeMrc } from '../src/io/mrc.ts';
import { shareDemoPage } from './helpers.ts';

let page: Page;

const pageErrors = shareDemoPage((opened) => {
  page = opened;
});

/** A 32 × 24 stack of 7 sections, its values a ramp plus the section number. */
function stack(): Buffer {
  const [nx, ny, nz] = [32, 24, 7];
  const data = Float32Array.from({ length: nx * ny * nz }, (_, i) => (i % nx) / nx + Math.floor(i / (nx * ny)));
  return Buffer.from(writeMrc({ nx, ny, nz, pixelSize: 5, data }, { stack: true }));
}

test('a stack without angles waits for a typed tilt range that fits its sections, then loads with it', async () => {
  await page.getByTestId('file-input').setInputFiles([{ name: 'lamella7.mrc', mimeType: 'application/octet-stream', buffer: stack() }]);
  const form = page.getByTestId('typed-angles');
  await expect(form).toContainText('lamella7.mrc came without tilt angles (7 sections)');
  await expect(page.getByTestId('error-message')).toHaveCount(0);
  // The default: 3° steps, symmetric, as many angles as sections.
  await expect(page.getByTestId('typed-from')).toHaveValue('-9');
  await expect(page.getByTestId('typed-to')).toHaveValue('9');

  await page.getByTestId('typed-step').fill('2');
  await page.getByTestId('typed-step').blur();
  await expect(page.getByTestId('typed-problem')).toHaveText('this range gives 10 angles; the stack has 7 sections');
  await expect(page.getByTestId('typed-load')).toBeDisabled();

  await page.getByTestId('typed-from').fill('-60');
  await page.getByTestId('typed-from').blur();
  await page.getByTestId('typed-to').fill('60');
  await page.getByTestId('typed-to').blur();
  await page.getByTestId('typed-step').fill('20');
  await page.getByTestId('typed-step').blur();
  await expect(page.getByTestId('typed-problem')).toHaveCount(0);
  await page.getByTestId('typed-load').click();

  await expect(page.getByTestId('dataset-summary')).toContainText('lamella7.mrc');
  await expect(form).toHaveCount(0);
  const angles = await page.evaluate(() => window.wedgelab.datasets().at(-1)?.tiltAngles);
  expect(angles).toEqual([-60, -40, -20, 0, 20, 40, 60]);
  expect(pageErrors).toEqual([]);
});

test('a stack that carries its angles in its extended header (SerialEM) loads with them, asking nothing', async () => {
  const angles = [-45, -30, -15, 0, 15, 30, 45];
  await page.getByTestId('file-input').setInputFiles([{ name: 'serialem.st', mimeType: 'application/octet-stream', buffer: Buffer.from(withSerialEmTiltAngles(stack(), angles)) }]);
  await expect(page.getByTestId('dataset-summary')).toContainText('serialem.st');
  await expect(page.getByTestId('typed-angles')).toHaveCount(0);
  expect(await page.evaluate(() => window.wedgelab.datasets().at(-1)?.tiltAngles)).toEqual(angles);
  await expect(page.getByTestId('dataset-metadata')).toContainText('serialem.st (SerialEM extended header)');
  expect(pageErrors).toEqual([]);
});

test('Cancel leaves the page as it was', async () => {
  const count = await page.evaluate(() => window.wedgelab.datasets().length);
  await page.getByTestId('file-input').setInputFiles([{ name: 'other.mrc', mimeType: 'application/octet-stream', buffer: stack() }]);
  await expect(page.getByTestId('typed-angles')).toBeVisible();
  await page.getByTestId('typed-cancel').click();
  await expect(page.getByTestId('typed-angles')).toHaveCount(0);
  expect(await page.evaluate(() => window.wedgelab.datasets().length)).toBe(count);
  expect(pageErrors).toEqual([]);
});

test('on a small screen, the form comes into view though the sidebar was scrolled to its end', async () => {
  await page.setViewportSize({ width: 1024, height: 768 });
  // Picked through the button's file chooser, as a user would (the other tests set the hidden input directly).
  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('open-files').click();
  // The click scrolled the button into view; the sidebar goes back to its end before the files arrive, as after a
  // drop onto the page.
  await page.locator('aside.sidebar').evaluate((sidebar) => sidebar.scrollTo(0, sidebar.scrollHeight));
  await expect(page.getByTestId('open-files')).not.toBeInViewport();
  await (await chooser).setFiles([{ name: 'unseen.mrc', mimeType: 'application/octet-stream', buffer: stack() }]);
  // All of it, to a pixel's rounding (the sidebar scrolls it to its top edge).
  await expect(page.getByTestId('typed-angles')).toBeInViewport({ ratio: 0.99 });
  await page.getByTestId('typed-cancel').click();
  expect(pageErrors).toEqual([]);
});
