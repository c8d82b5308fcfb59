"""Batch norm followed by 2x2 max pooling against PyTorch CPU: forward and backward at
batch 128, training mode.

The two pairs of the 32/64 network (``bench_cnn.py`` (b), ``bench_fashion.py``'s CNN), and
LeNet-5-sized maps with 6 channels, where one operation is slower than two (its channel
loops are shorter than their vectors): networks fuse the pair from 16 channels on. skdeep
runs the pair as one operation (``batch_norm_max_pool_forward`` / ``_backward``, what a
fit runs since the layers are fused) and as its two layers' operations one after the
other; PyTorch runs
``batch_norm`` then ``max_pool2d`` with autograd on channels-first maps. Timings alternate
in one process (2 threads each); each ratio (fused skdeep against PyTorch) is the median
over rounds.

    python benchmarks/bench_norm_pool.py --write docs/benchmarks.md
"""


import numpy as np
from _against_torch import autograd_passes, channels_first, interleaved, run

from skdeep.backends import CPU
from skdeep.ops.cpu.threads import kernel_threads

BATCH = 128
CASES = [(28, 32), (14, 64), (28, 6)]  # (height = width, channels)


def _statistics(channels):
    rng = np.random.default_rng(1)
    return (rng.standard_normal((2, channels)).astype(np.float32),
            np.zeros(channels, np.float32), np.ones(channels, np.float32))


def skdeep_fused(x):
    (gamma, beta), mean, var = _statistics(x.shape[3])
    fraction = np.full(len(x), 1.0 / len(x))
    positions = x.shape[1] * x.shape[2]

    def forward():
        return CPU.batch_norm_max_pool_forward(x, fraction, positions, gamma, beta, 1e-5, mean,
                                               var, 0.1)

    out, cache = forward()
    dy, grads = np.ones_like(out), np.empty((2, x.shape[3]), np.float32)
    return forward, lambda: CPU.batch_norm_max_pool_backward(dy, cache, gamma, *grads)


def skdeep_separate(x):
    (gamma, beta), mean, var = _statistics(x.shape[3])
    fraction = np.full(len(x), 1.0 / len(x))
    rows, out_hw = x.reshape(-1, x.shape[3]), (x.shape[1] // 2, x.shape[2] // 2)

    def forward():
        normalized, cache = CPU.batch_norm_forward(rows, fraction, x.shape[1] * x.shape[2],
                                                   gamma, beta, 1e-5, mean, var, 0.1)
        return CPU.max_pool2d(normalized.reshape(x.shape), (2, 2), (2, 2), out_hw), cache

    (out, index), cache = forward()
    dy, grads = np.ones_like(out), np.empty((2, x.shape[3]), np.float32)

    def backward():
        routed = CPU.pool2d_backward_from_index(dy, index, x.shape, (2, 2), (2, 2))
        return CPU.batch_norm_backward(routed.reshape(rows.shape), cache, gamma, *grads)

    return forward, backward


def torch_pass(x):
    import torch

    xt = channels_first(x)
    norm = torch.nn.BatchNorm2d(x.shape[3])

    def forward():
        return torch.nn.functional.max_pool2d(norm(xt), 2)

    return autograd_passes(forward, (xt,))


def measure(rounds, repeats):
    rng = np.random.default_rng(0)
    rows = []
    with kernel_threads():
        for size, channels in CASES:
            x = rng.standard_normal((BATCH, size, size, channels)).astype(np.float32)
            sides = (skdeep_fused(x), skdeep_separate(x), torch_pass(x))
            times, ratios = interleaved(sides, rounds, repeats)
            rows.append(((size, channels), times, ratios))
            print(rows[-1], flush=True)
    return rows


def report(rows, rounds):
    lines = [
        f"Batch norm (training mode) then 2x2 max pooling at batch {BATCH}, float32, 2 "
        "threads each; skdeep on channels-last maps as one operation (what a fit runs) and "
        "as two, PyTorch CPU on channels-first maps with autograd; backward routes a "
        f"gradient of ones. Fastest of {rounds} interleaved rounds (ms); ratio: median of "
        "the per-round ratios of skdeep's one operation to PyTorch. Networks fuse the pair "
        "from 16 channels and 8x8 maps on: the 6-channel row shows why (the one operation's "
        "channel loops are shorter than its vectors). Measured with "
        "`python benchmarks/bench_norm_pool.py`.",
        "",
        "| maps (H x W x C) | skdeep, one operation: forward / backward (ms) "
        "| skdeep, two: forward / backward (ms) | PyTorch forward / backward (ms) "
        "| ratio forward / backward |",
        "|---|---|---|---|---|",
    ]
    for (size, channels), (fused, separate, theirs), ratios in rows:
        lines.append(
            f"| {size} x {size} x {channels} | {fused[0]:.2f} / {fused[1]:.2f} "
            f"| {separate[0]:.2f} / {separate[1]:.2f} | {theirs[0]:.2f} / {theirs[1]:.2f} "
            f"| **{ratios[0]:.2f}** / **{ratios[1]:.2f}** |")
    return "\n".join(lines)


def main():
    run(__doc__, "bench_norm_pool.py", "Batch norm and max pooling against PyTorch CPU",
        measure, report, repeats=10)


if __name__ == "__main__":
    main()
