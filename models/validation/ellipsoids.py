#!/usr/bin/python3
"""An independent validation simulator: random ellipsoids, projected exactly.

  /usr/bin/python3 models/validation/ellipsoids.py --family ellipsoids|shells --size NX,NY,NZ --angles -60,60,3
      [--snr-db S] [--seed K] [--pixel-size A]
      [--defocus UM [--voltage KV] [--cs MM] [--amplitude-contrast Q] [--phase-shift RAD] [--tilted-defocus]
                    [--astigmatism UM [--astigmatism-angle DEG]]]
      --out-dir DIR

writes DIR/ground_truth.mrc, DIR/tilt_series.mrc and DIR/tilt_series.tlt as `wedgelab simulate` does (float32
MRC, the .tlt one angle per line in stack order), so every CLI command takes them.

It shares no code with the training simulator (src/engine/sim): the specimen is a list of analytic shapes, the
tilts are their exact line integrals, and only the ground truth is voxelised. Learned models are judged here
on data whose phantoms, projector and discretisation they never saw.

Families:
  ellipsoids  random ellipsoids (centres, semi-axes, rotations) of densities of both signs on a zero
              background; overlaps add; no ice.
  shells      ellipsoidal shells (an ellipsoid less a concentric, same-orientation smaller one) and a few
              solid ellipsoids, mostly denser than the slab they sit in: a layer of constant positive density
              filling z in [z0, z1] (0.3–0.9 of nz thick) over the whole field.

Geometry (docs/conventions.md#geometry): centred coordinates c = i − (n − 1)/2 in voxels, so the volume spans
[−n/2, n/2] on each axis; the tilt axis is y; a point (x, y, z) projects at tilt θ to u = x·cos θ + z·sin θ,
v = y, and each tilt is the line integral along d = (−sin θ, 0, cos θ) in voxel steps.

Discretisation:
  - tilts: each detector pixel is the mean of 3 × 3 exact line integrals through sub-pixel points (offsets
    −1/3, 0, 1/3 pixel in u and v), i.e. an approximately pixel-integrated image;
  - ground truth: each voxel holds the density times the fraction of its 4 × 4 × 4 sub-samples inside each
    ellipsoid (summed over ellipsoids); the slab's fraction of each voxel is exact (it is a box along z);
  - the slab is finite: it ends at the volume's x faces (x = ±nx/2), so the tilts hold exactly what the
    ground truth holds; a ray's chord through it is thickness / cos θ where the ray stays inside, shorter
    where it leaves through an x face. (A real lamella extends past the field of view; the training
    simulator's voxelised slab ends at the volume's edges too.) Every ellipsoid lies inside the volume.

Contrast transfer (--defocus, off by default): each noise-free tilt is filtered by the weak-phase-object CTF of
a microscope, CTF(f) = −(√(1 − Q²)·sin χ(f) + Q·cos χ(f)) with χ(f) = π·λ·Δz·f² − (π/2)·Cs·λ³·f⁴ + φ (f in 1/Å from
--pixel-size, Δz the defocus, positive under focus, λ the electron wavelength at --voltage, relativistic, φ a phase
plate's added shift, --phase-shift, 0 by default; with --astigmatism A at --astigmatism-angle α, Δz along a
frequency's direction ψ, from +x towards +y, is Δz + A/2·cos 2(ψ − α), as CTFFIND's two axes and azimuth give it),
so that a denser object comes out darker, as in a real micrograph, and the lowest frequencies pass only as Q (as
−sin(φ + atan(Q/√(1 − Q²))) with a phase plate). One defocus for the whole tilt (no envelope), applied by FFT over
the periodic tilt; the noise comes after it. The ground truth is the density, without it.

With --tilted-defocus the defocus follows depth instead, as it does in a tilted specimen: each ray's exact integral
is cut into layers along the beam (each at most p²/(4λ) Å thick), every layer's tilts are filtered at the
defocus of its middle, Δz − t·p (t its distance along d from the plane through the volume's centre), and the
layers summed. A point of the specimen's centre plane at detector u is then at Δz + u·p·tan θ: a gradient across
each tilted view, and through the thickness at every tilt. Its direction is a convention, the one WedgeLab's
phase flip takes (IMOD's ctfphaseflip's for its angles); the other is the same series with negated angles.

Noise (docs/conventions.md#noise-level): Gaussian, σ² = var(signal) / 10^(SNR_dB/10), var over the whole
noise-free tilt series. The specimen and the noise draw from two streams of the one seed, so the SNR never
changes the specimen.
"""
import argparse
import math
import os
import sys

