"""Convolution layers against PyTorch CPU: forward and backward at batch 128.

The shapes are layers of the networks ``bench_cnn.py`` times: ResNet-20's (its first
layer on grey 28x28 images, the 16- and 32-channel stages, the strided 16 -> 32 layer,
the 64-channel stage), LeNet-5's layers and those of the 32/64 network. skdeep runs each
layer as a fit does (its direct kernels for up to 8, 16 and 32 filters where they apply,
im2col + BLAS elsewhere, see ``skdeep/ops/cpu/conv_direct.py``) and, for comparison,
always through im2col + BLAS; PyTorch CPU on channels-first maps (its default), its
forward pass with autograd on, its backward pass computing the same gradients (weights,
bias, and the input's where a layer needs it: not for a first layer). Timings alternate
between the three in one process (2 threads each); each ratio is the median over rounds
of skdeep's time (as a fit runs it) over PyTorch's.

    python benchmarks/bench_conv.py --write docs/benchmarks.md
"""


import numpy as np
from _against_torch import autograd_passes, channels_first, interleaved, run

from skdeep.ops.cpu import conv
from skdeep.ops.cpu.threads import kernel_threads
from skdeep.ops.shapes import conv_geometry

BATCH = 128
CASES = [  # (name, height = width, channels, filters, kernel, stride, input gradient)
    ("ResNet-20, first layer", 28, 1, 16, 3, 1, False),
    ("ResNet-20, 16 channels", 28, 16, 16, 3, 1, True),
    ("ResNet-20, 16 -> 32, stride 2", 28, 16, 32, 3, 2, True),
    ("ResNet-20, 32 channels", 14, 32, 32, 3, 1, True),
    ("ResNet-20, 64 channels", 7, 64, 64, 3, 1, True),
    ("LeNet-5, first layer", 28, 1, 6, 5, 1, False),
    ("LeNet-5, second layer", 14, 6, 16, 5, 1, True),
    ("(b), first layer", 28, 1, 32, 3, 1, False),
    ("(b), second layer", 14, 32, 64, 3, 1, True),
]


def skdeep_passes(x, wmat, bias, kernel, stride, need_dx, method):
    """Forward and backward of one layer on channels-last maps; ``method`` None picks the
    kernels a fit uses."""
    geometry = conv_geometry(x.shape[1:3], (kernel, kernel), (stride, stride), kernel // 2)
    args = ((kernel, kernel), (stride, stride), geometry)
    dy = np.ones((len(x), geometry[0], geometry[1], wmat.shape[1]), dtype=x.dtype)

    def forward():
        return conv.conv2d(x, wmat, bias, *args, method=method)

    def backward():
        return conv.conv2d_backward(dy, x, wmat, *args, need_dx=need_dx, method=method)

    return forward, backward


def torch_passes(x, wmat, bias, kernel, stride, need_dx):
    """The same with PyTorch on channels-first maps, as a training step runs it."""
    import torch

    channels, filters = x.shape[3], wmat.shape[1]
    xt = channels_first(x, need_dx)
    weights = wmat.reshape(kernel, kernel, channels, filters).transpose(3, 2, 0, 1)
    wt = torch.from_numpy(np.ascontiguousarray(weights)).requires_grad_()
    bt = torch.from_numpy(bias.copy()).requires_grad_()

    def forward():
        return torch.nn.functional.conv2d(xt, wt, bt, stride, kernel // 2)

    return autograd_passes(forward, (xt, wt, bt))


def measure(rounds, repeats):
    rng = np.random.default_rng(0)
    rows = []
    with kernel_threads():
        for name, size, channels, filters, kernel, stride, need_dx in CASES:
            x = rng.standard_normal((BATCH, size, size, channels)).astype(np.float32)
            wmat = (rng.standard_normal((kernel * kernel * channels, filters)) * 0.1
                    ).astype(np.float32)
            bias = np.zeros(filters, dtype=np.float32)
            sides = [skdeep_passes(x, wmat, bias, kernel, stride, need_dx, None),
                     skdeep_passes(x, wmat, bias, kernel, stride, need_dx, "gemm"),
                     torch_passes(x, wmat, bias, kernel, stride, need_dx)]
            times, ratios = interleaved(sides, rounds, repeats)
            rows.append((name, (size, channels, filters, kernel, stride), times, ratios))
            print(rows[-1], flush=True)
    return rows


def report(rows, rounds):
    lines = [
        f"One convolution layer at batch {BATCH}, float32, 2 threads each, padding "
        "kernel // 2; backward computes the weight and bias gradients, and the input's except "
        "for first layers. skdeep as a fit runs it (direct kernels for up to 8, 16 and 32 "
        "filters on rows of 12+ outputs, im2col + BLAS elsewhere) and always through "
        "im2col + BLAS; "
        "PyTorch CPU on channels-first maps with autograd. Fastest of "
        f"{rounds} interleaved rounds (ms); ratio: median of the per-round ratios of skdeep "
        "(as a fit runs it) to PyTorch. Measured with `python benchmarks/bench_conv.py`.",
        "",
        "| layer | maps, kernel, stride | skdeep forward / backward (ms) "
        "| skdeep im2col + BLAS (ms) | PyTorch (ms) | ratio forward / backward |",
        "|---|---|---|---|---|---|",
    ]
    for name, (size, channels, filters, kernel, stride), times, ratios in rows:
        ours, im2col, theirs = (f"{f:.2f} / {b:.2f}" for f, b in times)
        lines.append(
            f"| {name} | {size}x{size}, {channels} -> {filters}, {kernel}x{kernel}, {stride} "
            f"| {ours} | {im2col} | {theirs} | **{ratios[0]:.2f}** / **{ratios[1]:.2f}** |")
    return "\n".join(lines)


def main():
    run(__doc__, "bench_conv.py", "Convolution layers against PyTorch CPU", measure, report,
        repeats=5)


if __name__ == "__main__":
    main()
