import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from './atomicWrite.ts';

describe('atomic writes', () => {
  it('replace a file whole, name the file when they fail, and leave no temporary file behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wedgelab-atomic-'));
    const target = join(dir, 'out.mrc');
    writeFileSync(target, 'an earlier good file');
    await writeFileAtomic(target, 'new');
    expect(readFileSync(target, 'utf8')).toBe('new');
    await expect(writeFileAtomic(join(dir, 'missing', 'out.mrc'), 'x')).rejects.toThrow(`could not write ${join(dir, 'missing', 'out.mrc')}`);
    expect(readdirSync(dir)).toEqual(['out.mrc']);
  });
});
