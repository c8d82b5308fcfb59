"""Fashion-MNIST from the files of Debian's ``dataset-fashion-mnist`` package (or a copy)."""

import os

import numpy as np

from skdeep.datasets._idx import load_idx

DEFAULT_DATA_HOME = "/usr/share/datasets/fashion-mnist"

_FILES = {
    "X_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "X_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}


def load_fashion_mnist(data_home=None):
    """Load Fashion-MNIST (60,000 training and 10,000 test images of clothing, 28x28 grey).

    Nothing is downloaded: the four idx files (plain or ``.gz``) are read from
    ``data_home``. On Debian and Ubuntu, ``apt-get install dataset-fashion-mnist``
    puts them in the default directory; elsewhere, copy the files published at
    https://github.com/zalandoresearch/fashion-mnist into a directory and pass it.

    Parameters
    ----------
    data_home : str or os.PathLike, default=None
        The directory holding the files. ``None`` means
        ``/usr/share/datasets/fashion-mnist``.

    Returns
    -------
    X_train : ndarray of shape (60000, 784), dtype uint8
        Training images, one row of 28 x 28 pixel values (0 to 255) per image.
        Scale them (``X / 255``) before fitting; a CNN reads the rows as images
        with ``input_shape=(1, 28, 28)``.
    y_train : ndarray of shape (60000,), dtype int64
        Training labels, 0 to 9 (T-shirt/top, trouser, pullover, dress, coat,
        sandal, shirt, sneaker, bag, ankle boot).
    X_test : ndarray of shape (10000, 784), dtype uint8
        Test images.
    y_test : ndarray of shape (10000,), dtype int64
        Test labels.

    Raises
    ------
    FileNotFoundError
        If a file is missing; the message says how to get the files.

    Examples
    --------
    >>> from skdeep.datasets import load_fashion_mnist
    >>> X_train, y_train, X_test, y_test = load_fashion_mnist()  # doctest: +SKIP
    """
    directory = os.fspath(DEFAULT_DATA_HOME if data_home is None else data_home)
    arrays = {name: load_idx(_find(directory, stem)) for name, stem in _FILES.items()}
    for part in ("train", "test"):
        images, labels = arrays[f"X_{part}"], arrays[f"y_{part}"]
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
            raise ValueError(
                f"The {part} files in {directory!r} do not match: images of shape "
                f"{images.shape} and labels of shape {labels.shape}."
            )
        arrays[f"X_{part}"] = images.reshape(len(images), -1)
        arrays[f"y_{part}"] = labels.astype(np.int64)
    return arrays["X_train"], arrays["y_train"], arrays["X_test"], arrays["y_test"]


def _find(directory, stem):
    for name in (stem, stem + ".gz"):
        path = os.path.join(directory, name)
        if os.path.isfile(path):
            return path
    raise FileNotFoundError(
        f"Fashion-MNIST's file {stem!r} (or {stem + '.gz'!r}) is not in {directory!r}. "
        "Nothing is downloaded: on Debian or Ubuntu run `apt-get install "
        "dataset-fashion-mnist` (it installs the files in /usr/share/datasets/fashion-mnist); "
        "elsewhere copy the four idx files from https://github.com/zalandoresearch/fashion-mnist "
        "into a directory and pass it as data_home."
    )
