"""``python -m skdeep``: a grid search over training strategies on scikit-learn's digits.

Tunes activation, optimizer and dropout of an :class:`~skdeep.MLPClassifier` with 3-fold
``GridSearchCV`` on 1,347 training images, prints every configuration's score and fit time
as a table, then the held-out accuracy of the best one. Then a
:class:`~skdeep.CNNClassifier` reads the same digits as 8x8 images and is scored on the same
held-out set.
"""

import argparse
import time
import warnings

from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, train_test_split

from . import CNNClassifier, MLPClassifier
from .backends import fit_backend

GRID = {
    "activation": ["relu", "tanh", "elu"],
    "optimizer": ["adam", "nesterov", "rmsprop"],
    "dropout": [0.0, 0.2],
}


def _table(results):
    header = f"{'activation':<11} {'optimizer':<10} {'dropout':>7} {'CV accuracy':>14} {'fit s':>7}"
    lines = [header, "-" * len(header)]
    order = sorted(range(len(results["params"])), key=lambda i: results["rank_test_score"][i])
    for i in order:
        p = results["params"][i]
        score = f"{results['mean_test_score'][i]:.4f} ± {results['std_test_score'][i]:.3f}"
        lines.append(
            f"{p['activation']:<11} {p['optimizer']:<10} {p['dropout']:>7.1f} {score:>14} "
            f"{results['mean_fit_time'][i]:>7.2f}"
        )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m skdeep", description=__doc__.splitlines()[0])
    parser.add_argument("--max-iter", type=int, default=100, help="epochs per fit (default 100)")
    parser.add_argument("--n-jobs", type=int, default=1, help="parallel fits (default 1)")
    parser.add_argument("--cnn-epochs", type=int, default=25, help="CNN epochs (default 25)")
    parser.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto",
                        help='where to train (default "auto": a GPU when one is visible)')
    args = parser.parse_args(argv)

    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X / 16.0, y, test_size=0.25, random_state=0, stratify=y
    )
    # learning_rate="auto" (the default): each optimizer at its customary rate, so the grid
    # compares optimizers rather than one learning rate's fit to each of them
    model = MLPClassifier(hidden_layer_sizes=(64,), max_iter=args.max_iter, random_state=0,
                          device=args.device)
    print(f"skdeep demo: {len(X_train)} digits (8x8), 3-fold grid search over "
          f"{len(GRID['activation']) * len(GRID['optimizer']) * len(GRID['dropout'])} "
          f"MLP configurations (each optimizer at its customary learning rate), training on "
          f"the {_device_name(args.device)}\n")
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        search = GridSearchCV(model, GRID, cv=3, n_jobs=args.n_jobs).fit(X_train, y_train)
    print(_table(search.cv_results_))
    print(f"\nSearch took {time.perf_counter() - start:.1f} s. Best: {search.best_params_}")
    print(f"Held-out accuracy of the best model: {search.score(X_test, y_test):.4f} "
          f"on {len(X_test)} images")
    _cnn_demo(X_train, X_test, y_train, y_test, args.cnn_epochs, args.device)
    return search


def _device_name(device):
    return "GPU" if fit_backend(device, "python -m skdeep").name == "cuda" else "CPU"


def _cnn_demo(X_train, X_test, y_train, y_test, epochs, device):
    cnn = CNNClassifier(input_shape=(1, 8, 8), filters=(16, 32), batch_size=32,
                        max_iter=epochs, random_state=0, device=device)
    print(f"\nCNNClassifier on the same digits as 8x8 images: conv 16 - max pool - conv 32 - "
          f"max pool - dense 100, {epochs} epochs\n(the first run on a machine compiles the Numba "
          f"kernels, about half a minute; later runs load them from the disk cache)")
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        cnn.fit(X_train, y_train)
    print(f"Fit took {time.perf_counter() - start:.1f} s. Held-out accuracy of the CNN: "
          f"{cnn.score(X_test, y_test):.4f}")


if __name__ == "__main__":
    main()
