import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from './atomicWrite.ts';

describe('atomic writes', () => {
  it('replace a file whole, make missing folders, name the file when they fail, and leave no temporary file behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wedgelab-atomic-'));
    const target = join(dir, 'out.mrc');
    writeFileSync(target, 'an earlier good file');
    await writeFileAtomic(target, 'new');
    expect(readFileSync(target, 'utf8')).toBe('new');
    await writeFileAtomic(join(dir, 'new', 'folder', 'out.mrc'), 'made');
    expect(readFileSync(join(dir, 'new', 'folder', 'out.mrc'), 'utf8')).toBe('made');
    await expect(writeFileAtomic(join(dir, 'out.mrc', 'inside.mrc'), 'x')).rejects.toThrow(`could not write ${join(dir, 'out.mrc', 'inside.mrc')}`);
    expect(readdirSync(dir).sort()).toEqual(['new', 'out.mrc']);
    rmSync(dir, { recursive: true });
  });
});
