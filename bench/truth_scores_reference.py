"""Scores of a result against a ground truth with numpy and scikit-image: the timing reference of `npm run bench
--only truth` (WedgeLab's src/engine/metrics/truthScores.ts on the same work).

Written from docs/conventions.md#metrics, not from WedgeLab's code: the least-squares affine fit of the result to the
truth, the PSNR with L = max(truth) - min(truth), scikit-image's 3-D SSIM (Gaussian window, sigma 1.5, population
covariances, data range L), the PSNR's error split by the wedge cone with numpy's 3-D FFT (Parseval), and the FSC
over shells round(|k| n_max), whole and on either side of the cone (the measured-region curves are left out).

Usage:
  python3 truth_scores_reference.py time NX NY NZ     best of three timings on a random pair, as JSON
"""
import sys

import numpy as np
from skimage.metrics import structural_similarity


def cone(shape, theta_min, theta_max):
    """True where the direction of (kx, kz) lies within [theta_min, theta_max] degrees (the kx = kz = 0 line too)."""
    nz, _, nx = shape
    fz = np.fft.fftfreq(nz)[:, None]
    fx = np.fft.fftfreq(nx)[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        phi = np.where(fx == 0, np.where(fz == 0, 0.0, 90.0), np.degrees(np.arctan(fz / np.where(fx == 0, 1, fx))))
    phi = np.where(phi == -90, 90, phi)
    return ((phi >= theta_min) & (phi <= theta_max))[:, None, :]


def scores(x, g, theta_min=-60.0, theta_max=60.0):
    x = x.astype(np.float64)
    g = g.astype(np.float64)
    alpha, beta = np.polyfit(x.ravel(), g.ravel(), 1)
    xp = alpha * x + beta
    L = g.max() - g.min()
    residual = xp - g
    psnr = 10 * np.log10(L * L / np.mean(residual**2))
    ssim = structural_similarity(g, xp, gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=L)
    power = np.abs(np.fft.fftn(residual)) ** 2
    inside = np.broadcast_to(cone(g.shape, theta_min, theta_max), g.shape)
    n2 = g.size**2
    psnr_sides = [10 * np.log10(L * L / (power[side].sum() / n2)) for side in (inside, ~inside)]
    fa, fb = np.fft.fftn(x), np.fft.fftn(g)
    axes = np.meshgrid(*[np.fft.fftfreq(n) for n in g.shape], indexing="ij")
    n_max = max(g.shape)
    shell = np.rint(np.sqrt(sum(a * a for a in axes)) * n_max).astype(np.int64)
    keep = shell <= n_max // 2
    curves = []
    for region in (keep, keep & inside, keep & ~inside):
        s = shell[region]
        num = np.bincount(s, (fa[region] * np.conj(fb[region])).real)
        den = np.sqrt(np.bincount(s, np.abs(fa[region]) ** 2) * np.bincount(s, np.abs(fb[region]) ** 2))
        curves.append(np.divide(num, den, out=np.zeros_like(num), where=den > 0))
    return psnr, psnr_sides, ssim, curves


if __name__ == "__main__":
    from reference_timing import print_best_of_three

    nx, ny, nz = (int(a) for a in sys.argv[2:5])
    rng = np.random.default_rng(0)
    truth = rng.standard_normal((nz, ny, nx)).astype(np.float32)
    result = (2 * truth + rng.standard_normal((nz, ny, nx))).astype(np.float32)
    print_best_of_three(lambda: scores(result, truth))
