"""Data sets that do not ship with scikit-learn, read from local files (nothing is downloaded)."""

from skdeep.datasets._fashion_mnist import load_fashion_mnist
from skdeep.datasets._idx import load_idx

__all__ = ["load_fashion_mnist", "load_idx"]
