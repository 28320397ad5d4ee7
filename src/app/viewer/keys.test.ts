import { describe, expect, it } from 'vitest';
import { steppedIndex } from './keys.ts';

describe('slice stepping keys', () => {
  it('steps by one, ten with Shift or Page keys, to the ends with Home and End, within the stack', () => {
    expect(steppedIndex('ArrowUp', false, 5, 32)).toBe(6);
    expect(steppedIndex('ArrowLeft', false, 5, 32)).toBe(4);
    expect(steppedIndex('ArrowUp', true, 5, 32)).toBe(15);
    expect(steppedIndex('PageDown', false, 5, 32)).toBe(0);
    expect(steppedIndex('PageUp', true, 5, 32)).toBe(31);
    expect(steppedIndex('Home', false, 5, 32)).toBe(0);
    expect(steppedIndex('End', false, 5, 32)).toBe(31);
    expect(steppedIndex('a', false, 5, 32)).toBeNull();
  });
});
