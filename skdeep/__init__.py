"""skdeep: scikit-learn-native deep learning.

MLP and CNN classifiers and regressors whose training strategies are plain
hyperparameters; convolution and pooling kernels in :mod:`skdeep.ops`.

The estimators and :mod:`skdeep.ops` are imported on first use (``from skdeep import
MLPClassifier`` imports scikit-learn and Numba then), so ``import skdeep.datasets`` reads
data with NumPy alone.
"""

import importlib

__all__ = [
    "CNNClassifier", "CNNRegressor", "DivergenceError", "MLPClassifier", "MLPRegressor", "ops",
]
__version__ = "0.1.0"

_HOMES = {  # public name: the module that defines it
    "CNNClassifier": "._cnn",
    "CNNRegressor": "._cnn",
    "DivergenceError": "._base",
    "MLPClassifier": "._mlp",
    "MLPRegressor": "._mlp",
    "ops": ".ops",
}


def __getattr__(name):
    if name not in _HOMES:
        raise AttributeError(f"module 'skdeep' has no attribute {name!r}")
    module = importlib.import_module(_HOMES[name], __name__)
    value = module if name == "ops" else getattr(module, name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
