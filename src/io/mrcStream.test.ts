import { describe, expect, it } from 'vitest';
import { gzipSync } from 'fflate';
import { binImageInto } from './binning.ts';
import { readMrc, writeMrc } from './mrc.ts';
import { readMrcHeaderOf, readMrcStack, readMrcVolume, type MrcStack, type StackReadOptions } from './mrcStream.ts';
import { isPieced, rowReader } from './piecedVolume.ts';

/** An MRC file of int16 (mode 1), float32 (2), uint4 (101) or float16 bits (12), with a header as IMOD writes it. */
function stackFile(o: { nx: number; ny: number; nz: number; mode: 1 | 2 | 12 | 101; le?: boolean; ext?: number; value: (i: number) => number; pixel?: number }): Uint8Array {
  const le = o.le ?? true;
  const count = o.nx * o.ny * o.nz;
  const rowBytes = o.mode === 101 ? Math.ceil(o.nx / 2) : o.nx * (o.mode === 2 ? 4 : 2);
  const ext = o.ext ?? 0;
  const out = new Uint8Array(1024 + ext + rowBytes * o.ny * o.nz);
  const v = new DataView(out.buffer);
  const pixel = o.pixel ?? 2.5;
  [o.nx, o.ny, o.nz, o.mode, 0, 0, 0, o.nx, o.ny, o.nz].forEach((x, i) => v.setInt32(4 * i, x, le));
  [o.nx * pixel, o.ny * pixel, o.nz * pixel, 90, 90, 90].forEach((x, i) => v.setFloat32(40 + 4 * i, x, le));
  [1, 2, 3].forEach((x, i) => v.setInt32(64 + 4 * i, x, le));
  [0, -1, -2].forEach((x, i) => v.setFloat32(76 + 4 * i, x, le)); // statistics "not set"
  v.setInt32(92, ext, le);
  out.set([0x4d, 0x41, 0x50, 0x20], 208);
  out.set(le ? [0x44, 0x44, 0, 0] : [0x11, 0x11, 0, 0], 212);
  const data = 1024 + ext;
  for (let i = 0; i < count; i++) {
    const x = o.value(i);
    if (o.mode === 1) v.setInt16(data + 2 * i, x, le);
    else if (o.mode === 2) v.setFloat32(data + 4 * i, x, le);
    else if (o.mode === 12) v.setUint16(data + 2 * i, x, le);
    else {
      const row = Math.floor(i / o.nx);
      const col = i % o.nx;
      out[data + row * rowBytes + (col >> 1)] |= (x & 0x0f) << (col & 1 ? 4 : 0);
    }
  }
  return out;
}

/** A Blob of copies of the bytes (a Blob takes ArrayBuffer-backed views only). */
const blobOf = (parts: Uint8Array[]) => new Blob(parts.map((part) => new Uint8Array(part)));

/** A Blob that records the byte ranges read from it, to show the reader never takes the whole file. */
function recordingBlob(bytes: Uint8Array): { blob: Blob; reads: number[] } {
  const inner = blobOf([bytes]);
  const reads: number[] = [];
  const blob = {
    size: inner.size,
    slice: (start?: number, end?: number) => {
      reads.push((end ?? inner.size) - (start ?? 0));
      return inner.slice(start, end);
    },
    stream: () => inner.stream(),
  } as unknown as Blob;
  return { blob, reads };
}

