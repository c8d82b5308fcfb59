"""skdeep: scikit-learn-native deep learning.

MLP (and, later, CNN) classifiers and regressors whose training strategies are plain
hyperparameters.
"""

from ._base import DivergenceError
from ._mlp import MLPClassifier, MLPRegressor

__all__ = ["DivergenceError", "MLPClassifier", "MLPRegressor"]
__version__ = "0.1.0"
