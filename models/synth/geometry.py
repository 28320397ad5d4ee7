"""The engine's projector pair in torch, differentiable, for the latent back-projection network (train.py).

Exactly the discretisation of src/engine/geometry.ts and src/engine/reference/projector.ts
(docs/conventions.md#projector-pair): index i of an axis of n samples sits at the centred coordinate
c = i − (n − 1)/2; a voxel at centred (x, z) lands at the fractional detector index
t = x·cos θ + z·sin θ + (nDet − 1)/2; back-projection samples each detector row at t by linear interpolation
(zero outside the row), forward projection is its exact transpose (hat weight max(0, 1 − |t − i|)). Rows along
the tilt axis (y) are independent, so the operator is one matrix A[k, d, z, x] shared by every row and channel,
built in float32 like the GPU builds t. test_geometry.py checks both directions against the engine's kernels.

Layouts (PyTorch order, slowest first): tilts [..., K, ny, nDet] (K tilts), volumes [..., nz, ny, nx];
leading dimensions (batch, channels) are independent volumes.
"""
import torch


def projector_matrix(angles_deg, nx, nz, n_det=None, dtype=torch.float32):
    """A[k, d, z, x]: the weight of voxel column (x, z) in detector pixel d of tilt k; angles in degrees."""
    n_det = nx if n_det is None else n_det
    angles = torch.as_tensor(angles_deg, dtype=torch.float64) * (torch.pi / 180)
    # cos and sin in float64 then rounded, as tiltTrig does (Math.cos into a Float32Array).
    cos, sin = torch.cos(angles).to(dtype), torch.sin(angles).to(dtype)
    xc = torch.arange(nx, dtype=dtype) - (nx - 1) / 2
    zc = torch.arange(nz, dtype=dtype) - (nz - 1) / 2
    # t[k, z, x] = x·cos θ + z·sin θ + (nDet − 1)/2, in float32 as the kernels compute it.
    t = (xc[None, None, :] * cos[:, None, None] + zc[None, :, None] * sin[:, None, None]) + (n_det - 1) / 2
    i0 = torch.floor(t)
    w1 = t - i0
    i0 = i0.long()
    K = angles.numel()
    A = torch.zeros(K, n_det + 2, nz, nx, dtype=dtype)  # two guard pixels (−1 and nDet) absorb what falls outside
    for index, weight in ((i0, 1 - w1), (i0 + 1, w1)):
        slot = (index.clamp(-1, n_det) + 1)[:, None]  # [K, 1, nz, nx]
        A.scatter_add_(1, slot, weight[:, None])
    return A[:, 1:-1]


def back_project(tilts, A, weight=1.0):
    """weight · Aᵀ tilts: tilts [..., K, ny, nDet] → volume [..., nz, ny, nx]."""
    return weight * torch.einsum("...kyd,kdzx->...zyx", tilts, A)


def forward_project(volume, A, weight=1.0):
    """weight · A volume: volume [..., nz, ny, nx] → tilts [..., K, ny, nDet]."""
    return weight * torch.einsum("...zyx,kdzx->...kyd", volume, A)
