import { describe, expect, it } from 'vitest';
import { shortcutOf } from './shortcuts.ts';

const key = (k: string, mods: Partial<Record<'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey', boolean>> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...mods,
});

describe('keyboard shortcuts', () => {
  it('switch views with 1, 2, 3 and run with Ctrl or ⌘ + Enter', () => {
    expect(shortcutOf(key('1'), false)).toBe('slices');
    expect(shortcutOf(key('2'), false)).toBe('3d');
    expect(shortcutOf(key('3'), false)).toBe('compare');
    expect(shortcutOf(key('Enter', { ctrlKey: true }), false)).toBe('run');
    expect(shortcutOf(key('Enter', { metaKey: true }), true)).toBe('run');
  });

  it('leave keys typed into fields, and other keys, alone', () => {
    expect(shortcutOf(key('1'), true)).toBeNull();
    expect(shortcutOf(key('1', { ctrlKey: true }), false)).toBeNull();
    expect(shortcutOf(key('Enter'), false)).toBeNull();
    expect(shortcutOf(key('4'), false)).toBeNull();
  });
});
