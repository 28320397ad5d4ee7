// The contrast setting's resolution and words (contrast.ts); what each setting runs is tested with the methods
// (unetrefine/contrast.test.ts, latentbp/latentbp.test.ts).
import { describe, expect, it } from 'vitest';
import { autoContrastHint, contrastText, requestedContrastText, resolveContrast } from './contrast.ts';

describe('the contrast setting', () => {
  it("resolves 'auto' to dense dark only where the series reads dense dark; the others are as asked", async () => {
    expect(await resolveContrast('auto', () => 'dense-dark')).toEqual({ contrast: 'dense-dark', seriesPolarity: 'dense-dark' });
    expect(await resolveContrast('auto', () => 'dense-bright')).toEqual({ contrast: 'dense-bright', seriesPolarity: 'dense-bright' });
    expect(await resolveContrast('auto', () => 'unclear')).toEqual({ contrast: 'dense-bright', seriesPolarity: 'unclear' });
    expect(await resolveContrast('auto')).toEqual({ contrast: 'dense-bright', seriesPolarity: null });
    expect(await resolveContrast('both-signs', () => 'dense-dark')).toEqual({ contrast: 'both-signs' });
  });

  it("reads the series' contrast only for 'auto' (reading it may cost a pass over the stack)", async () => {
    let reads = 0;
    const read = () => (reads++, 'dense-dark' as const);
    for (const contrast of ['dense-bright', 'dense-dark', 'both-signs'] as const) await resolveContrast(contrast, read);
    expect(reads).toBe(0);
    await resolveContrast('auto', read);
    expect(reads).toBe(1);
  });

  it('says what ran and, with auto, why; nothing before the run for auto', async () => {
    expect(contrastText(await resolveContrast('auto', () => 'dense-dark'))).toBe(', contrast dense dark, run negated (from the series)');
    expect(contrastText(await resolveContrast('auto', () => 'unclear'))).toBe(', contrast unclear in the series, run as trained (dense bright)');
    expect(contrastText(await resolveContrast('auto'))).toBe(', contrast not known, run as trained (dense bright)');
    expect(contrastText({ contrast: 'dense-bright' })).toBe(', contrast dense bright');
    expect(contrastText({ contrast: 'both-signs' })).toBe(', both signs, odd part');
    expect(requestedContrastText('auto')).toBe('');
    expect(requestedContrastText('dense-dark')).toBe(', contrast dense dark, run negated');
  });

  it("tells the form what 'auto' will do with the series in hand", () => {
    expect(autoContrastHint('dense-dark')).toBe('This series reads dense dark: auto runs the network on it negated.');
    expect(autoContrastHint('dense-bright')).toBe('This series reads dense bright: auto runs the network as trained.');
    expect(autoContrastHint('unclear')).toBe("This series' contrast is unclear: auto runs the network as trained; set the contrast if you know it.");
  });
});
