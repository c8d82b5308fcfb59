"""Tiled matrix products on the GPU, with loaders that make them implicit GEMMs.

One kernel shape serves every product of the training step: ``C[m, n] = sum_k A[m, k] *
B[k, n]`` where ``A`` and ``B`` are read through *loader* device functions. A plain
loader reads a row-major matrix, a transposed one reads its transpose, and the im2col
loader reads the unfolded patches of a channels-last image without building them, so a
convolution is a GEMM whose ``A`` never exists in memory (an implicit GEMM).

Each block computes a ``block_m x block_n`` tile of ``C`` (:class:`Tiles`): it stages
``block_k``-deep slices of ``A`` and ``B`` in shared memory, and each of its threads
accumulates a register tile (a ``cuda.local.array`` indexed by constants once the loops
unroll). The ``k`` range can be split over ``blockIdx.z`` (split-K, for weight
gradients whose ``k`` runs over every pixel of the batch); partial tiles are then summed
by :func:`sum_partials` in a fixed order, so results never depend on scheduling (no
atomics anywhere).
"""

import functools
from typing import NamedTuple

import numba
import numpy as np
from numba import cuda

from .arrays import blocks, empty, threads_for
from .support import simulated


class Tiles(NamedTuple):
    """Tile sizes of the GEMM kernel; ``block_m == threads * thread_m`` (same for n)."""

    block_m: int
    block_n: int
    block_k: int
    thread_m: int
    thread_n: int
    threads: int
    """The block is threads x threads."""


GPU_TILES = Tiles(64, 64, 8, 4, 4, 16)
SIMULATOR_TILES = Tiles(32, 16, 16, 8, 4, 4)
"""The same kernel with small tiles: the simulator runs one Python thread per GPU thread."""


def default_tiles():
    return SIMULATOR_TILES if simulated() else GPU_TILES


SPLIT_K_MIN = 2048
"""Split the k range only when each part keeps at least this many terms."""
SPLIT_K_MAX = 64


class PatchGeometry(NamedTuple):
    """Where the im2col loaders find a patch: the output size, kernel, stride and the
    top/left padding of a convolution."""

    out_h: int
    out_w: int
    kernel_h: int
    kernel_w: int
    stride_h: int
    stride_w: int
    top: int
    left: int


@cuda.jit(device=True, inline="always")
def load_rows(a, i, j, geo):
    """A row-major matrix: ``a[i, j]``."""
    return a[i, j]


@cuda.jit(device=True, inline="always")
def load_transposed(a, i, j, geo):
    """The transpose of a row-major matrix: ``a[j, i]``."""
    return a[j, i]


@cuda.jit(device=True, inline="always")
def load_transposed_ones(a, i, j, geo):
    """``a.T`` with a last row of ones (``i == a.shape[1]``): a bias gradient rides along."""
    if i == a.shape[1]:
        return 1.0
    return a[j, i]


@cuda.jit(device=True, inline="always")
def load_patches(x, m, k, geo):
    """Row ``m`` (an output pixel), column ``k`` (a (kh, kw, c) tap) of im2col(x).

    ``x`` is (N, H, W, C); ``geo`` a :class:`PatchGeometry`. Taps that fall on the zero
    padding read 0.
    """
    out_h, out_w, kernel_h, kernel_w, stride_h, stride_w, top, left = geo
    channels = x.shape[3]
    n = m // (out_h * out_w)
    pixel = m - n * out_h * out_w
    oh = pixel // out_w
    ow = pixel - oh * out_w
    tap = k // channels
    c = k - tap * channels
    kh = tap // kernel_w
    kw = tap - kh * kernel_w
    ih = oh * stride_h - top + kh
    iw = ow * stride_w - left + kw
    if ih < 0 or ih >= x.shape[1] or iw < 0 or iw >= x.shape[2]:
        return 0.0
    return x[n, ih, iw, c]


