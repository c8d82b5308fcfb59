"""Fashion-MNIST at full size: skdeep against PyTorch CPU (CNN) and scikit-learn (MLP).

60,000 training and 10,000 test images, 28x28, float32 in [0, 1], from Debian's
``dataset-fashion-mnist`` (``skdeep.datasets.load_fashion_mnist``; nothing is downloaded).

- CNN: conv 32 (3x3, same) - BN - max pool 2 - conv 64 (3x3, same) - BN - max pool 2 -
  dense 128 - dropout 0.5 - 10, Adam 1e-3, batch 128, one epoch; skdeep and PyTorch CPU
  (the networks of ``bench_cnn.py`` (b)); then predicting the 10,000 test images.
- MLP: (256, 128), ReLU, Adam 1e-3, batch 128, 5 epochs, no penalty, no early stopping;
  skdeep and scikit-learn.

Each system runs in a process of its own (so its peak memory, from ``getrusage``, is its
own: data, model and workspace), and the systems are interleaved over several rounds. These
machines swing by a third from run to run: the fastest round of each system counts.

    apt-get install dataset-fashion-mnist
    pip install -e ".[bench]" torch==2.13.0
    python benchmarks/bench_fashion.py --rounds 2 --write docs/benchmarks.md
"""

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
import warnings

import numpy as np
from _report import replace_section
from _summary import refresh_summary

SYSTEMS = {  # name: (workload, anchor of the workload's ratio or None for skdeep)
    "skdeep CNN": "cnn",
    "PyTorch CPU CNN": "cnn",
    "skdeep MLP": "mlp",
    "scikit-learn MLP": "mlp",
}
WORKLOADS = {
    "cnn": ("CNN 32/64, batch norm, dropout, 1 epoch", 1, "skdeep CNN", "PyTorch CPU CNN"),
    "mlp": ("MLP (256, 128), 5 epochs", 5, "skdeep MLP", "scikit-learn MLP"),
}
BATCH = 128
CHART = "img/fashion_mnist.png"


def load_data():
    from skdeep.datasets import load_fashion_mnist

    X_train, y_train, X_test, y_test = load_fashion_mnist()
    X_train, X_test = X_train.astype(np.float32), X_test.astype(np.float32)
    X_train /= 255  # in place: no float64 copy inflates anyone's peak memory
    X_test /= 255
    return X_train, y_train, X_test, y_test


def peak_megabytes():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def run_skdeep_cnn(X_train, y_train, X_test, y_test):
    from bench_cnn import NETWORKS, skdeep_model

    spec = dict(NETWORKS["b"], epochs=1)
    skdeep_model(spec, 0).fit(X_train[:256], y_train[:256])  # load the cached kernels
    model = skdeep_model(spec, 0)
    _, fit_seconds = timed(model.fit, X_train, y_train)
    predicted, predict_seconds = timed(model.predict, X_test)
    return fit_seconds, predict_seconds, float(np.mean(predicted == y_test))


def run_torch_cnn(X_train, y_train, X_test, y_test):
    import torch
    from _networks import NETWORKS, torch_model

    spec = dict(NETWORKS["b"], epochs=1)
    model = torch_model(spec, 0)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(0)
    images = torch.from_numpy(X_train.reshape(-1, 1, 28, 28))
    labels = torch.from_numpy(y_train)

    def fit():
        model.train()
        order = torch.randperm(len(images), generator=generator)
        for start in range(0, len(images), BATCH):
            batch = order[start:start + BATCH]
            optimizer.zero_grad()
            loss_fn(model(images[batch]), labels[batch]).backward()
            optimizer.step()

    def predict():
        model.eval()
        test = torch.from_numpy(X_test.reshape(-1, 1, 28, 28))
        with torch.no_grad():
            return torch.cat([model(test[i:i + 1000]).argmax(1)
                              for i in range(0, len(test), 1000)]).numpy()

    _, fit_seconds = timed(fit)
    predicted, predict_seconds = timed(predict)
    return fit_seconds, predict_seconds, float(np.mean(predicted == y_test))


def run_mlp(make_model, X_train, y_train, X_test, y_test):
    model = make_model()
    _, fit_seconds = timed(model.fit, X_train, y_train)
    predicted, predict_seconds = timed(model.predict, X_test)
    return fit_seconds, predict_seconds, float(np.mean(predicted == y_test))


def skdeep_mlp():
    from skdeep import MLPClassifier

    return MLPClassifier((256, 128), optimizer="adam", learning_rate=1e-3, batch_size=BATCH,
                         max_iter=5, n_iter_no_change=6, random_state=0)


