"""skdeep: scikit-learn-native deep learning.

MLP and CNN classifiers and regressors whose training strategies are plain
hyperparameters; convolution and pooling kernels in :mod:`skdeep.ops`.
"""

from . import ops
from ._base import DivergenceError
from ._cnn import CNNClassifier, CNNRegressor
from ._mlp import MLPClassifier, MLPRegressor

__all__ = [
    "CNNClassifier", "CNNRegressor", "DivergenceError", "MLPClassifier", "MLPRegressor", "ops",
]
__version__ = "0.1.0"
