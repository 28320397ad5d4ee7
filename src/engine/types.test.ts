import { describe, expect, it } from 'vitest';
import { CancelledError, untilAborted } from './types.ts';

describe('untilAborted', () => {
  it('gives the work its result, or its error, while nothing aborts', async () => {
    await expect(untilAborted(Promise.resolve(7), new AbortController().signal)).resolves.toBe(7);
    await expect(untilAborted(Promise.reject(new Error('device lost')), new AbortController().signal)).rejects.toThrow('device lost');
  });

  it('answers an abort at once, without waiting for work that never ends', async () => {
    const controller = new AbortController();
    const waiting = untilAborted(new Promise<never>(() => {}), controller.signal);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(CancelledError);
    await expect(untilAborted(Promise.resolve(1), controller.signal)).rejects.toBeInstanceOf(CancelledError);
  });
});
