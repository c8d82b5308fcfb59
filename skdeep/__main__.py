"""python -m skdeep: a demonstration on scikit-learn's digits.

First a grid search over training strategies: activation, optimizer (each at its
customary learning rate) and dropout of an MLPClassifier, 3-fold cross-validated on 1,347
training images, each configuration printed as it finishes, then the held-out accuracy
of the best one. Then a CNNClassifier reads the same digits as 8x8 images and is scored
on the same 450 held-out images.
"""

import argparse
import time
import warnings
from types import SimpleNamespace

import numpy as np
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import ParameterGrid, cross_validate, train_test_split

from . import CNNClassifier, MLPClassifier
from .backends import fit_backend

GRID = {
    "activation": ["relu", "tanh", "elu"],
    "optimizer": ["adam", "nesterov", "rmsprop"],
    "dropout": [0.0, 0.2],
}

HEADER = f"{'activation':<11} {'optimizer':<10} {'dropout':>7} {'CV accuracy':>14} {'fit s':>7}"


def _row(params, scores, fit_seconds):
    score = f"{np.mean(scores):.4f} ± {np.std(scores):.3f}"
    return (f"{params['activation']:<11} {params['optimizer']:<10} {params['dropout']:>7.1f} "
            f"{score:>14} {np.mean(fit_seconds):>7.2f}")


def _parser():
    parser = argparse.ArgumentParser(
        prog="python -m skdeep", description=__doc__.split("\n\n", 1)[1].replace("\n", " "),
    )
    parser.add_argument("--max-iter", type=int, default=100,
                        help="epochs per MLP fit (default 100)")
    parser.add_argument("--n-jobs", type=int, default=1, help="parallel fits (default 1)")
    parser.add_argument("--cnn-epochs", type=int, default=25, help="CNN epochs (default 25)")
    parser.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto",
                        help='where to train (default "auto": a GPU when one is visible)')
    return parser


def main(argv=None):
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        device_name = _device_name(args.device)
    except ValueError as error:  # device="cuda" without a usable GPU: one line, status 2
        parser.exit(2, f"{str(error).splitlines()[0]}\n")

    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X / 16.0, y, test_size=0.25, random_state=0, stratify=y
    )
    model = MLPClassifier(hidden_layer_sizes=(64,), max_iter=args.max_iter, random_state=0,
                          device=args.device)
    grid = list(ParameterGrid(GRID))
    print(f"skdeep demo: {len(X_train)} digits (8x8), 3-fold grid search over {len(grid)} MLP "
          f"configurations (each optimizer at its customary learning rate), training on the "
          f"{device_name}", flush=True)
    _warm_up(model, X_train, y_train, "MLP")
    print(f"\n{HEADER}\n{'-' * len(HEADER)}", flush=True)
    start = time.perf_counter()
    results = {"params": [], "mean_test_score": []}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for params in grid:
            cv = cross_validate(clone(model).set_params(**params), X_train, y_train, cv=3,
                                n_jobs=args.n_jobs)
            print(_row(params, cv["test_score"], cv["fit_time"]), flush=True)
            results["params"].append(params)
            results["mean_test_score"].append(float(np.mean(cv["test_score"])))
        best_params = results["params"][int(np.argmax(results["mean_test_score"]))]
        best = clone(model).set_params(**best_params).fit(X_train, y_train)
    print(f"\nSearch took {time.perf_counter() - start:.1f} s. Best: {best_params}")
    print(f"Held-out accuracy of the best model: {best.score(X_test, y_test):.4f} "
          f"on {len(X_test)} images")
    _cnn_demo(X_train, X_test, y_train, y_test, args.cnn_epochs, args.device)
    return SimpleNamespace(cv_results_=results, best_params_=best_params, best_estimator_=best)


def _device_name(device):
    return "GPU" if fit_backend(device, "python -m skdeep").name == "cuda" else "CPU"


def _warm_up(model, X, y, what):
    """One short fit, so that compiling the kernels (the first run on a machine, or on a
    GPU) is said and timed apart from the fits the table reports."""
    print(f"Preparing the {what} kernels (compiled on the first run, then loaded from "
          "Numba's cache)...", end=" ", flush=True)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clone(model).set_params(max_iter=1).fit(X[:64], y[:64])
    print(f"{time.perf_counter() - start:.1f} s", flush=True)


def _cnn_demo(X_train, X_test, y_train, y_test, epochs, device):
    cnn = CNNClassifier(input_shape=(1, 8, 8), filters=(16, 32), batch_size=32,
                        max_iter=epochs, random_state=0, device=device)
    print(f"\nCNNClassifier on the same digits as 8x8 images: conv 16 - max pool - conv 32 - "
          f"max pool - dense 100, {epochs} epochs")
    _warm_up(cnn, X_train, y_train, "CNN")
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        cnn.fit(X_train, y_train)
    print(f"Fit took {time.perf_counter() - start:.1f} s. Held-out accuracy of the CNN: "
          f"{cnn.score(X_test, y_test):.4f}")


if __name__ == "__main__":
    main()
