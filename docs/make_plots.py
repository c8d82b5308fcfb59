"""Draw the user guide's plots from real training runs.

    pip install -e ".[docs]"
    python docs/make_plots.py

Writes PNG files to docs/img/.
"""

import pathlib
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.metrics import log_loss  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

from skdeep import CNNClassifier, MLPClassifier  # noqa: E402
from skdeep.nn import ForwardContext, Network  # noqa: E402
from skdeep.nn.architectures import dense_stack  # noqa: E402
from skdeep.nn.initializers import resolve_initializer  # noqa: E402
from skdeep.nn.layers import Augment, Dense  # noqa: E402
from skdeep.ops.cpu.masks import row_keys  # noqa: E402

IMG = pathlib.Path(__file__).parent / "img"


def _finish(fig, ax, xlabel, ylabel, title, filename, fontsize=None):
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=fontsize)
    fig.tight_layout()
    fig.savefig(IMG / filename, dpi=110)


def digits():
    X, y = load_digits(return_X_y=True)
    return train_test_split(X / 16.0, y, test_size=0.3, random_state=0, stratify=y)


def gradient_norms_per_layer(activation, X, y, depth=8, width=32):
    """Norm of each dense layer's weight gradient at initialization, input to output."""
    layers = dense_stack(X.shape[1], (width,) * depth, 10, activation=activation)
    network = Network(layers, "softmax_cross_entropy", np.float64)
    network.initialize(resolve_initializer("auto", activation), np.random.default_rng(0))
    Y = np.eye(10)[y]
    network.loss_and_gradient(X, Y, None, ForwardContext(training=True))
    return [np.linalg.norm(layer.dW) for layer in layers if isinstance(layer, Dense)]


def plot_vanishing_gradients(X, y):
    fig, ax = plt.subplots(figsize=(6, 3.6))
    for activation in ["sigmoid", "tanh", "relu", "elu"]:
        norms = gradient_norms_per_layer(activation, X, y)
        ax.semilogy(range(1, len(norms) + 1), norms, marker="o", label=activation)
    _finish(fig, ax, "dense layer (1 = next to the input)", "‖∂loss/∂W‖ at initialization",
            "Gradient size per layer, 8 hidden layers of 32 units", "vanishing_gradients.png")


def plot_optimizers(X, y):
    settings = {
        "sgd": 0.1, "momentum": 0.01, "nesterov": 0.01, "adagrad": 0.01,
        "adadelta": 1.0, "rmsprop": 0.001, "adam": 0.001,
    }
    fig, ax = plt.subplots(figsize=(6, 3.6))
    for optimizer, lr in settings.items():
        extra = {"epsilon": 1e-6} if optimizer == "adadelta" else {}
        model = MLPClassifier((64, 64), optimizer=optimizer, learning_rate=lr, max_iter=40,
                              batch_size=64, n_iter_no_change=100, random_state=0, **extra)
        model.fit(X, y)
        ax.semilogy(model.loss_curve_, label=f"{optimizer} (lr={lr:g})")
    _finish(fig, ax, "epoch", "training loss", "Optimizers on digits, MLP (64, 64)",
            "optimizers.png", fontsize=8)


def plot_batch_norm(X, y):
    """Training loss of a deep network with and without batch normalization."""
    fig, ax = plt.subplots(figsize=(6, 3.6))
    for activation, batch_norm, style in [("sigmoid", False, "C0--"), ("sigmoid", True, "C0-"),
                                          ("relu", False, "C2--"), ("relu", True, "C2-")]:
        model = MLPClassifier((32,) * 8, activation=activation, batch_norm=batch_norm,
                              learning_rate=3e-3, max_iter=30, n_iter_no_change=100,
                              random_state=0).fit(X, y)
        label = f"{activation}{' + batch norm' if batch_norm else ''}"
        ax.semilogy(model.loss_curve_, style, label=label)
    _finish(fig, ax, "epoch", "training loss", "8 hidden layers of 32 units on digits",
            "batch_norm.png", fontsize=8)


