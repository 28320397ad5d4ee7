"""The CTF deconvolution of a tomogram with numpy's FFT: the timing reference of `npm run bench` and an independent
check of WedgeLab's deconv method (src/engine/methods/deconv/deconv.test.ts).

Written from the formulas of docs/refine.md#ctf-deconvolution, not from WedgeLab's code: at each frequency, f its
|k| as a fraction of Nyquist (each axis's own, at most 1), the gain is C/(C^2 + 1/SNR) with C = sqrt(1 - Q^2) sin chi
+ Q cos chi (|C| for phase-flipped tilts), chi = pi lambda dz k^2 - pi/2 Cs lambda^3 k^4, k = f/(2 pixel) in 1/Å,
300 kV unless given, Cs 2.7 mm, Q 0.07, and SNR = 10^(3 strength) exp(-100 falloff f/pixel) (1 - cos(pi min(1,
f/highpass))); 0 where SNR is 0.

Usage:
  python3 deconv_reference.py time NX NY NZ PIXEL DEFOCUS       best of three timings of a random volume, as JSON
  python3 deconv_reference.py apply IN.mrc OUT.mrc DEFOCUS KV FALLOFF STRENGTH HIGHPASS FLIPPED(0|1)
"""
import math
import sys

import numpy as np


def gain(shape, pixel, defocus_um, kv=300.0, falloff=1.0, strength=1.0, highpass=0.02, flipped=False):
    axes = np.meshgrid(*[2 * np.fft.fftfreq(n) for n in shape], indexing="ij")
    f = np.minimum(1.0, np.sqrt(sum(a * a for a in axes)))
    volts = kv * 1e3
    lam = 12.2643 / math.sqrt(volts * (1 + 0.978466e-6 * volts))
    k2 = (f / (2 * pixel)) ** 2
    chi = math.pi * lam * defocus_um * 1e4 * k2 - math.pi / 2 * 2.7e7 * lam**3 * k2 * k2
    q = 0.07
    c = math.sqrt(1 - q * q) * np.sin(chi) + q * np.cos(chi)
    if flipped:
        c = np.abs(c)
    snr = 10 ** (3 * strength) * np.exp(-100 * falloff * f / pixel) * (1 - np.cos(math.pi * np.minimum(1.0, f / highpass)))
    return c * snr / (c * c * snr + 1)


def deconvolve(volume, pixel, **options):
    return np.real(np.fft.ifftn(np.fft.fftn(volume) * gain(volume.shape, pixel, **options))).astype(np.float32)


if __name__ == "__main__":
    if sys.argv[1] == "time":
        from reference_timing import print_best_of_three

        nx, ny, nz = (int(a) for a in sys.argv[2:5])
        pixel, defocus = float(sys.argv[5]), float(sys.argv[6])
        volume = np.random.default_rng(0).standard_normal((nz, ny, nx)).astype(np.float32)
        print_best_of_three(lambda: deconvolve(volume, pixel, defocus_um=defocus))
    else:
        import mrcfile

        source, target = sys.argv[2], sys.argv[3]
        defocus, kv, falloff, strength, highpass = (float(a) for a in sys.argv[4:9])
        with mrcfile.open(source, permissive=True) as mrc:
            volume = mrc.data.astype(np.float64)
            pixel = float(mrc.voxel_size.x)
        out = deconvolve(volume, pixel, defocus_um=defocus, kv=kv, falloff=falloff, strength=strength, highpass=highpass, flipped=sys.argv[9] == "1")
        with mrcfile.new(target, overwrite=True) as mrc:
            mrc.set_data(out)
            mrc.voxel_size = pixel