@cuda.jit(device=True, inline="always")
def load_patches_transposed_ones(x, k, m, geo):
    """im2col(x) transposed, with a last row of ones (the bias gradient's)."""
    if k == geo.kernel_h * geo.kernel_w * x.shape[3]:
        return 1.0
    return load_patches(x, m, k, geo)


@cuda.jit(device=True, inline="always")
def load_flipped_weights(w, k, c, geo):
    """Row ``k`` = (kh, kw, f), column ``c`` of the weights turned around for the input
    gradient of a stride-1 convolution: ``W[(KH-1-kh, KW-1-kw, c), f]``.

    ``w`` is (KH * KW * C, F); ``geo`` a :class:`PatchGeometry`.
    """
    kernel_h, kernel_w = geo.kernel_h, geo.kernel_w
    filters = w.shape[1]
    channels = w.shape[0] // (kernel_h * kernel_w)
    tap = k // filters
    f = k - tap * filters
    kh = tap // kernel_w
    kw = tap - kh * kernel_w
    return w[((kernel_h - 1 - kh) * kernel_w + kernel_w - 1 - kw) * channels + c, f]


@cuda.jit(device=True, inline="always")
def store(out, extra, m, n, value):
    out[m, n] = value


@cuda.jit(device=True, inline="always")
def store_plus_bias(out, extra, m, n, value):
    out[m, n] = value + extra[n]


@cuda.jit(device=True, inline="always")
def store_partial(out, extra, m, n, value):
    out[cuda.blockIdx.z, m, n] = value


@functools.cache
def gemm_kernel(load_a, load_b, epilogue, dtype, tiles):
    """The tiled kernel for one pair of loaders, one epilogue and one dtype.

    Launch: grid ``(ceil(M / block_m), ceil(N / block_n), splits)``, block
    ``(threads, threads)``; arguments ``(a, b, out, extra, m_size, n_size,
    k_size, k_chunk, geo)``, block ``z`` covering ``k`` in ``[z * k_chunk, (z + 1) *
    k_chunk)``.
    """
    item = numba.from_dtype(np.dtype(dtype))
    BLOCK_M, BLOCK_N, BLOCK_K, THREAD_M, THREAD_N, TILE_THREADS = tiles
    threads = TILE_THREADS * TILE_THREADS

    @cuda.jit
    def kernel(a, b, out, extra, m_size, n_size, k_size, k_chunk, geo):
        tx = cuda.threadIdx.x
        ty = cuda.threadIdx.y
        tid = ty * TILE_THREADS + tx
        row0 = cuda.blockIdx.x * BLOCK_M  # x: the long axis (up to 2**31 - 1 blocks)
        col0 = cuda.blockIdx.y * BLOCK_N
        k_begin = cuda.blockIdx.z * k_chunk
        k_end = min(k_begin + k_chunk, k_size)
        a_tile = cuda.shared.array((BLOCK_K, BLOCK_M), item)
        b_tile = cuda.shared.array((BLOCK_K, BLOCK_N), item)
        acc = cuda.local.array((THREAD_M, THREAD_N), item)
        a_reg = cuda.local.array(THREAD_M, item)
        b_reg = cuda.local.array(THREAD_N, item)
        for i in range(THREAD_M):
            for j in range(THREAD_N):
                acc[i, j] = 0.0
        for k0 in range(k_begin, k_end, BLOCK_K):
            for e in range(tid, BLOCK_M * BLOCK_K, threads):
                mm = e // BLOCK_K
                kk = e - mm * BLOCK_K
                m = row0 + mm
                k = k0 + kk
                value = item(0.0)
                if m < m_size and k < k_end:
                    value = load_a(a, m, k, geo)
                a_tile[kk, mm] = value
            for e in range(tid, BLOCK_K * BLOCK_N, threads):
                kk = e // BLOCK_N
                nn = e - kk * BLOCK_N
                n = col0 + nn
                k = k0 + kk
                value = item(0.0)
                if n < n_size and k < k_end:
                    value = load_b(b, k, n, geo)
                b_tile[kk, nn] = value
            cuda.syncthreads()
            for kk in range(BLOCK_K):
                # Thread (ty, tx) owns rows ty + i * TILE_THREADS and columns tx + j *
                # TILE_THREADS: a warp's reads hit distinct shared-memory banks.
                for i in range(THREAD_M):
                    a_reg[i] = a_tile[kk, ty + i * TILE_THREADS]
                for j in range(THREAD_N):
                    b_reg[j] = b_tile[kk, tx + j * TILE_THREADS]
                for i in range(THREAD_M):
                    for j in range(THREAD_N):
                        acc[i, j] += a_reg[i] * b_reg[j]
            cuda.syncthreads()
        for i in range(THREAD_M):
            m = row0 + ty + i * TILE_THREADS
            for j in range(THREAD_N):
                n = col0 + tx + j * TILE_THREADS
                if m < m_size and n < n_size:
                    epilogue(out, extra, m, n, acc[i, j])

    return kernel


