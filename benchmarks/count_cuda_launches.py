"""Kernel launches and host-device copies of a GPU training step, counted under Numba's CUDA
simulator (no GPU needed; nothing is timed).

At the sizes of networks (a) and (b) a GPU step is bound by launches, so their number per
step is the design's first cost. The networks here have the structure of bench_cnn.py's (a)
and (b) (the same layers, so the same launches) on 8x8 images with 2 channels per conv
layer, so that the simulator finishes: launches do not depend on sizes.

    python benchmarks/count_cuda_launches.py [--write docs/performance-notes.md]
"""

import argparse
import os

os.environ["NUMBA_ENABLE_CUDASIM"] = "1"  # before numba.cuda is imported

import warnings  # noqa: E402

import numpy as np  # noqa: E402
from _report import replace_section  # noqa: E402
from numba import cuda  # noqa: E402
from numba.cuda.simulator.kernel import FakeCUDAKernel  # noqa: E402

from skdeep import CNNClassifier  # noqa: E402

NETWORKS = {
    "(a) LeNet-5": dict(filters=(2, 2), kernel_size=5, hidden_layer_sizes=(4, 3)),
    "(b) conv + batch norm + dropout": dict(filters=(2, 2), kernel_size=3, batch_norm=True,
                                            hidden_layer_sizes=(4,), dropout=0.5),
}


class Counter:
    def __init__(self):
        self.launches = self.to_device = self.to_host = 0

    def __enter__(self):
        self._getitem = FakeCUDAKernel.__getitem__
        self._to_device = cuda.to_device
        array_type = type(cuda.device_array(1))
        self._array_type, self._to_host = array_type, array_type.copy_to_host
        counter = self

        def getitem(kernel, configuration):
            counter.launches += 1
            return counter._getitem(kernel, configuration)

        def to_device(*args, **kwargs):
            counter.to_device += 1
            return counter._to_device(*args, **kwargs)

        def to_host(array, *args, **kwargs):
            counter.to_host += 1
            return counter._to_host(array, *args, **kwargs)

        FakeCUDAKernel.__getitem__ = getitem
        cuda.to_device = to_device
        array_type.copy_to_host = to_host
        return self

    def __exit__(self, *exc):
        FakeCUDAKernel.__getitem__ = self._getitem
        cuda.to_device = self._to_device
        self._array_type.copy_to_host = self._to_host


def count(params, n_batches, X, y):
    model = CNNClassifier(input_shape=(1, 8, 8), optimizer="adam", batch_size=len(X) // n_batches,
                          max_iter=1, random_state=0, device="cuda", shuffle=True, **params)
    with Counter() as counter:
        model.fit(X, y)
    return counter


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", metavar="MARKDOWN")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((8, 64)), np.arange(8) % 3
    CNNClassifier(input_shape=(1, 8, 8), filters=(2,), max_iter=1, device="cuda").fit(X, y)
    lines = ["| network | launches per step | copies per step | other launches, one-epoch fit "
             "| copies, one-epoch fit |", "|---|---|---|---|---|"]
    for title, params in NETWORKS.items():
        two, four = count(params, 2, X, y), count(params, 4, X, y)
        per_step = (four.launches - two.launches) / 2
        copies_per_step = (four.to_device + four.to_host - two.to_device - two.to_host) / 2
        fixed = two.launches - 2 * per_step
        print(f"{title}: {per_step:.0f} launches per step, {copies_per_step:.0f} copies per "
              f"step; one-epoch fit: {fixed:.0f} more launches, {two.to_device} uploads, "
              f"{two.to_host} downloads")
        lines.append(f"| {title} | {per_step:.0f} | {copies_per_step:.0f} | {fixed:.0f} | "
                     f"{two.to_device} up, {two.to_host} down |")
    if args.write:
        body = ("Counted, not timed: Numba's CUDA simulator runs the GPU code path and counts "
                "every kernel launch and every copy between host and device during a one-epoch "
                "fit with 2 and with 4 batches (their difference is per step). Networks with the "
                "layers of (a) and (b) above, Adam. A step's launches: every layer's forward and "
                "backward kernels, the loss and its sum, the epoch total, one fused optimizer "
                "update. Copies per fit: the data, the epoch's shuffled order and the weights go "
                "up; the epoch's loss, the weights and statistics come back at the end. Measured "
                "with `python benchmarks/count_cuda_launches.py`.\n\n" + "\n".join(lines))
        replace_section(args.write, "GPU step, counted under the simulator", body)


if __name__ == "__main__":
    main()
