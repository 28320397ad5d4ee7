/**
 * End-to-end: the method panels' choices and settings are kept in the browser (src/app/state/savedForm.ts). Set in
 * the panels, they come back after a reload, while Thickness and Binning start again from the data set; Defaults
 * puts a method's settings back; kept settings that no longer pass (a model added from files, a value out of
 * range) start that method from its defaults, with no error on the page.
 */
import { expect, test } from '@playwright/test';
import { openDemoPage, setParams } from './helpers.ts';

test('the methods and settings set in the panels come back after a reload; Defaults and broken kept settings start from the defaults', async ({ browser }) => {
  const pageErrors: string[] = [];
  const page = await openDemoPage(browser, pageErrors);
  const thickness = await page.getByTestId('thickness-input').inputValue();
  await page.getByTestId('method-select').selectOption('sirt');
  await setParams(page, { 'iterations-input': '7', 'thickness-input': '16' });
  await page.getByTestId('refine-method-select').selectOption('gaussian');
  await setParams(page, { 'sigma-input': '2.5' });

  await page.reload();
  await expect(page.getByTestId('dataset-summary')).toContainText('Simulated demo', { timeout: 150_000 });
  await expect(page.getByTestId('method-select')).toHaveValue('sirt');
  await expect(page.getByTestId('iterations-input')).toHaveValue('7');
  // The data set's Thickness, not the one typed for the last one.
  await expect(page.getByTestId('thickness-input')).toHaveValue(thickness);
  await expect(page.getByTestId('refine-method-select')).toHaveValue('gaussian');
  await expect(page.getByTestId('sigma-input')).toHaveValue('2.5');

  // Defaults: SIRT's settings back to the page's, the button then off until something changes again.
  await page.getByTestId('method-select-defaults').click();
  await expect(page.getByTestId('iterations-input')).toHaveValue('20');
  await expect(page.getByTestId('method-select-defaults')).toBeDisabled();
  await expect(page.getByTestId('refine-method-select-defaults')).toBeEnabled();

  // Kept settings that no longer pass: the local network's model added from files (gone after a reload) and a σ
  // out of range start those methods from their defaults; SIRT's kept choice stands.
  await page.evaluate(() => {
    const kept = JSON.parse(localStorage.getItem('wedgelab.methodForm')!);
    kept.options.localnet.model = 'mine.onnx';
    kept.options.gaussian.sigma = -1;
    kept.choice.reconstruction = 'localnet';
    localStorage.setItem('wedgelab.methodForm', JSON.stringify(kept));
  });
  await page.reload();
  await expect(page.getByTestId('dataset-summary')).toContainText('Simulated demo', { timeout: 150_000 });
  await expect(page.getByTestId('method-select')).toHaveValue('localnet');
  await expect(page.getByTestId('localnet-model-select')).toHaveValue('broad96-p11-wavelet');
  await expect(page.getByTestId('sigma-input')).toHaveValue('1');
  expect(pageErrors).toEqual([]);
  await page.close();
});
