"""Reference timing for `npm run bench`: scikit-image's iradon, slice by slice.

Reconstructs `slices` sinograms of nTilts x nx (random data, tilts from -60 to +60 degrees)
into nx x nx images with the Ram-Lak filter, and prints the seconds per slice as JSON.
The caller extrapolates to the whole tomogram (ny slices).
Usage: python3 iradon_reference.py NX NTILTS SLICES
"""
import json
import sys
import time

import numpy as np
from skimage.transform import iradon

nx, n_tilts, slices = (int(a) for a in sys.argv[1:4])
rng = np.random.default_rng(0)
theta = np.linspace(-60, 60, n_tilts)
sinograms = rng.standard_normal((slices, nx, n_tilts)).astype(np.float64)
iradon(sinograms[0], theta=theta, filter_name="ramp", circle=False)  # warm-up
start = time.perf_counter()
for s in range(slices):
    iradon(sinograms[s], theta=theta, filter_name="ramp", circle=False, output_size=nx)
elapsed = time.perf_counter() - start
print(json.dumps({"secondsPerSlice": elapsed / slices, "slices": slices}))
