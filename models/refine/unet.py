"""The refinement networks and the missing-wedge operator shared by train.py and its tests.

- RefineUNet: the generator g, a small residual 3-D U-Net (docs/refine.md#the-network-modelsrefineunetpy). Only operators that
  onnxruntime-web's WebGPU backend runs: Conv3d (stride 1 and 2), ReLU, Resize (nearest, ×2), Concat, Add.
  No ConvTranspose3d: upsampling is Resize followed by a 3×3×3 Conv3d. Bias-free, so g(0) = 0 and a scaled
  input gives a scaled output (the engine normalises each tomogram by one mean and std).
- EnergyModel: CryoGEN's E (its appendix A.6): four 3×3×3 Conv3d layers, adaptive average pooling to 1×1×1,
  three fully connected layers with ReLU between them; one logit.
- wedge_mask: the measured side of the wedge cone in the unshifted DFT grid of an n×n×n cube, exactly the
  engine's wedgeMask (src/engine/metrics/fsc.ts, docs/conventions.md#wedge-cone): arrays are [z, y, x]
  (x fastest, as every array of the project), the wedge lives in (kx, kz), extruded along ky (the tilt axis).
  test_wedge.py checks it against a mask the engine wrote.
- rotations: IsoNet's set: the 24 rotations of the cube less those that leave the wedge where it is.
"""
import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

CONE_EPS_DEG = 1e-9  # as inWedgeCone: φ = θmax computed as 60.000…01 still counts


def fft_frequencies(n):
    """numpy's fftfreq: index j of n samples has frequency j/n for j < n/2, (j − n)/n otherwise (cycles/voxel)."""
    return np.fft.fftfreq(n)


def wedge_mask(shape, theta_min, theta_max):
    """1 where the wedge cone [θmin, θmax] (degrees) is measured, for an array of shape (nz, ny, nx), DFT order."""
    nz, ny, nx = shape
    kz = fft_frequencies(nz)[:, None]
    kx = fft_frequencies(nx)[None, :]
    phi = np.degrees(np.arctan2(kz, kx))
    phi = np.where(phi > 90, phi - 180, np.where(phi <= -90, phi + 180, phi))
    xz = (phi >= theta_min - CONE_EPS_DEG) & (phi <= theta_max + CONE_EPS_DEG)
    xz[0, 0] = True  # the ky axis (kx = kz = 0) counts as measured
    return np.broadcast_to(xz[:, None, :], (nz, ny, nx)).astype(np.float32)


def apply_wedge(volumes, masks):
    """T_M: keep only the measured Fourier coefficients of each cube ([B, 1, n, n, n], masks [B, 1, n, n, n])."""
    spectrum = torch.fft.fftn(volumes, dim=(-3, -2, -1))
    return torch.fft.ifftn(spectrum * masks, dim=(-3, -2, -1)).real


def _all_rotations():
    """The 24 proper rotations of a cube as functions on [.., z, y, x] tensors (compositions of rot90)."""
    out = []
    seen = set()
    probe = torch.arange(2 * 3 * 4, dtype=torch.float32).reshape(2, 3, 4)  # distinct extents tell axes apart
    for a in range(4):          # about y: rotates (z, x)
        for b in range(4):      # about x: rotates (z, y)
            for c in range(4):  # about z: rotates (y, x)
                def rot(v, a=a, b=b, c=c):
                    v = torch.rot90(v, a, dims=(-3, -1))
                    v = torch.rot90(v, b, dims=(-3, -2))
                    return torch.rot90(v, c, dims=(-2, -1))

                def inverse(v, a=a, b=b, c=c):
                    v = torch.rot90(v, -c, dims=(-2, -1))
                    v = torch.rot90(v, -b, dims=(-3, -2))
                    return torch.rot90(v, -a, dims=(-3, -1))
                key = tuple(rot(probe).flatten().tolist()) + tuple(rot(probe).shape)
                if key not in seen:
                    seen.add(key)
                    out.append((rot, inverse))
    assert len(out) == 24, len(out)
    return out