import mrcfile
import numpy as np

SUB_RAYS = (-1 / 3, 0.0, 1 / 3)  # sub-pixel offsets of the detector's 3 × 3 rays, in pixels
SUB_VOXEL = 4  # ground-truth sub-samples per voxel and axis
MARGIN = 1.0  # voxels kept free between every ellipsoid and the volume's (or slab's) faces
SPECIMEN_STREAM, NOISE_STREAM = 1, 2


# ---------------------------------------------------------------------------------------------- the specimen

def rotation(rng):
    """A uniformly random rotation matrix (from a uniform unit quaternion)."""
    w, x, y, z = (q := rng.standard_normal(4)) / np.linalg.norm(q)
    return np.array([[1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
                     [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
                     [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)]])


def ellipsoid(centre, semi_axes, rot, density):
    """The ellipsoid {p : (p − c)ᵀ A (p − c) ≤ 1}, A = R diag(1/a²) Rᵀ, coordinates centred (x, y, z) voxels."""
    semi_axes = np.asarray(semi_axes, dtype=float)
    return {"centre": np.asarray(centre, dtype=float), "A": rot @ np.diag(semi_axes ** -2.0) @ rot.T,
            "semiAxes": semi_axes, "R": rot, "density": float(density)}


def half_extents(semi_axes, rot):
    """Half-widths of the axis-aligned box around the ellipsoid: sqrt((A⁻¹)_ii), A⁻¹ = R diag(a²) Rᵀ."""
    return np.sqrt(np.diag(rot @ np.diag(np.asarray(semi_axes) ** 2.0) @ rot.T))


def place(rng, semi_axes, rot, lo, hi):
    """Shrink the semi-axes (all by one factor) until the ellipsoid fits the box [lo, hi] with MARGIN, then draw
    its centre uniformly where it fits. Returns (centre, semi-axes)."""
    lo, hi = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
    room = (hi - lo) / 2 - MARGIN
    semi_axes = np.asarray(semi_axes, dtype=float) * min(1.0, float(np.min(room / half_extents(semi_axes, rot))))
    slack = np.maximum(room - half_extents(semi_axes, rot), 0.0)  # how far the centre may move from the box's
    return (lo + hi) / 2 + slack * rng.uniform(-1.0, 1.0, size=3), semi_axes


def random_semi_axes(rng, lo, hi):
    """A mean radius log-uniform in [lo, hi] voxels (many small, few large), each axis 0.6–1.4 times it."""
    return math.exp(rng.uniform(math.log(min(lo, hi)), math.log(hi))) * rng.uniform(0.6, 1.4, size=3)


def make_specimen(family, size, seed):
    """The specimen: {"ellipsoids": [...], "slab": None or (z0, z1, density)}, all in centred voxel coordinates.
    Object counts follow a fill fraction, so they scale with the volume."""
    rng = np.random.default_rng([seed, SPECIMEN_STREAM])
    n = np.asarray(size, dtype=float)
    lo, hi = -n / 2, n / 2
    shapes, slab = [], None
    if family == "ellipsoids":
        # Summed ellipsoid volume ≈ 20 % of the box; overlaps add, so densities range past ±1.
        target, filled = 0.2 * np.prod(n), 0.0
        while filled < target and len(shapes) < 400:
            rot = rotation(rng)
            centre, axes = place(rng, random_semi_axes(rng, 1.5, 0.3 * n.min()), rot, lo, hi)
            sign = rng.choice((-1.0, 1.0))
            shapes.append(ellipsoid(centre, axes, rot, sign * rng.uniform(0.3, 1.0)))
            filled += 4 / 3 * math.pi * np.prod(axes)
    elif family == "shells":
        thickness = rng.uniform(0.3, 0.9) * n[2]
        z0 = rng.uniform(lo[2], hi[2] - thickness)
        slab = (z0, z0 + thickness, rng.uniform(0.2, 0.4))
        # Objects sit inside the slab (organelles in ice): their box is the slab's z range.
        box_lo, box_hi = np.array([lo[0], lo[1], z0]), np.array([hi[0], hi[1], z0 + thickness])
        target, filled = 0.25 * np.prod(n[:2]) * thickness, 0.0
        while filled < target and len(shapes) < 400:
            rot = rotation(rng)
            density = rng.uniform(0.5, 1.2) * (1.0 if rng.uniform() < 0.85 else -1.0)  # mostly denser than the slab
            solid = rng.uniform() < 0.3
            centre, axes = place(rng, random_semi_axes(rng, 2.5 if solid else 4.0, 0.35 * min(n[0], n[1], thickness)), rot, box_lo, box_hi)
            shapes.append(ellipsoid(centre, axes, rot, density))
            wall = rng.uniform(1.0, 2.5)  # shell wall thickness, voxels
            if not solid and axes.min() > wall + 1.0:
                shapes.append(ellipsoid(centre, axes - wall, rot, -density))  # the hollow: same centre and axes
                filled += 4 / 3 * math.pi * (np.prod(axes) - np.prod(axes - wall))
            else:
                filled += 4 / 3 * math.pi * np.prod(axes)
    else:
        raise ValueError(f"unknown family {family!r}: use ellipsoids or shells")
    return {"ellipsoids": shapes, "slab": slab}


# ------------------------------------------------------------------------------------------------ projection

def chord_span(e, A, d):
    """Where the line p + t·d (|d| = 1, t in voxels) is inside (x − c)ᵀA(x − c) ≤ 1, for offsets e = p − c of
    shape (..., 3): (t_lo, t_hi), the roots of a t² + 2 b t + c' = 0 (a = dᵀAd, b = dᵀAe, c' = eᵀAe − 1), −b/a ∓
    sqrt(b² − a c')/a; an empty span (t_lo = t_hi) where the line misses."""
    a = d @ A @ d
    b = e @ (A @ d)
    c = np.einsum("...i,ij,...j->...", e, A, e) - 1.0
    half = np.sqrt(np.maximum(b * b - a * c, 0.0)) / a
    return -b / a - half, -b / a + half


def chord(e, A, d):
    """Length of the line p + t·d inside the ellipsoid (chord_span's span); 0 where the line misses."""
    t_lo, t_hi = chord_span(e, A, d)
    return t_hi - t_lo


def slab_span(u, theta, z0, z1, half_x):
    """Where the ray at detector coordinate u (array) is inside the box |x| ≤ half_x, z0 ≤ z ≤ z1 (any y):
    (t_lo, t_hi), empty where t_hi ≤ t_lo. The ray is (u cos θ − t sin θ, ·, u sin θ + t cos θ); |θ| < 90°."""
    s, c = math.sin(theta), math.cos(theta)
    t_lo, t_hi = (z0 - u * s) / c, (z1 - u * s) / c
    if abs(s) > 1e-12:
        ta, tb = (u * c - half_x) / s, (u * c + half_x) / s
        t_lo, t_hi = np.maximum(t_lo, np.minimum(ta, tb)), np.minimum(t_hi, np.maximum(ta, tb))
    else:
        t_hi = np.where(np.abs(u) <= half_x, t_hi, t_lo)
    return t_lo, t_hi


def slab_chord(u, theta, z0, z1, half_x):
    """Length of the ray at detector coordinate u (array) inside the slab's box (slab_span's span)."""
    t_lo, t_hi = slab_span(u, theta, z0, z1, half_x)
    return np.maximum(t_hi - t_lo, 0.0)


def in_layers(t_lo, t_hi, edges):
    """The length of the span [t_lo, t_hi] (arrays) inside each layer [edges[l], edges[l + 1]): shape (layers, ...)."""
    lo, hi = np.asarray(edges[:-1]), np.asarray(edges[1:])
    shape = (-1,) + (1,) * np.ndim(t_lo)
    return np.maximum(np.minimum(t_hi, hi.reshape(shape)) - np.maximum(t_lo, lo.reshape(shape)), 0.0)


def project(specimen, size, angles, edges=(-math.inf, math.inf)):
    """The tilt series cut into layers along the beam, shape (layers, nTilts, ny, nx): layer l holds each pixel's
    mean of its 3 × 3 sub-rays' exact integrals over t in [edges[l], edges[l + 1]) (t: voxels along d from the
    plane through the volume's centre normal to it). The default, one layer over every t, is the plain tilt series."""
    nx, ny, nz = size
    k = len(SUB_RAYS)
    out = np.zeros((len(edges) - 1, len(angles), ny, nx))
    # Sub-ray coordinates, pixel-major: entry k·i + j is pixel i's j-th sub-ray.
    sub = lambda n: (np.arange(n)[:, None] - (n - 1) / 2 + np.asarray(SUB_RAYS)[None, :]).ravel()
    us, vs = sub(nx), sub(ny)
    for t, angle in enumerate(angles):
        theta = math.radians(angle)
        cos, sin = math.cos(theta), math.sin(theta)
        d, w = np.array([-sin, 0.0, cos]), np.array([cos, 0.0, sin])  # beam, and the detector's u direction
        if specimen["slab"] is not None:
            z0, z1, rho = specimen["slab"]
            lengths = in_layers(*slab_span(us, theta, z0, z1, nx / 2), edges).reshape(-1, nx, k).mean(axis=2)
            out[:, t] += rho * lengths[:, None, :]
        for s in specimen["ellipsoids"]:
            c, A = s["centre"], s["A"]
            # Only the pixels the ellipsoid's shadow can reach: |u − u_c| ≤ sqrt(wᵀA⁻¹w), |v − c_y| ≤ sqrt((A⁻¹)_yy).
            cov = np.linalg.inv(A)
            hu, hv, uc = math.sqrt(w @ cov @ w), math.sqrt(cov[1, 1]), w @ c
            i0, i1 = (int(np.clip(math.floor(x + (nx - 1) / 2), 0, nx)) for x in (uc - hu - 1, uc + hu + 2))
            j0, j1 = (int(np.clip(math.floor(x + (ny - 1) / 2), 0, ny)) for x in (c[1] - hv - 1, c[1] + hv + 2))
            if i0 >= i1 or j0 >= j1:
                continue
            u, v = us[k * i0:k * i1], vs[k * j0:k * j1]
            # The ray through (u, v) starts at p = u·w + v·ŷ (then x cos θ + z sin θ = u, y = v), and t counts
            # from p, which lies on the plane through the centre normal to d: the chord's span is in t as edges are.
            e = u[None, :, None] * w + v[:, None, None] * np.array([0.0, 1.0, 0.0]) - c
            lengths = in_layers(*chord_span(e, A, d), edges).reshape(-1, j1 - j0, k, i1 - i0, k).mean(axis=(2, 4))
            out[:, t, j0:j1, i0:i1] += s["density"] * lengths
    return out


# ---------------------------------------------------------------------------------------------- ground truth

def voxelise(specimen, size):
    """The ground truth, shape (nz, ny, nx): density × occupied fraction of each voxel, summed over shapes."""
    nx, ny, nz = size
    vol = np.zeros((nz, ny, nx))
    if specimen["slab"] is not None:
        z0, z1, rho = specimen["slab"]
        zc = np.arange(nz) - (nz - 1) / 2
        vol += rho * np.clip(np.minimum(zc + 0.5, z1) - np.maximum(zc - 0.5, z0), 0.0, 1.0)[:, None, None]
    offsets = (np.arange(SUB_VOXEL) + 0.5) / SUB_VOXEL - 0.5  # sub-sample positions within a voxel
    for s in specimen["ellipsoids"]:
        c, A = s["centre"], s["A"]
        h = half_extents(s["semiAxes"], s["R"])
        # Voxel index ranges [i0, i1) of the bounding box on each axis (x, y, z).
        ranges = [(max(0, math.floor(c[a] - h[a] + (n - 1) / 2)), min(n, math.ceil(c[a] + h[a] + (n - 1) / 2) + 1))
                  for a, n in enumerate(size)]
        ex, ey = ((np.arange(*ranges[a]) - (size[a] - 1) / 2)[:, None] + offsets - c[a] for a in (0, 1))
        ex, ey = ex.ravel()[None, :], ey.ravel()[:, None]
        for z in range(*ranges[2]):
            # One voxel layer at a time: SUB_VOXEL sub-planes of the box's sub-sample grid.
            ez = (z - (nz - 1) / 2 + offsets - c[2])[:, None, None]
            q = (A[0, 0] * ex * ex + A[1, 1] * ey * ey + A[2, 2] * ez * ez
                 + 2 * (A[0, 1] * ex * ey + A[0, 2] * ex * ez + A[1, 2] * ey * ez))
            inside = (q <= 1.0).reshape(SUB_VOXEL, ey.size // SUB_VOXEL, SUB_VOXEL, ex.size // SUB_VOXEL, SUB_VOXEL)
            vol[z, slice(*ranges[1]), slice(*ranges[0])] += s["density"] * inside.mean(axis=(0, 2, 4))
    return vol


# ------------------------------------------------------------------------------------------------- the files

def tilt_range(spec):
    """'MIN,MAX,STEP' → MIN, MIN + STEP, … up to MAX (included within 1e-6 of a step), rounded to 1e-9°, as
    `wedgelab simulate --angles` reads it."""
    lo, hi, step = (float(x) for x in spec.split(","))
    if step <= 0 or lo > hi:
        raise ValueError(f"--angles must be MIN,MAX,STEP with MIN ≤ MAX and STEP > 0 (got {spec})")
    n = math.floor((hi - lo) / step + 1e-6) + 1
    return [round(lo + i * step, 9) + 0.0 for i in range(n)]


def wavelength(kv):
    """The electron's relativistic wavelength in Å at an accelerating voltage of kv kilovolts (0.0197 Å at 300 kV)."""
    volts = kv * 1e3
    return 12.2643 / math.sqrt(volts * (1 + 0.978466e-6 * volts))


def ctf(f, defocus_um, kv=300.0, cs_mm=2.7, amplitude_contrast=0.07, phase_shift=0.0):
    """The weak-phase-object CTF at spatial frequencies f (1/Å), with the sign that makes a denser object darker;
    phase_shift (radians) is a phase plate's, added to the wave aberration."""
    lam, dz, cs = wavelength(kv), defocus_um * 1e4, cs_mm * 1e7
    chi = math.pi * lam * dz * f ** 2 - math.pi / 2 * cs * lam ** 3 * f ** 4 + phase_shift
    return -(math.sqrt(1 - amplitude_contrast ** 2) * np.sin(chi) + amplitude_contrast * np.cos(chi))


def apply_ctf(tilts, pixel_size, defocus_um, astigmatism_um=0.0, astigmatism_angle=0.0, **microscope):
    """Every tilt (nTilts, ny, nx) filtered by ctf(), through the FFT of the whole (periodic) tilt. With astigmatism
    (astigmatism_um = defocus 1 − defocus 2, defocus 1's axis at astigmatism_angle degrees from +x towards +y, the
    row index), the defocus along a frequency's direction φ is defocus_um + astigmatism_um/2 · cos 2(φ − angle),
    defocus_um the mean of the two axes, as CTFFIND gives them."""
    fy, fx = np.fft.fftfreq(tilts.shape[1], pixel_size), np.fft.fftfreq(tilts.shape[2], pixel_size)
    direction = np.arctan2(fy[:, None], fx[None, :])
    defocus = defocus_um + astigmatism_um / 2 * np.cos(2 * (direction - math.radians(astigmatism_angle)))
    transfer = ctf(np.hypot(fy[:, None], fx[None, :]), defocus, **microscope)
    return np.real(np.fft.ifft2(np.fft.fft2(tilts, axes=(1, 2)) * transfer, axes=(1, 2)))


def depth_layers(size, pixel_size, kv):
    """Edges (voxels along the beam, t) of the layers a tilted specimen's CTF is applied in: from −R to R, R the
    half-diagonal of the volume's xz section (no ray meets it further from the centre plane), each layer at most a
    quarter of p/λ voxels thick (p²/(4λ) Å: a defocus within p²/(8λ) of the layer's middle, a phase error at Nyquist
    of at most π/32)."""
    reach = 0.5 * math.hypot(size[0], size[2])
    count = max(1, math.ceil(2 * reach / (pixel_size / wavelength(kv) / 4)))
    return np.linspace(-reach, reach, count + 1)


def apply_tilted_ctf(layers, edges, pixel_size, defocus_um, **microscope):
    """The tilts through a CTF whose defocus follows depth: layer l (project()'s, shape (layers, nTilts, ny, nx))
    filtered at defocus_um − t_l·p/10⁴ µm, t_l its middle in voxels along d, and the layers summed. A point further
    along d is nearer focus, so a point of the centre plane at detector u is at defocus_um + u·p·tan θ: the gradient
    WedgeLab's phase flip assumes across a tilted view (IMOD's ctfphaseflip convention for its angles)."""
    middles = (np.asarray(edges[:-1]) + np.asarray(edges[1:])) / 2
    return sum(apply_ctf(layer, pixel_size, defocus_um=defocus_um - t * pixel_size / 1e4, **microscope)
               for layer, t in zip(layers, middles))


def add_noise(clean, snr_db, seed):
    """clean + N(0, σ²), σ² = var(clean) / 10^(snr_db/10): var (population) over the whole noise-free series."""
    sigma = math.sqrt(np.var(clean) / 10 ** (snr_db / 10))
    return clean + sigma * np.random.default_rng([seed, NOISE_STREAM]).standard_normal(clean.shape)


def tlt_text(angles):
    """One angle per line, at least 2 decimals, more (up to 6) where 2 would not give the angle back."""
    lines = []
    for a in angles:
        digits = 2
        while digits < 6 and float(f"{a:.{digits}f}") != a:
            digits += 1
        text = f"{a:.{digits}f}"
        lines.append(text[1:] if text.startswith("-") and float(text) == 0 else text)
    return "".join(line + "\n" for line in lines)


def write_mrc(path, data, pixel_size, label, stack):
    """Float32 MRC2014 as WedgeLab writes it: first label 'WedgeLab', ispg 0 for a stack, 1 for a volume (set_data
    fills the sizes and dmin/dmax/dmean/rms)."""
    with mrcfile.new(path, overwrite=True) as m:
        m.set_data(np.ascontiguousarray(data, dtype=np.float32))
        if stack:
            m.set_image_stack()  # ispg 0; mrcfile then sets mz = 1, WedgeLab keeps mz = the section count
            m.header.mz = data.shape[0]
        else:
            m.set_volume()
        m.voxel_size = pixel_size  # cella = m × pixel size
        m.header.nversion = 20141
        m.header.label[0], m.header.label[1] = b"WedgeLab", label.encode("ascii")[:80]
        m.header.nlabl = 2


def simulate(family, size, angles, snr_db=None, seed=1, pixel_size=1.0, microscope=None, tilted=False):
    """(ground truth (nz, ny, nx), tilt series (nTilts, ny, nx)) as float64 arrays; `microscope`: ctf()'s keyword
    arguments (defocus_um, …) to filter the tilts by a CTF before the noise, None for none; `tilted`: that CTF's
    defocus follows each point's depth along the beam (apply_tilted_ctf) instead of one defocus per tilt."""
    specimen = make_specimen(family, size, seed)
    if microscope is not None and tilted:
        edges = depth_layers(size, pixel_size, microscope.get("kv", 300.0))
        clean = apply_tilted_ctf(project(specimen, size, angles, edges), edges, pixel_size, **microscope)
    else:
        clean = project(specimen, size, angles)[0]
        if microscope is not None:
            clean = apply_ctf(clean, pixel_size, **microscope)
    tilts = clean if snr_db is None else add_noise(clean, snr_db, seed)
    return voxelise(specimen, size), tilts


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--family", required=True, choices=("ellipsoids", "shells"))
    ap.add_argument("--size", required=True, help="NX,NY,NZ voxels (the tilts are NX × NY pixels)")
    ap.add_argument("--angles", required=True, help="MIN,MAX,STEP degrees, ascending stack order")
    ap.add_argument("--snr-db", type=float, help="Gaussian noise at this SNR in dB (default: noise-free)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--pixel-size", type=float, default=1.0, help="Å per pixel, written to the headers (and the CTF's scale)")
    ap.add_argument("--defocus", type=float, help="filter the tilts by a CTF at this defocus, µm under focus (default: none)")
    ap.add_argument("--voltage", type=float, default=300.0, help="with --defocus: kV")
    ap.add_argument("--cs", type=float, default=2.7, help="with --defocus: spherical aberration, mm")
    ap.add_argument("--amplitude-contrast", type=float, default=0.07, help="with --defocus: the amplitude contrast Q, 0–1")
    ap.add_argument("--phase-shift", type=float, default=0.0, help="with --defocus: a phase plate's added phase shift, radians")
    ap.add_argument("--astigmatism", type=float, default=0.0, help="with --defocus: defocus 1 − defocus 2, µm (the two axes about --defocus)")
    ap.add_argument("--astigmatism-angle", type=float, default=0.0, help="with --astigmatism: defocus 1's axis, degrees from +x towards +y")
    ap.add_argument("--tilted-defocus", action="store_true",
                    help="with --defocus: the defocus follows each point's depth along the beam (a gradient across each tilted view, and through the specimen) instead of one per tilt")
    ap.add_argument("--out-dir", required=True)
    # argparse takes '-60,60,3' for an option: join it to its flag, as '--angles=-60,60,3'.
    argv = sys.argv[1:]
    argv = [f"{a}={argv[i + 1]}" if a == "--angles" and i + 1 < len(argv) else a for i, a in enumerate(argv)
            if not (i > 0 and argv[i - 1] == "--angles")]
    args = ap.parse_args(argv)
    size = tuple(int(x) for x in args.size.split(","))
    if len(size) != 3 or min(size) < 8:
        ap.error(f"--size must be NX,NY,NZ, each at least 8 (got {args.size})")
    angles = tilt_range(args.angles)
    if max(abs(a) for a in angles) >= 90:
        ap.error("tilt angles must lie within (−90°, 90°)")
    microscope = None
    if args.defocus is not None:
        if not (args.defocus > 0 and args.pixel_size > 0 and args.voltage > 0 and 0 <= args.amplitude_contrast < 1):
            ap.error("--defocus needs a defocus > 0 µm, --pixel-size > 0, --voltage > 0 and 0 ≤ --amplitude-contrast < 1")
        microscope = {"defocus_um": args.defocus, "kv": args.voltage, "cs_mm": args.cs, "amplitude_contrast": args.amplitude_contrast, "phase_shift": args.phase_shift,
                      "astigmatism_um": args.astigmatism, "astigmatism_angle": args.astigmatism_angle}
    elif args.tilted_defocus or args.astigmatism:
        ap.error("--tilted-defocus and --astigmatism need --defocus")
    truth, tilts = simulate(args.family, size, angles, args.snr_db, args.seed, args.pixel_size, microscope, args.tilted_defocus)
    os.makedirs(args.out_dir, exist_ok=True)
    noise = "noise-free" if args.snr_db is None else f"snr {args.snr_db:g} dB"
    transfer = "" if microscope is None else f" ctf {args.defocus:g} um{' tilted' if args.tilted_defocus else ''}"
    describe = f"ellipsoids.py {args.family} {'x'.join(map(str, size))} seed {args.seed} {noise}{transfer}"
    write_mrc(os.path.join(args.out_dir, "ground_truth.mrc"), truth, args.pixel_size, f"ground truth: {describe}", stack=False)
    write_mrc(os.path.join(args.out_dir, "tilt_series.mrc"), tilts, args.pixel_size, f"tilt series: {describe}", stack=True)
    with open(os.path.join(args.out_dir, "tilt_series.tlt"), "w") as f:
        f.write(tlt_text(angles))


if __name__ == "__main__":
    main()
