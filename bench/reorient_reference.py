"""Reference timing for `npm run bench`: turning a tomogram from the XZY layout into XYZ with numpy.

Makes an NZ x NY x NX float32 array as IMOD's tilt writes a tomogram (sections along the tilt axis, each an X-Z
plane: file order [y][z][x] of WedgeLab's axes), then copies it into WedgeLab's layout (file order [z][y][x]) with
z reversed, as WedgeLab's orientTomogram does (src/engine/importedTomogram.ts): one contiguous copy. Prints the
best of three timings in seconds as JSON.
Usage: python3 reorient_reference.py NX NY NZ   (WedgeLab's sizes: NZ the thickness)
"""
import sys

import numpy as np
from reference_timing import print_best_of_three

nx, ny, nz = (int(a) for a in sys.argv[1:4])
# The file as stored: ny sections (WedgeLab's y), each nz rows (its z) of nx values.
xzy = np.random.default_rng(0).standard_normal((ny, nz, nx)).astype(np.float32)
print_best_of_three(lambda: np.ascontiguousarray(xzy.transpose(1, 0, 2)[::-1]))
