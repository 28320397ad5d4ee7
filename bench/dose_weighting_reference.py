"""Reference timing for `npm run bench`: the exposure filter of dose weighting with numpy's FFT.

Filters an NTILTS x NY x NX float32 stack at PIXEL Å per pixel, each tilt multiplied in 2-D Fourier space by
exp(-N / (2 Ne(k))) with Ne(k) = 0.245 k^-1.665 + 2.81 e/Å² (Grant & Grigorieff 2015, 300 kV) for an exposure N
of 3 e/Å² per tilt before it plus half its own, written from those formulas (the same work as WedgeLab's
doseWeighting.ts, float64 transforms). Prints the best of three timings in seconds as JSON.
Usage: python3 dose_weighting_reference.py NX NY NTILTS PIXEL
"""
import sys

import numpy as np
from reference_timing import print_best_of_three

nx, ny, n_tilts = (int(a) for a in sys.argv[1:4])
pixel = float(sys.argv[4])
stack = np.random.default_rng(0).standard_normal((n_tilts, ny, nx)).astype(np.float32)
exposures = 3.0 * np.arange(n_tilts) + 1.5


def weight(stack):
    k = np.hypot(*np.meshgrid(np.fft.rfftfreq(nx, pixel), np.fft.fftfreq(ny, pixel)))
    with np.errstate(divide="ignore"):
        inverse_critical = np.where(k > 0, 1.0 / (2.0 * (0.245 * k ** -1.665 + 2.81)), 0.0)
    out = np.empty_like(stack)
    for t in range(n_tilts):
        spectrum = np.fft.rfft2(stack[t].astype(np.float64))
        out[t] = np.fft.irfft2(spectrum * np.exp(-exposures[t] * inverse_critical), s=(ny, nx))
    return out


print_best_of_three(lambda: weight(stack))
