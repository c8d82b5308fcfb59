"""Layers: each keeps its forward and backward rules side by side."""

from .activation import Activation
from .base import Layer, ParamSpec
from .batch_norm import BatchNorm
from .dense import Dense
from .dropout import Dropout
from .maxout import Maxout

__all__ = ["Activation", "BatchNorm", "Dense", "Dropout", "Layer", "Maxout", "ParamSpec"]