def plot_regularization(X_train, X_test, y_train, y_test):
    """Test log-loss along training on 100 images, with and without regularization."""
    X_small, y_small = X_train[:100], y_train[:100]
    configs = {"no regularization": {}, "dropout 0.5": {"dropout": 0.5},
               "L2 5e-3": {"l2": 5e-3}, "L1 1e-3": {"l1": 1e-3}}
    fig, ax = plt.subplots(figsize=(6, 3.6))
    for (label, params), color in zip(configs.items(), ["C0", "C1", "C2", "C3"]):
        model = MLPClassifier((256, 256), learning_rate=3e-3, random_state=0, **params)
        test_loss = []
        for _ in range(150):
            model.partial_fit(X_small, y_small, classes=np.arange(10))
            test_loss.append(log_loss(y_test, model.predict_proba(X_test), labels=np.arange(10)))
        ax.plot(test_loss, color=color, label=f"{label}: test accuracy "
                f"{model.score(X_test, y_test):.3f}")
    ax.set_ylim(0, 1.5)
    _finish(fig, ax, "epoch (100 training images)", "test log-loss",
            "Overfitting and regularization, MLP (256, 256)", "regularization.png", fontsize=8)


def plot_augmentation(X):
    """One digit and what "shift_flip" augmentation makes of it in six epochs."""
    image = X[:1].reshape(1, 8, 8, 1)
    layer = Augment("shift_flip", layer_id=0)
    fig, axes = plt.subplots(1, 7, figsize=(7, 1.4))
    keys = row_keys(image, 0)
    views = [image] + [layer.forward(image, ForwardContext(training=True, row_keys=keys,
                                                           seed=0, epoch=epoch))
                       for epoch in range(6)]
    for index, (ax, view) in enumerate(zip(axes, views)):
        ax.imshow(view[0, :, :, 0], cmap="gray_r", vmin=0, vmax=1)
        ax.set_title("original" if index == 0 else f"epoch {index}", fontsize=8)
        ax.axis("off")
    fig.tight_layout()
    fig.savefig(IMG / "augmentation.png", dpi=110)


def plot_cnn_against_mlp(X_train, X_test, y_train, y_test):
    """Test accuracy along training on 300 digits: an MLP, and CNNs with each pooling."""
    X_small, y_small = X_train[:300], y_train[:300]
    cnn = dict(input_shape=(1, 8, 8), filters=(16, 32), batch_size=32, random_state=0)
    models = {
        "MLP (100,)": MLPClassifier((100,), batch_size=32, random_state=0),
        "CNN, max pooling": CNNClassifier(**cnn),
        "CNN, average pooling": CNNClassifier(pooling="avg", **cnn),
        "CNN, stochastic pooling": CNNClassifier(pooling="stochastic", **cnn),
        "CNN, max pooling + shift": CNNClassifier(augment="shift", **cnn),
    }
    fig, ax = plt.subplots(figsize=(8, 3.8))
    lowest = 1.0
    for label, model in models.items():
        accuracy = []
        for _ in range(30):
            model.partial_fit(X_small, y_small, classes=np.arange(10))
            accuracy.append(model.score(X_test, y_test))
        lowest = min(lowest, min(accuracy))
        ax.plot(range(1, 31), accuracy, label=f"{label}: {accuracy[-1]:.3f}")
    ax.set_ylim(max(0.0, lowest - 0.02), 1.0)  # every curve in view, from its first epoch
    ax.set_xlabel("epoch (300 training images)")
    ax.set_ylabel("test accuracy")
    ax.set_title("Convolutions, pooling and augmentation on digits")
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.02, 0.5))  # beside the curves
    fig.tight_layout()
    fig.savefig(IMG / "cnn_pooling.png", dpi=110)


def main():
    IMG.mkdir(exist_ok=True)
    warnings.simplefilter("ignore", ConvergenceWarning)
    X_train, X_test, y_train, y_test = digits()
    plot_vanishing_gradients(X_train[:500], y_train[:500])
    plot_optimizers(X_train, y_train)
    plot_batch_norm(X_train, y_train)
    plot_regularization(X_train, X_test, y_train, y_test)
    plot_augmentation(X_train)
    plot_cnn_against_mlp(X_train, X_test, y_train, y_test)
    print(f"wrote {sorted(p.name for p in IMG.glob('*.png'))}")


if __name__ == "__main__":
    main()
