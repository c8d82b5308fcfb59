"""Max pooling kernels against PyTorch CPU: forward and backward at batch 128.

The shapes are the pooling layers of the presets: 2x2 at stride 2 (LeNet-5, VGG, the
32/64 network; its own kernel), 3x3 at stride 2 (AlexNet's and GoogLeNet's overlapping
pooling) and 3x3 at stride 1 with padding 1 (GoogLeNet's pool branch; both 3x3 with
their own kernel), and a 5x5 window (the general kernel). skdeep's maps are channels-last,
PyTorch's channels-first (its default, as in ``bench_cnn.py``); each side times its own
layout, with the positions of the maxima that its backward pass uses. Timings alternate
between the two in one process (2 threads each) and each ratio is the median over rounds.

    python benchmarks/bench_pooling.py --write docs/benchmarks.md
"""


import numpy as np
from _against_torch import autograd_passes, channels_first, interleaved, run

from skdeep.backends import CPU
from skdeep.ops.cpu.threads import kernel_threads

BATCH = 128
CASES = [  # (height = width, channels, window, stride, padding)
    (28, 6, 2, 2, 0),
    (28, 32, 2, 2, 0),
    (28, 64, 3, 2, 1),
    (14, 128, 3, 2, 1),
    (28, 48, 3, 1, 1),
    (14, 96, 3, 1, 1),
    (12, 16, 5, 1, 2),
]


def out_size(size, window, stride, padding):
    return (size + 2 * padding - window) // stride + 1


def skdeep_pass(x, window, stride, padding):
    """Forward and backward of skdeep's max pooling on channels-last maps."""
    size = out_size(x.shape[1], window, stride, padding)
    pool, step, pad = (window, window), (stride, stride), (padding, padding)

    def forward():
        return CPU.max_pool2d(x, pool, step, (size, size), pad)

    out, index = forward()
    dy = np.ones_like(out)

    def backward():
        return CPU.pool2d_backward_from_index(dy, index, x.shape, pool, step, pad)

    return forward, backward


def torch_pass(x, window, stride, padding):
    """The same with PyTorch on channels-first maps, as a training step runs it: the
    forward pass with autograd on (which records the positions), autograd's backward."""
    import torch

    xt = channels_first(x)

    def forward():  # as in training: autograd keeps the positions for backward
        return torch.nn.functional.max_pool2d(xt, window, stride, padding)

    return autograd_passes(forward, (xt,))


def measure(rounds, repeats):
    rng = np.random.default_rng(0)
    rows = []
    with kernel_threads():
        for size, channels, window, stride, padding in CASES:
            x = rng.standard_normal((BATCH, size, size, channels)).astype(np.float32)
            ours = skdeep_pass(x, window, stride, padding)
            theirs = torch_pass(x, window, stride, padding)
            times, ratios = interleaved((ours, theirs), rounds, repeats)
            rows.append(((size, channels, window, stride, padding), *times, ratios))
            print(rows[-1], flush=True)
    return rows


def report(rows, rounds):
    lines = [
        f"Max pooling at batch {BATCH}, float32, 2 threads each; skdeep on channels-last "
        "maps, PyTorch CPU on channels-first (its default), its forward pass with autograd "
        "on as in training; both record the positions of the maxima, and backward routes a "
        "gradient of ones to them. Fastest of "
        f"{rounds} interleaved rounds (ms); ratio: median of the per-round ratios. "
        "Measured with `python benchmarks/bench_pooling.py`.",
        "",
        "| maps (H x W x C) | window, stride, padding | skdeep forward / backward (ms) "
        "| PyTorch forward / backward (ms) | ratio forward / backward |",
        "|---|---|---|---|---|",
    ]
    for (size, channels, window, stride, padding), ours, theirs, ratios in rows:
        lines.append(
            f"| {size} x {size} x {channels} | {window}x{window}, {stride}, {padding} "
            f"| {ours[0]:.2f} / {ours[1]:.2f} | {theirs[0]:.2f} / {theirs[1]:.2f} "
            f"| **{ratios[0]:.2f}** / **{ratios[1]:.2f}** |")
    return "\n".join(lines)


def main():
    run(__doc__, "bench_pooling.py", "Max pooling against PyTorch CPU", measure, report,
        repeats=10)


if __name__ == "__main__":
    main()