def sklearn_mlp():
    from sklearn.neural_network import MLPClassifier

    return MLPClassifier((256, 128), solver="adam", learning_rate_init=1e-3, alpha=0.0,
                         batch_size=BATCH, max_iter=5, n_iter_no_change=6, random_state=0)


RUNNERS = {
    "skdeep CNN": run_skdeep_cnn,
    "PyTorch CPU CNN": run_torch_cnn,
    "skdeep MLP": lambda *data: run_mlp(skdeep_mlp, *data),
    "scikit-learn MLP": lambda *data: run_mlp(sklearn_mlp, *data),
}


def worker(system):
    """Run one system in this process and print its measurements as JSON."""
    warnings.simplefilter("ignore")
    fit_seconds, predict_seconds, accuracy = RUNNERS[system](*load_data())
    print(json.dumps({"fit": fit_seconds, "predict": predict_seconds, "accuracy": accuracy,
                      "peak_mb": peak_megabytes()}))


def measure(system):
    out = subprocess.run([sys.executable, __file__, "--worker", system], check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def have_torch():
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def fastest_rounds(systems, rounds):
    results = {system: [] for system in systems}
    for round_index in range(rounds):
        for system in systems:
            result = measure(system)
            results[system].append(result)
            print(f"round {round_index}: {system:18s} fit {result['fit']:6.1f} s  predict "
                  f"{result['predict']:5.2f} s  accuracy {result['accuracy']:.4f}  peak "
                  f"{result['peak_mb']:5.0f} MB", flush=True)
    return {system: min(values, key=lambda r: r["fit"]) for system, values in results.items()}


def report(best, rounds):
    lines = [f"60,000 training / 10,000 test images, float32; each system in its own process, "
             f"{rounds} interleaved rounds, the fastest round of each; peak memory is the "
             f"process's peak RSS: each holds the same 219 MB of float32 data (read with "
             f"`skdeep.datasets`, which imports NumPy alone) and imports only its own system "
             f"(the PyTorch process no scikit-learn or Numba, the scikit-learn process no "
             f"Numba). Machine: "
             f"{platform.machine()}, measured with "
             f"`python benchmarks/bench_fashion.py --rounds {rounds}`."]
    for title, epochs, ours, anchor in WORKLOADS.values():
        if ours not in best or anchor not in best:
            continue
        lines += ["", f"### {title}", "",
                  "| system | fit time per epoch (s) | predict 10,000 (s) | test accuracy | "
                  "peak memory (MB) |", "|---|---|---|---|---|"]
        for system in (ours, anchor):
            r = best[system]
            lines.append(f"| {system} | {r['fit'] / epochs:.1f} | {r['predict']:.2f} | "
                         f"{r['accuracy']:.4f} | {r['peak_mb']:.0f} |")
        anchor_name = anchor.rsplit(" ", 1)[0]
        lines += ["", f"Ratio skdeep / {anchor_name} fit time (fastest round each): "
                      f"**{best[ours]['fit'] / best[anchor]['fit']:.2f}**; peak memory "
                      f"{best[ours]['peak_mb'] / best[anchor]['peak_mb']:.2f}x."]
    lines += ["", f"![Time per epoch and peak memory on Fashion-MNIST]({CHART})"]
    return "\n".join(lines)


def draw_chart(best, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    systems = list(best)
    epochs = {system: WORKLOADS[SYSTEMS[system]][1] for system in systems}
    colors = ["C0" if system.startswith("skdeep") else "C7" for system in systems]
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.2), sharey=True)
    left.barh(systems, [best[s]["fit"] / epochs[s] for s in systems], color=colors)
    left.set_xlabel("fit time per epoch (s)")
    right.barh(systems, [best[s]["peak_mb"] for s in systems], color=colors)
    right.set_xlabel("peak memory (MB)")
    left.invert_yaxis()
    fig.suptitle("Fashion-MNIST, 60,000 images (lower is better)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--write", metavar="MARKDOWN")
    parser.add_argument("--worker", choices=list(SYSTEMS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker)
    load_data()  # fail early, with the message saying how to get the data
    systems = [s for s in SYSTEMS if have_torch() or not s.startswith("PyTorch")]
    best = fastest_rounds(systems, args.rounds)
    text = report(best, args.rounds)
    print(text)
    if args.write:
        import pathlib

        draw_chart(best, pathlib.Path(args.write).parent / CHART)
        replace_section(args.write, "Fashion-MNIST at full size", text)
        refresh_summary(args.write)


if __name__ == "__main__":
    main()
