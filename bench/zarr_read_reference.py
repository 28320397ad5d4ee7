"""An OME-Zarr tomogram as zarr-python writes one by default, and zarr-python reading it: the timing reference of
`npm run bench --only zarr` (WedgeLab's src/io/omeZarrRead.ts reading the same folder).

Written from the OME-NGFF 0.4 and Zarr v2 specifications, not from WedgeLab's code: one level, axes z, y, x in
angstrom, 256-voxel chunks compressed by Blosc (LZ4, byte shuffle: zarr-python's default compressor), the
cryoET Data Portal's layout. The volume is smooth structure plus noise, so the chunks compress as a tomogram's do.

Usage:
  python3 zarr_read_reference.py write DIR NX NY NZ   writes DIR (an OME-Zarr folder), prints its bytes on disk as JSON
  python3 zarr_read_reference.py time DIR             best of three reads of DIR's level 0 into numpy, as JSON
"""
import json
import os
import sys
import time

import numpy as np
import zarr


def write(path, nx, ny, nz):
    rng = np.random.default_rng(5)
    z, y, x = np.ogrid[:nz, :ny, :nx]
    volume = (np.sin(x / 7.0) * np.cos(y / 11.0) + np.sin(z / 5.0)).astype(np.float32)
    volume += rng.normal(0, 0.5, volume.shape).astype(np.float32)
    group = zarr.open_group(path, mode="w")
    group.create_dataset("0", data=volume, chunks=(256, 256, 256))
    axes = [dict(name=n, type="space", unit="angstrom") for n in "zyx"]
    group.attrs["multiscales"] = [{"version": "0.4", "axes": axes, "datasets": [{"path": "0", "coordinateTransformations": [{"type": "scale", "scale": [10.0, 10.0, 10.0]}]}]}]
    size = sum(os.path.getsize(os.path.join(root, f)) for root, _, files in os.walk(path) for f in files)
    print(json.dumps({"bytes": size}))


def read(path):
    array = zarr.open_group(path, mode="r")["0"]
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        array[...]
        best = min(best, time.perf_counter() - started)
    print(json.dumps({"seconds": best}))


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2], *map(int, sys.argv[3:6]))
    else:
        read(sys.argv[2])
