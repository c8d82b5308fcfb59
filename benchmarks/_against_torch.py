"""What the single-layer benchmarks against PyTorch CPU share (``bench_conv.py``,
``bench_pooling.py``, ``bench_norm_pool.py``): PyTorch's passes, the timer and the
command line."""

import argparse
import statistics
import time

import numpy as np
from _report import replace_section

THREADS = 2
"""Threads for PyTorch, as many as skdeep's kernels use on these 2-core machines."""


def channels_first(x, requires_grad=True):
    """A PyTorch tensor of the channels-last maps ``x`` in PyTorch's (N, C, H, W) layout."""
    import torch

    return torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2))).requires_grad_(
        requires_grad)


def autograd_passes(forward, leaves):
    """``(forward, backward)`` as a training step runs them: ``forward`` with autograd on,
    and autograd's backward pass from one forward output (a gradient of ones), the
    ``leaves``' gradients cleared first."""
    import torch

    out = forward()
    dy = torch.ones_like(out)

    def backward():
        for leaf in leaves:
            leaf.grad = None
        out.backward(dy, retain_graph=True)

    return forward, backward


def best_time(function, repeats):
    """The fastest of ``repeats`` calls of ``function``, after one untimed call."""
    function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def interleaved(sides, rounds, repeats):
    """Time each side's (forward, backward) pair, the sides alternating, over ``rounds``.

    Returns the fastest time of each pass per side (ms) and, per pass, the median over
    rounds of the first side's time over the last side's (the anchor, PyTorch)."""
    times = [[[], []] for _ in sides]
    for _ in range(rounds):
        for side, passes in enumerate(sides):
            for step, function in enumerate(passes):
                times[side][step].append(best_time(function, repeats))
    ratios = [statistics.median(ours / theirs for ours, theirs in
                                zip(times[0][step], times[-1][step])) for step in (0, 1)]
    return [[min(t) * 1e3 for t in side] for side in times], ratios


def run(doc, script, section, measure, report, repeats):
    """Parse ``--rounds``, ``--repeats`` and ``--write``, run ``measure(rounds, repeats)``
    with PyTorch on :data:`THREADS` threads, print ``report(rows, rounds)`` and, with
    ``--write``, put it into the Markdown file as the section ``section``."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=repeats)
    parser.add_argument("--write", metavar="MARKDOWN")
    args = parser.parse_args()
    try:
        import torch
    except ImportError:
        raise SystemExit(f"{script} compares against PyTorch CPU: pip install torch") from None
    torch.set_num_threads(THREADS)
    body = report(measure(args.rounds, args.repeats), args.rounds)
    print(body)
    if args.write:
        replace_section(args.write, section, body)
