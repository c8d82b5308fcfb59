"""The architecture presets on Fashion-MNIST: parameters, time per epoch, test accuracy.

Each preset with its defaults (width, depth) and its canonical head, trained with Adam
(learning rate 1e-3, batch 128) on the first 10,000 training images for two epochs, then
scored on the 10,000 test images. One process, one run: a table of what each family costs
and reaches at equal budget, not a race (see ``bench_cnn.py`` for timings against PyTorch).

    apt-get install dataset-fashion-mnist
    python benchmarks/bench_presets.py --write docs/benchmarks.md
"""

import argparse
import time
import warnings

import numpy as np
from _report import replace_section
from sklearn.exceptions import ConvergenceWarning

from skdeep import CNNClassifier
from skdeep.datasets import load_fashion_mnist

PRESETS = {
    "LeNet-5": dict(architecture="lenet5", hidden_layer_sizes=(120, 84), activation="tanh"),
    "AlexNet (small)": dict(architecture="alexnet", hidden_layer_sizes=(256, 256),
                            dropout=0.5),
    "VGG-11": dict(architecture="vgg", depth=11, hidden_layer_sizes=()),
    "GoogLeNet (9 modules, auxiliary classifiers)": dict(architecture="inception",
                                                         hidden_layer_sizes=()),
    "ResNet-20": dict(architecture="resnet", depth=20, hidden_layer_sizes=()),
    "DenseNet-BC-40, k = 12": dict(architecture="densenet", depth=40, hidden_layer_sizes=()),
    "DPN (6 blocks)": dict(architecture="dpn", hidden_layer_sizes=()),
}


def parameter_count(model):
    return int(model.summary().splitlines()[-1].split(":")[1].replace(",", ""))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=int, default=10_000)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--write", metavar="MARKDOWN")
    args = parser.parse_args()
    warnings.simplefilter("ignore", ConvergenceWarning)
    X_train, y_train, X_test, y_test = load_fashion_mnist()
    X_train = (X_train[:args.train] / 255).astype(np.float32).reshape(-1, 1, 28, 28)
    X_test = (X_test / 255).astype(np.float32).reshape(-1, 1, 28, 28)
    y_train = y_train[:args.train]
    rows = ["| preset | parameters | time per epoch (s) | test accuracy |", "|---|---|---|---|"]
    for name, params in PRESETS.items():
        model = CNNClassifier(batch_size=128, learning_rate=1e-3, max_iter=args.epochs,
                              n_iter_no_change=args.epochs + 1, random_state=0, **params)
        model.fit(X_train[:256], y_train[:256])  # load the kernels before timing
        start = time.perf_counter()
        model.fit(X_train, y_train)
        per_epoch = (time.perf_counter() - start) / args.epochs
        row = (f"| {name} | {parameter_count(model):,} | {per_epoch:.1f} | "
               f"{model.score(X_test, y_test):.4f} |")
        print(row, flush=True)
        rows.append(row)
    text = "\n".join([
        f"Fashion-MNIST, the first {args.train:,} training images, {args.epochs} epochs, "
        "Adam 1e-3, batch 128, each preset with its default width and depth and its "
        "canonical head; test accuracy on the 10,000 test images. One run on a 2-core CPU "
        f"(`python benchmarks/bench_presets.py`). Two epochs on 10,000 images is early "
        "training: the table says how fast each family learns for its cost, not where it "
        "ends. GoogLeNet's count includes its two auxiliary classifiers (about 0.28M "
        "parameters that train but never predict).", "", *rows])
    print(text)
    if args.write:
        replace_section(args.write, "Presets on Fashion-MNIST", text)


if __name__ == "__main__":
    main()
