import { expect, it } from 'vitest';
import { formatBytes } from './bytes.ts';

it('formatBytes names a size in the largest binary unit it reaches', () => {
  expect([8, 1023, 1024, 1536, 2 ** 20, 6.6 * 2 ** 20, 2 ** 30, 8 * 2 ** 30].map(formatBytes)).toEqual([
    '8 bytes',
    '1023 bytes',
    '1.0 KiB',
    '1.5 KiB',
    '1.0 MiB',
    '6.6 MiB',
    '1.00 GiB',
    '8.00 GiB',
  ]);
});
