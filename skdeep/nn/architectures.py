"""Layer stacks the estimators assemble from their hyperparameters."""

import numpy as np

from .layers import (
    Activation,
    Augment,
    AvgPool2D,
    BatchNorm,
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    Maxout,
    MaxPool2D,
    ResidualAdd,
    ResidualFork,
    SpatialDropout,
    StochasticPool2D,
)
from .specs import build_layers

MAXOUT_PIECES = 2


def dense_stack(n_in, hidden_layer_sizes, n_out, *, activation, batch_norm=False,
                dropout=0.0, dropconnect=0.0, first_layer_id=0):
    """Hidden dense layers followed by a linear output layer.

    Each hidden layer is ``Dense -> [BatchNorm] -> activation -> [Dropout]``. With
    ``activation="maxout"`` a hidden layer of ``units`` computes ``MAXOUT_PIECES * units``
    linear pieces and keeps the maximum of each group. DropConnect applies to hidden dense
    layers only; the output layer is never dropped.

    Parameters
    ----------
    n_in : int
        Input width.
    hidden_layer_sizes : tuple of int
    n_out : int
        Output width (raw outputs: the loss applies the link).
    activation : str
    batch_norm : bool
    dropout, dropconnect : float
    first_layer_id : int
        Id of the first layer: ids key the random masks of each layer.

    Returns
    -------
    layers : list of Layer
    """
    pieces = MAXOUT_PIECES if activation == "maxout" else 1
    layers = []
    layer_id = first_layer_id
    for units in hidden_layer_sizes:
        layers.append(Dense(n_in, units * pieces, dropconnect, layer_id, bias=not batch_norm))
        if batch_norm:
            layers.append(BatchNorm(units * pieces))
        layers.append(Maxout(pieces) if pieces > 1 else Activation(activation))
        if dropout:
            layers.append(Dropout(dropout, layer_id))
        n_in = units
        layer_id += 1
    layers.append(Dense(n_in, n_out, 0.0, layer_id))
    return layers


AUGMENT_LAYER_ID = 1_000_003
"""Mask-stream id of the augmentation layer (apart from every block's and dense layer's)."""


def conv_stack(in_shape, filters, kernel_sizes, strides, *, padding, pooling, pool_size,
               activation, batch_norm=False, spatial_dropout=0.0, residual=False,
               augment=None):
    """Convolution blocks, then a flatten: the feature extractor of a CNN.

    Each block is ``Conv2D -> [BatchNorm] -> activation -> [+ shortcut] -> [pooling]
    -> [SpatialDropout]`` (with max pooling and an element-wise activation, which all are
    non-decreasing, the activation runs after the pooling: the same function and
    gradient on a quarter of the values); with ``residual`` the block computes ``x + F(x)`` (the
    shortcut a 1x1 projection when the channel count changes). Maps are channels-last.
    An axis of length 1 (the height of a 1-D signal, or a map pooled down to one pixel)
    gets kernel, stride and pool size 1 along it.

    Parameters
    ----------
    in_shape : (H, W, C)
    filters, kernel_sizes, strides : tuple of int, one entry per block
    padding : "same", "valid" or int
    pooling : {"max", "avg", "stochastic"} or None
    pool_size : int
    activation : str
    batch_norm : bool
    spatial_dropout : float
    residual : bool
    augment : {"shift", "flip", "shift_flip"} or None

    Returns
    -------
    layers : list of Layer
    n_out : int
        Width of the flattened output.

    Raises
    ------
    ValueError
        When a kernel does not fit its (padded) input or a pooling window its map; the
        message names the block, the hyperparameter and the sizes.
    """
    pieces = MAXOUT_PIECES if activation == "maxout" else 1
    layers = [Augment(augment, AUGMENT_LAYER_ID)] if augment else []
    shape = tuple(in_shape)
    for block, (n_filters, kernel, stride) in enumerate(zip(filters, kernel_sizes, strides)):
        kernel_hw, stride_hw = _along_long_axes(shape, kernel), _along_long_axes(shape, stride)
        try:
            conv = Conv2D(shape, n_filters * pieces, kernel_hw, stride_hw,
                          _padding(shape, padding), bias=not batch_norm)
        except ValueError as error:
            raise ValueError(f"Conv block {block + 1} (kernel_size={kernel}, "
                             f"padding={padding!r}, input {shape[0]}x{shape[1]}): "
                             f"{error}") from None
        fork = ResidualFork() if residual else None
        layers += [fork, conv] if residual else [conv]
        if batch_norm:
            layers.append(BatchNorm(n_filters * pieces))
        nonlinearity = Maxout(pieces) if pieces > 1 else Activation(activation)
        shape = conv.out_shape[:2] + (n_filters,)
        # max(act(x)) == act(max(x)) for a non-decreasing element-wise act, gradients
        # included: pooling first applies the activation to a quarter of the values.
        pool_first = pooling == "max" and pieces == 1 and not residual
        if not pool_first:
            layers.append(nonlinearity)
        if residual:
            layers.append(ResidualAdd(fork, conv.in_shape, shape, stride_hw, conv.centre_offset))
        if pooling is not None:
            pool = _make_pool(pooling, shape, _along_long_axes(shape, pool_size), block)
            layers.append(pool)
            shape = pool.out_shape
        if pool_first:
            layers.append(nonlinearity)
        if spatial_dropout:
            layers.append(SpatialDropout(spatial_dropout, block))
    layers.append(Flatten())
    return layers, int(np.prod(shape))


def _along_long_axes(shape, size):
    """``(size, size)``, with 1 along an axis of length 1."""
    return tuple(1 if length == 1 else size for length in shape[:2])


def _padding(shape, padding):
    if isinstance(padding, str):
        return padding
    return tuple(0 if length == 1 else padding for length in shape[:2])


_POOLS = {"max": MaxPool2D, "avg": AvgPool2D, "stochastic": StochasticPool2D}


def _make_pool(pooling, shape, pool_hw, block):
    try:
        if pooling == "stochastic":
            return StochasticPool2D(shape, pool_hw, layer_id=block)
        return _POOLS[pooling](shape, pool_hw)
    except ValueError as error:
        raise ValueError(f"Pooling after conv block {block + 1} (pool_size={pool_hw}, map "
                         f"{shape[0]}x{shape[1]}): {error}") from None


def spec_stack(in_shape, specs, *, augment=None, heads=None):
    """Layers for a list of layer specs (:mod:`skdeep.nn.specs`), then a flatten: the
    feature extractor of a CNN whose ``architecture`` is a preset or a spec list.
    ``heads`` (:class:`skdeep.nn.specs.AuxiliaryHeads`) sizes the auxiliary classifiers.

    Returns
    -------
    layers : list of Layer
    n_out : int
        Width of the flattened output.
    """
    layers, shape = build_layers(specs, in_shape, heads=heads)
    if augment:
        layers.insert(0, Augment(augment, AUGMENT_LAYER_ID))
    return layers + [Flatten()], int(np.prod(shape))
