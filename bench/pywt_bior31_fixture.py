#!/usr/bin/python3
"""Reference numbers for src/engine/reference/wavelet3d.ts from PyWavelets (Debian's python3-pywt 1.1.1).

Writes src/engine/reference/wavelet3d.fixture.json: a seeded random 5 × 4 × 3 volume (odd and even
sizes), its one-level bior3.1 pywt.dwtn coefficients in 'zero' and 'symmetric' modes, and pywt.idwtn of
random coefficients cropped to the volume's size. Arrays are (nz, ny, nx), flattened x fastest;
coefficients as [kz][ky][kx][band] with bands in pywt's key order aaa, aad, …, ddd.
Run: /usr/bin/python3 bench/pywt_bior31_fixture.py
"""
import itertools
import json
import os

import numpy as np
import pywt

KEYS = ["".join(k) for k in itertools.product("ad", repeat=3)]
NZ, NY, NX = 3, 4, 5


def interleave(coeffs):
    return np.stack([coeffs[k] for k in KEYS], axis=-1)


def main():
    rng = np.random.default_rng(2026)
    volume = rng.uniform(-1, 1, (NZ, NY, NX))
    out = {"pywt": pywt.__version__, "nx": NX, "ny": NY, "nz": NZ, "volume": volume.ravel().tolist()}
    for mode in ("zero", "symmetric"):
        c = interleave(pywt.dwtn(volume, "bior3.1", mode=mode))
        out["shape"] = list(c.shape[:3])
        out[mode] = c.ravel().tolist()
    coeffs = rng.uniform(-1, 1, tuple(out["shape"]) + (8,))
    rec = pywt.idwtn({k: coeffs[..., b] for b, k in enumerate(KEYS)}, "bior3.1")[:NZ, :NY, :NX]
    out["randomCoefficients"] = coeffs.ravel().tolist()
    out["inverse"] = rec.ravel().tolist()
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "engine", "reference", "wavelet3d.fixture.json")
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
