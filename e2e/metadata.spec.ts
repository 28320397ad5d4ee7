/**
 * End-to-end: a stack dropped with its SerialEM .mdoc (docs/metadata.md). The data panel lists the values read
 * from the .mdoc with their sources, FBP's "Dose weighting" checkbox is on for it and its result says so; the
 * simulated demo, which has no doses, has the checkbox locked off with the reason.
 */
import { expect, test, type Page } from '@playwright/test';
import { simulatedStack, tiltAngles } from './fixtures.ts';
import { shareDemoPage, setParams } from './helpers.ts';

let page: Page;

/** A SerialEM-style .mdoc: 10 Å pixels, 300 kV, tilt axis 85.3° in the title, 3 e/Å² per tilt, sections in stack order. */
function serialEmMdoc(angles: number[]): Buffer {
  const sections = angles.map((angle, z) => `[ZValue = ${z}]\nTiltAngle = ${angle.toFixed(2)}\nExposureDose = 3\nPixelSpacing = 10\n`);
  const text = [
    'PixelSpacing = 10',
    'Voltage = 300',
    'ImageFile = series.mrc',
    'ImageSize = 32 32',
    'DataMode = 2',
    '',
    '[T = SerialEM: Digitized on an e2e microscope  Tilt axis angle = 85.3, binning = 1  spot = 7  camera = 0]',
    '',
    ...sections,
  ].join('\n');
  return Buffer.from(text, 'latin1');
}

const pageErrors = shareDemoPage((opened) => {
  page = opened;
});

test('the demo has no doses: dose weighting is locked off with the reason', async () => {
  await page.getByTestId('method-select').selectOption('fbp');
  const checkbox = page.getByTestId('dose-weighting-input');
  await expect(checkbox).toBeDisabled();
  await expect(checkbox).not.toBeChecked();
  await expect(page.getByTestId('dose-weighting-reason')).toContainText('no doses');
  await expect(page.getByTestId('dataset-metadata')).toHaveCount(0);
  await page.getByTestId('method-select').selectOption('sirt');
  await expect(page.getByTestId('dose-weighting-input')).toBeDisabled();
  await page.getByTestId('method-select').selectOption('fbp');
});

test('a stack with its .mdoc (the only angle file) loads with doses; FBP weights it by dose', async () => {
  const angles = tiltAngles(-60, 60, 6);
  const stack = await simulatedStack(32, 32, angles);
  await page.getByTestId('file-input').setInputFiles([
    { name: 'series.mrc', mimeType: 'application/octet-stream', buffer: stack },
    { name: 'series.mrc.mdoc', mimeType: 'text/plain', buffer: serialEmMdoc(angles) },
  ]);
  await expect(page.getByTestId('dataset-summary')).toContainText('series.mrc');
  await expect(page.getByTestId('dataset-size')).toHaveText('32 × 32 × 21');
  // The tilt preview says what each tilt had received before it (the middle one here, 0°).
  const before0 = await page.evaluate(() => window.wedgelab.datasets().at(-1)!.accumulatedDose![10]);
  await expect(page.getByTestId('tilt-facts')).toHaveText(`${before0.toFixed(1)} e/Å² before it`);

  const checkbox = page.getByTestId('dose-weighting-input');
  await expect(checkbox).toBeEnabled();
  await expect(checkbox).toBeChecked();
  await expect(page.getByTestId('dose-weighting-reason')).toHaveCount(0);

  await setParams(page, { 'binning-input': '1', 'thickness-input': '8' });
  const before = await page.getByTestId('result-item').count();
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('result-item')).toHaveCount(before + 1);
  await expect(page.getByTestId('result-item').last().getByTestId('result-label')).toContainText('dose-weighted');

  // Unchecked, the next run is not weighted.
  await checkbox.uncheck();
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('result-item')).toHaveCount(before + 2);
  const plainLabel = page.getByTestId('result-item').last().getByTestId('result-label');
  await expect(plainLabel).toContainText('FBP (cosine, thickness 8, bin 1');
  await expect(plainLabel).not.toContainText('dose-weighted');
  expect(pageErrors).toEqual([]);
});

test('the data panel lists the values read from the .mdoc, each with its source', async () => {
  const rows = page.getByTestId('dataset-metadata').getByTestId('metadata-row');
  await expect(rows.first()).toBeVisible();
  expect(await rows.count()).toBeGreaterThanOrEqual(1);
  await expect(rows.filter({ hasText: 'series.mrc.mdoc' }).first()).toBeVisible();
});
