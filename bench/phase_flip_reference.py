"""Reference timing for `npm run bench`: the phase flip of a tilt series with numpy's FFT.

Flips an NTILTS x NY x NX float32 stack at PIXEL Å per pixel, tilts from -60° in 3° steps, at 3 µm under focus
(300 kV, Cs 2.7 mm, Q 0.07), written from the formulas of docs/metadata.md#ctf-correction-phase-flipping: each
column's defocus is 3 µm + x·pixel·tan θ, the tilt is multiplied in Fourier space by -sign(CTF) at defocus levels
at most pixel²/λ apart spanning the columns, and each column blends the two levels around its defocus linearly
(the same work as WedgeLab's phaseFlip.ts, float64 transforms). With ASTIG (µm, defocus 1 − defocus 2; 0 by
default) the defocus along each frequency's direction φ is that plus ASTIG/2·cos 2(φ − 30°), defocus 1 at 30°.
Prints the best of three timings in seconds as JSON.
Usage: python3 phase_flip_reference.py NX NY NTILTS PIXEL [ASTIG]
"""
import math
import sys

import numpy as np
from reference_timing import print_best_of_three

nx, ny, n_tilts = (int(a) for a in sys.argv[1:4])
pixel = float(sys.argv[4])
astig = float(sys.argv[5]) if len(sys.argv) > 5 else 0.0
stack = np.random.default_rng(0).standard_normal((n_tilts, ny, nx)).astype(np.float32)
angles = -60.0 + 3.0 * np.arange(n_tilts)
volts = 300e3
lam = 12.2643 / math.sqrt(volts * (1 + 0.978466e-6 * volts))
fx, fy = np.meshgrid(np.fft.rfftfreq(nx, pixel), np.fft.fftfreq(ny, pixel))
k = np.hypot(fx, fy)
along = astig / 2 * np.cos(2 * (np.arctan2(fy, fx) - math.radians(30)))  # µm each direction adds


def signs(defocus_um):
    chi = math.pi * lam * (defocus_um + along) * 1e4 * k ** 2 - math.pi / 2 * 2.7e7 * lam ** 3 * k ** 4
    ctf = -(math.sqrt(1 - 0.07 ** 2) * np.sin(chi) + 0.07 * np.cos(chi))
    return np.where(ctf > 0, -1.0, 1.0)


def flip(stack):
    out = np.empty_like(stack)
    step = pixel ** 2 / lam / 1e4
    for t in range(n_tilts):
        columns = 3.0 + (np.arange(nx) - (nx - 1) / 2) * pixel * math.tan(math.radians(angles[t])) / 1e4
        lo, hi = columns.min(), columns.max()
        levels = [(lo + hi) / 2] if hi - lo <= step else list(np.linspace(lo, hi, math.ceil((hi - lo) / step) + 1))
        spectrum = np.fft.rfft2(stack[t].astype(np.float64))
        total = np.zeros((ny, nx))
        for j, level in enumerate(levels):
            weight = np.ones(nx) if len(levels) == 1 else np.maximum(0, 1 - np.abs(columns - level) / (levels[1] - levels[0]))
            total += weight[None, :] * np.fft.irfft2(spectrum * signs(level), s=(ny, nx))
        out[t] = total
    return out


print_best_of_three(lambda: flip(stack))
