/**
 * In-memory test data for the end-to-end tests: a tiny MRC2014 writer (float32, mode 2)
 * and IMOD-style .tlt text. Nothing is read from or written to disk.
 */

export interface Stack {
  nx: number;
  ny: number;
  nz: number;
  data: Float32Array;
}

/** An MRC2014 file: 1024-byte header, mode 2 (float32), 'MAP ' at 208, little-endian stamp 0x44 0x44. */
export function writeMrc({ nx, ny, nz, data }: Stack, pixelSize = 10): Buffer {
  if (data.length !== nx * ny * nz) throw new Error(`data has ${data.length} values, expected ${nx * ny * nz}`);
  const bytes = Buffer.alloc(1024 + data.length * 4);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const i32 = (offset: number, value: number) => view.setInt32(offset, value, true);
  const f32 = (offset: number, value: number) => view.setFloat32(offset, value, true);
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const v of data) {
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
  }
  const mean = sum / data.length;
  let sq = 0;
  for (const v of data) sq += (v - mean) ** 2;
  const rms = Math.sqrt(sq / data.length);

  i32(0, nx);
  i32(4, ny);
  i32(8, nz);
  i32(12, 2); // mode 2: float32
  i32(28, nx); // mx, my, mz
  i32(32, ny);
  i32(36, nz);
  f32(40, nx * pixelSize); // cell dimensions in Å
  f32(44, ny * pixelSize);
  f32(48, nz * pixelSize);
  f32(52, 90);
  f32(56, 90);
  f32(60, 90);
  i32(64, 1); // mapc, mapr, maps
  i32(68, 2);
  i32(72, 3);
  f32(76, min);
  f32(80, max);
  f32(84, mean);
  i32(92, 0); // nsymbt: no extended header
  i32(108, 20140); // nversion
  bytes.write('MAP ', 208, 'latin1');
  bytes[212] = 0x44;
  bytes[213] = 0x44;
  f32(216, rms);
  i32(220, 1);
  bytes.write('WedgeLab e2e fixture', 224, 'latin1');
  for (let i = 0; i < data.length; i++) view.setFloat32(1024 + 4 * i, data[i], true);
  return bytes;
}

/** One angle per line, two decimals, as IMOD writes .tlt files. */
export function writeTlt(angles: number[]): Buffer {
  return Buffer.from(angles.map((a) => a.toFixed(2)).join('\n') + '\n', 'latin1');
}

export function tiltAngles(from: number, to: number, step: number): number[] {
  const angles: number[] = [];
  for (let a = from; a <= to + 1e-9; a += step) angles.push(Math.round(a * 100) / 100);
  return angles;
}

/**
 * A simple tilt series: projections (tilt axis along y) of a few bright discs and a bar,
 * each tilt's pattern shifted along x as a point off the tilt axis would be. Not physically
 * exact, but structured enough to reconstruct into a non-uniform volume.
 */
export function tiltSeriesStack(nx = 64, ny = 64, angles = tiltAngles(-60, 60, 6)): Stack {
  const nz = angles.length;
  const data = new Float32Array(nx * ny * nz);
  const features = [
    { x: -12, y: -10, z: 6, r: 5 },
    { x: 14, y: 8, z: -4, r: 7 },
    { x: 0, y: 18, z: 0, r: 4 },
  ];
  angles.forEach((deg, k) => {
    const t = (deg * Math.PI) / 180;
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        const cx = x - (nx - 1) / 2;
        const cy = y - (ny - 1) / 2;
        let v = 0.05 * Math.sin(x * 0.3) * Math.cos(y * 0.2);
        for (const f of features) {
          const u = f.x * Math.cos(t) + f.z * Math.sin(t);
          const d2 = (cx - u) ** 2 + (cy - f.y) ** 2;
          if (d2 < f.r * f.r) v += 2 * Math.sqrt(f.r * f.r - d2);
        }
        if (Math.abs(cy + 20) < 2 && Math.abs(cx) < 20) v += 3;
        data[k * nx * ny + y * nx + x] = v;
      }
    }
  });
  return { nx, ny, nz, data };
}

/** The header fields the tests check in exported MRC bytes. */
export function parseMrcHeader(bytes: Uint8Array): { nx: number; ny: number; nz: number; mode: number; map: string; stamp: [number, number] } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    nx: view.getInt32(0, true),
    ny: view.getInt32(4, true),
    nz: view.getInt32(8, true),
    mode: view.getInt32(12, true),
    map: String.fromCharCode(...bytes.subarray(208, 212)),
    stamp: [bytes[212], bytes[213]],
  };
}
