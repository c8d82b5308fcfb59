"""Layers: each keeps its forward and backward rules side by side."""

from .activation import Activation
from .augment import Augment
from .auxiliary import AuxiliaryFork, AuxiliaryOutput, inference_layers
from .base import Layer, ParamSpec
from .batch_norm import BatchNorm
from .branches import BranchFork, BranchMerge, BranchSwitch, grow_dense_blocks
from .conv import Conv2D
from .dense import Dense
from .dropout import Dropout
from .maxout import Maxout
from .pooling import AvgPool2D, MaxPool2D, Pool2D, StochasticPool2D
from .reshape import Flatten
from .residual import ResidualAdd, ResidualFork
from .spatial_dropout import SpatialDropout

__all__ = [
    "Activation", "Augment", "AuxiliaryFork", "AuxiliaryOutput", "AvgPool2D", "BatchNorm",
    "BranchFork", "BranchMerge",
    "BranchSwitch", "Conv2D", "Dense", "Dropout",
    "Flatten", "Layer", "MaxPool2D", "Maxout", "ParamSpec", "Pool2D", "ResidualAdd",
    "ResidualFork", "SpatialDropout", "StochasticPool2D", "grow_dense_blocks",
    "inference_layers",
]