def _grid(tiles, m_size, n_size, splits=1):
    return (-(-m_size // tiles.block_m), -(-n_size // tiles.block_n), splits)


def gemm(load_a, a, load_b, b, out, m_size, n_size, k_size, geo=(0,), bias=None, tiles=None):
    """``out[:m_size, :n_size] = A @ B (+ bias)`` through the given loaders, in one launch."""
    tiles = tiles or default_tiles()
    epilogue = store if bias is None else store_plus_bias
    extra = out if bias is None else bias
    kernel = gemm_kernel(load_a, load_b, epilogue, out.dtype, tiles)
    kernel[_grid(tiles, m_size, n_size), (tiles.threads, tiles.threads)](
        a, b, out, extra, m_size, n_size, k_size, max(k_size, 1), geo)


def split_count(k_size, output_tiles, min_part=SPLIT_K_MIN):
    """How many parts to split a long ``k`` range into, for enough blocks to fill a GPU."""
    wanted = max(1, 128 // max(output_tiles, 1))
    return int(max(1, min(SPLIT_K_MAX, wanted, k_size // min_part)))


def gemm_split_k(load_a, a, load_b, b, m_size, n_size, k_size, geo, dtype, tiles=None,
                 min_part=SPLIT_K_MIN):
    """``A @ B`` as split-K partial products: returns partials of shape (splits, M, N),
    each part summing at least ``min_part`` terms."""
    tiles = tiles or default_tiles()
    grid = _grid(tiles, m_size, n_size)
    splits = split_count(k_size, grid[0] * grid[1], min_part)
    chunk = -(-k_size // splits)
    chunk = -(-chunk // tiles.block_k) * tiles.block_k
    splits = max(1, -(-k_size // chunk))
    partials = empty((splits, m_size, n_size), dtype)
    kernel = gemm_kernel(load_a, load_b, store_partial, partials.dtype, tiles)
    kernel[grid[:2] + (splits,), (tiles.threads, tiles.threads)](
        a, b, partials, partials, m_size, n_size, k_size, chunk, geo)
    return partials


@cuda.jit
def _sum_partials(partials, weights, bias):
    """Rows ``< weights.shape[0]`` of the summed partials to ``weights``, the last to ``bias``."""
    i = cuda.grid(1)
    rows, cols = partials.shape[1], partials.shape[2]
    if i >= rows * cols:
        return
    m = i // cols
    n = i - m * cols
    total = partials[0, m, n]
    for s in range(1, partials.shape[0]):
        total += partials[s, m, n]
    if m < weights.shape[0]:
        weights[m, n] = total
    else:
        bias[n] = total


def sum_partials(partials, weights, bias):
    """Sum split-K partials in order into ``weights`` (and a trailing bias row)."""
    size = partials.shape[1] * partials.shape[2]
    _sum_partials[blocks(size), threads_for(size)](partials, weights, bias)