async function outcome<T>(work: () => Promise<T> | T): Promise<{ value?: T; error?: string }> {
  try {
    return { value: await work() };
  } catch (error) {
    return { error: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

/** readMrcStack at bin 1 gives what readMrc gives for the same bytes: the values, header, pixel size and warnings, or the same error. */
async function expectSameAsReadMrc(bytes: Uint8Array, options: StackReadOptions = {}): Promise<MrcStack | undefined> {
  const whole = await outcome(() => readMrc(bytes, options));
  const streamed = await outcome(() => readMrcStack(blobOf([bytes]), options));
  expect(streamed.error).toBe(whole.error);
  if (!whole.value || !streamed.value) return undefined;
  expect(streamed.value.data).toEqual(whole.value.data);
  expect(streamed.value.header).toEqual(whole.value.header);
  expect(streamed.value.pixelSize).toEqual(whole.value.pixelSize);
  expect(streamed.value.warnings).toEqual(whole.value.warnings);
  return streamed.value;
}

/** Independent reference: each output pixel the float64 mean of its b × b block; the edge remainder dropped. */
function blockMeans(data: Float32Array, nx: number, ny: number, nz: number, b: number): number[] {
  const [bx, by] = [Math.floor(nx / b), Math.floor(ny / b)];
  const out: number[] = [];
  for (let k = 0; k < nz; k++)
    for (let y = 0; y < by; y++)
      for (let x = 0; x < bx; x++) {
        let sum = 0;
        for (let dy = 0; dy < b; dy++) for (let dx = 0; dx < b; dx++) sum += data[k * nx * ny + (y * b + dy) * nx + x * b + dx];
        out.push(sum / (b * b));
      }
  return out;
}

const wave = (i: number) => Math.round(1000 * Math.sin(i * 0.37) + 50 * Math.cos(i * 0.011));

describe('readMrcStack: the values and refusals of readMrc, read section by section', () => {
  it.each([
    ['int16, little-endian', { nx: 33, ny: 17, nz: 5, mode: 1 as const }],
    ['int16, big-endian', { nx: 33, ny: 17, nz: 5, mode: 1 as const, le: false }],
    ['int16 after an odd-sized extended header (unaligned data)', { nx: 8, ny: 6, nz: 4, mode: 1 as const, ext: 37 }],
    ['float32, big-endian', { nx: 9, ny: 7, nz: 3, mode: 2 as const, le: false }],
    ['float16 bits', { nx: 6, ny: 4, nz: 3, mode: 12 as const }],
    ['4-bit, odd nx (rows padded to bytes)', { nx: 7, ny: 5, nz: 3, mode: 101 as const }],
  ])('%s', async (_, spec) => {
    const bytes = stackFile({ ...spec, value: (i) => (spec.mode === 101 ? i % 16 : spec.mode === 12 ? 0x3c00 + (i % 512) : wave(i)) });
    const stack = await expectSameAsReadMrc(bytes);
    expect(stack?.bin).toBe(1);
    // gzipped: the same again, through the streaming inflater.
    await expectSameAsReadMrc(gzipSync(bytes));
  });

  it('statistics of the file values merged section by section: those of all values at once', async () => {
    const bytes = stackFile({ nx: 40, ny: 30, nz: 7, mode: 1, value: wave });
    const stack = (await readMrcStack(blobOf([bytes])))!;
    const values = [...readMrc(bytes).data];
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
    expect(stack.stats.min).toBe(Math.min(...values));
    expect(stack.stats.max).toBe(Math.max(...values));
    expect(stack.stats.mean).toBeCloseTo(mean, 9);
    expect(stack.stats.std).toBeCloseTo(std, 9);
    expect(stack.stats.nonFinite).toBe(0);
  });

  it('refuses with readMrc’s own messages: truncated, extra bytes (strict), header only, unknown mode', async () => {
    const bytes = stackFile({ nx: 16, ny: 8, nz: 3, mode: 1, value: wave });
    await expectSameAsReadMrc(bytes.subarray(0, bytes.length - 10), { name: 'cut.st' });
    const extra = new Uint8Array(bytes.length + 6);
    extra.set(bytes);
    await expectSameAsReadMrc(extra, { name: 'extra.st' });
    const permissive = await expectSameAsReadMrc(extra, { permissive: true });
    expect(permissive?.warnings.join()).toMatch(/6 extra bytes ignored/);
    await expectSameAsReadMrc(bytes.subarray(0, 500));
    const complex = bytes.slice();
    new DataView(complex.buffer).setInt32(12, 4, true);
    await expectSameAsReadMrc(complex, { name: 'fft.mrc' });
  });

  it('refuses damaged gzip as readMrc does: CRC, cut short, corrupt, and never inflates beyond the header', async () => {
    const bytes = stackFile({ nx: 32, ny: 32, nz: 4, mode: 2, value: (i) => Math.sin(i) });
    const gz = gzipSync(bytes);
    const badCrc = gz.slice();
    badCrc[gz.length - 8] ^= 0xff;
    await expectSameAsReadMrc(badCrc, { name: 'a.mrc.gz' });
    // In a small file readMrc's header peek meets the damage first and leaves out ": the file is damaged"; the rest is the same.
    const sameRefusal = async (bytes: Uint8Array) => {
      const whole = await outcome(() => readMrc(bytes, { name: 'cut.mrc.gz' }));
      const streamed = await outcome(() => readMrcStack(blobOf([bytes]), { name: 'cut.mrc.gz' }));
      expect(streamed.error).toMatch(/^MrcError: cut\.mrc\.gz: gzip data are corrupt or cut short \(.+\): the file is damaged$/);
      expect(streamed.error?.replace(/: the file is damaged$/, '')).toBe(whole.error?.replace(/: the file is damaged$/, ''));
    };
    await sameRefusal(gz.subarray(0, gz.length - 30));
    const corrupt = gz.slice();
    for (let i = 200; i < 260; i++) corrupt[i] ^= 0x5a;
    await sameRefusal(corrupt);
    await expectSameAsReadMrc(new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2, 3]));
    // The header says 8 × 8 × 1 float32; the stream holds 64 MiB of zeros after it.
    const header = stackFile({ nx: 8, ny: 8, nz: 1, mode: 2, value: () => 0 }).subarray(0, 1024);
    const bomb = gzipSync(Uint8Array.from({ length: 1024 + (64 << 20) }, (_, i) => (i < 1024 ? header[i] : 0)), { level: 9 });
    const refused = await outcome(() => readMrcStack(blobOf([bomb]), { name: 'bomb.mrc.gz' }));
    expect(refused.error).toBe('MrcError: bomb.mrc.gz: gzip data inflate to more than the 1280 bytes its MRC header implies: refused (a damaged or hostile file)');
  });
});

describe('readMrcStack: binning at load', () => {
  it.each([2, 4, 8])('bin %i: block means of the file values, edge pixels that do not fill a block dropped, pixel size × bin', async (bin) => {
    const [nx, ny, nz] = [37, 29, 3];
    const bytes = stackFile({ nx, ny, nz, mode: 1, value: wave, pixel: 1.5 });
    for (const file of [bytes, gzipSync(bytes)]) {
      const stack = await readMrcStack(blobOf([file]), { bin });
      expect([stack.nx, stack.ny, stack.nz]).toEqual([Math.floor(nx / bin), Math.floor(ny / bin), nz]);
      expect(stack.pixelSize).toEqual([1.5 * bin, 1.5 * bin, 1.5]);
      const reference = blockMeans(readMrc(bytes).data, nx, ny, nz, bin);
      expect(stack.data.length).toBe(reference.length);
      stack.data.forEach((v, i) => expect(v).toBeCloseTo(reference[i], 3));
      // Statistics stay those of the file, not of the binned stack.
      expect(stack.stats.min).toBe(Math.min(...readMrc(bytes).data));
    }
  });

  it('bin 3 of a 2 × 2 image leaves nothing: one clear message naming the file', async () => {
    const bytes = stackFile({ nx: 2, ny: 2, nz: 1, mode: 1, value: wave });
    const refused = await outcome(() => readMrcStack(blobOf([bytes]), { bin: 3, name: 'tiny.mrc' }));
    expect(refused.error).toBe('MrcError: tiny.mrc: binning 3 leaves no image of 2 × 2 sections');
    expect((await outcome(() => readMrcStack(blobOf([bytes]), { bin: 0, name: 'tiny.mrc' }))).error).toBe('MrcError: tiny.mrc: binning must be a whole number ≥ 1, got 0');
  });

  it('reads 4 MiB pieces (8 MiB of small sections at a time), never the whole file; reports progress to 1', async () => {
    const [nx, ny, nz] = [1024, 1024, 6]; // 2 MiB int16 sections: 4 to a read
    const bytes = stackFile({ nx, ny, nz, mode: 1, value: (i) => i % 1000 });
    const { blob, reads } = recordingBlob(bytes);
    const progress: number[] = [];
    const stack = await readMrcStack(blob, { bin: 4, onProgress: (p) => progress.push(p.fraction) });
    expect(Math.max(...reads)).toBe(4 << 20);
    expect(reads.reduce((a, b) => a + b, 0)).toBeLessThan(bytes.length + 2048); // each byte once (+ the header, twice)
    expect(progress).toEqual([1, 2, 3, 4, 5, 6].map((k) => k / 6));
    const expected = new Float32Array(256 * 256 * nz);
    const whole = readMrc(bytes).data;
    for (let k = 0; k < nz; k++) binImageInto(whole.subarray(k * nx * ny, (k + 1) * nx * ny), nx, ny, 4, expected, k * 256 * 256);
    expect(stack.data).toEqual(expected);
  });

  it('stops between sections when its signal is aborted', async () => {
    const bytes = stackFile({ nx: 64, ny: 64, nz: 10, mode: 1, value: wave });
    for (const file of [bytes, gzipSync(bytes)]) {
      const controller = new AbortController();
      let sections = 0;
      const read = readMrcStack(blobOf([file]), {
        onProgress: () => {
          if (++sections === 2) controller.abort();
        },
        signal: controller.signal,
      });
      await expect(read).rejects.toThrow(/abort/i);
      expect(sections).toBeLessThan(10);
    }
  });
});

describe('readMrcVolume: a volume read into pieces of rows', () => {
  it.each([1, 2, 3])('bin %i: the pieces hold readMrcStack’s values row for row, each piece at most pieceBytes', async (bin) => {
    const [nx, ny, nz] = [37, 29, 4]; // ny a multiple of no bin here: the edge rows fall in the last piece's pass
    const bytes = stackFile({ nx, ny, nz, mode: 1, value: wave });
    for (const file of [bytes, gzipSync(bytes)]) {
      const whole = await readMrcStack(blobOf([file]), { bin, name: 'v.mrc' });
      const [bx, by] = [whole.nx, whole.ny];
      for (const rows of [1, 2, 5]) {
        const pieceBytes = 4 * bx * nz * rows;
        const read = await readMrcVolume(blobOf([file]), { bin, name: 'v.mrc', pieceBytes });
        const { volume } = read;
        expect(isPieced(volume) && volume.pieces.length).toBe(Math.ceil(by / rows));
        if (isPieced(volume)) volume.pieces.forEach((piece) => expect(piece.data.byteLength).toBeLessThanOrEqual(pieceBytes));
        const row = rowReader(volume);
        for (let z = 0; z < nz; z++)
          for (let y = 0; y < by; y++) expect(row(y, z)).toEqual(whole.data.subarray(bx * (y + by * z), bx * (y + 1 + by * z)));
        expect([read.nx, read.ny, read.nz, read.pixelSize]).toEqual([bx, by, nz, whole.pixelSize]);
        expect(read.stats.min).toBe(whole.stats.min);
        expect(read.stats.mean).toBeCloseTo(whole.stats.mean, 9);
        expect(read.stats.std).toBeCloseTo(whole.stats.std, 9);
      }
    }
  });

  it('one array when the volume fits a piece', async () => {
    const bytes = stackFile({ nx: 8, ny: 6, nz: 2, mode: 2, value: wave });
    const { volume } = await readMrcVolume(blobOf([bytes]), { pieceBytes: 4 * 8 * 6 * 2 });
    expect(isPieced(volume)).toBe(false);
    expect(isPieced(volume) ? null : volume.data).toEqual(readMrc(bytes).data);
  });
});

describe('readMrcHeaderOf', () => {
  it('reads the header of a plain and a gzipped stack from their first bytes', async () => {
    const bytes = writeMrc({ nx: 5, ny: 4, nz: 3, data: new Float32Array(60).fill(1), pixelSize: 3 });
    for (const file of [bytes, gzipSync(bytes)]) {
      const { blob, reads } = recordingBlob(file);
      const header = await readMrcHeaderOf(blob);
      expect([header.nx, header.ny, header.nz, header.mode]).toEqual([5, 4, 3, 2]);
      expect(Math.max(...reads)).toBeLessThanOrEqual(1024);
    }
  });
});