def rotations(n, theta_min=-60.0, theta_max=60.0):
    """IsoNet's rotation set for an n-cube: the rotations R with R(wedge) ≠ wedge (20 for a symmetric wedge)."""
    mask = torch.from_numpy(np.fft.fftshift(wedge_mask((n + 1, n + 1, n + 1), theta_min, theta_max)))
    # An odd grid, centred, so that a rotation of the array is a rotation of the frequencies.
    return [(r, i) for r, i in _all_rotations() if not torch.equal(r(mask), mask)]


def _conv(cin, cout, stride=1):
    return nn.Conv3d(cin, cout, 3, stride=stride, padding=1, bias=False)


class RefineUNet(nn.Module):
    """Residual 3-D U-Net, depth 2: x + f(x). Channels c, 2c, 4c; cube sides must be multiples of 4."""

    def __init__(self, channels=8):
        super().__init__()
        c = channels
        self.enc1 = nn.Sequential(_conv(1, c), nn.ReLU(), _conv(c, c), nn.ReLU())
        self.enc2 = nn.Sequential(_conv(c, 2 * c, 2), nn.ReLU(), _conv(2 * c, 2 * c), nn.ReLU())
        self.bottom = nn.Sequential(_conv(2 * c, 4 * c, 2), nn.ReLU(), _conv(4 * c, 4 * c), nn.ReLU())
        self.up2 = nn.Sequential(_conv(4 * c, 2 * c), nn.ReLU())
        self.dec2 = nn.Sequential(_conv(4 * c, 2 * c), nn.ReLU())
        self.up1 = nn.Sequential(_conv(2 * c, c), nn.ReLU())
        self.dec1 = nn.Sequential(_conv(2 * c, c), nn.ReLU())
        self.head = nn.Conv3d(c, 1, 1, bias=False)

    def forward(self, x):
        e1 = self.enc1(x)
        e2 = self.enc2(e1)
        b = self.bottom(e2)
        d2 = self.dec2(torch.cat([self.up2(F.interpolate(b, scale_factor=2, mode="nearest")), e2], 1))
        d1 = self.dec1(torch.cat([self.up1(F.interpolate(d2, scale_factor=2, mode="nearest")), e1], 1))
        return x + self.head(d1)


def macs_per_voxel(model):
    """Multiply–accumulates per output voxel: each Conv3d's weights count once per voxel of its output grid."""
    # Voxels of the full grid per voxel of each block's output grid: enc2's and bottom's first convs have stride 2.
    grid = {"enc1": 1, "enc2": 8, "bottom": 64, "up2": 8, "dec2": 8, "up1": 1, "dec1": 1, "head": 1}
    return sum(m.weight.numel() / grid[name.split(".")[0]] for name, m in model.named_modules() if isinstance(m, nn.Conv3d))


class EnergyModel(nn.Module):
    """E: four 3×3×3 Conv3d (the last three with stride 2), adaptive average pooling, three FC layers; one logit."""

    def __init__(self, channels=8):
        super().__init__()
        c = channels
        self.features = nn.Sequential(
            nn.Conv3d(1, c, 3, padding=1), nn.LeakyReLU(0.2),
            nn.Conv3d(c, 2 * c, 3, stride=2, padding=1), nn.LeakyReLU(0.2),
            nn.Conv3d(2 * c, 4 * c, 3, stride=2, padding=1), nn.LeakyReLU(0.2),
            nn.Conv3d(4 * c, 4 * c, 3, stride=2, padding=1), nn.LeakyReLU(0.2),
            nn.AdaptiveAvgPool3d(1),
        )
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(4 * c, 4 * c), nn.ReLU(), nn.Linear(4 * c, 2 * c), nn.ReLU(), nn.Linear(2 * c, 1))

    def forward(self, x):
        return self.head(self.features(x))


def parameter_count(model):
    return int(sum(p.numel() for p in model.parameters()))


def seconds_for(voxels, macs, tmacs_per_second=5.0, overlap=1.95):
    """Rough inference time: voxels × MACs × the overlap factor of the cubes, at a sustained rate in TMAC/s."""
    return voxels * macs * overlap / (tmacs_per_second * 1e12)


__all__ = ["RefineUNet", "EnergyModel", "wedge_mask", "apply_wedge", "rotations", "macs_per_voxel", "parameter_count", "seconds_for"]
