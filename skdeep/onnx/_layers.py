"""Each inference layer of a network as ONNX nodes.

Maps run in ONNX's NCHW layout (the network's are channels-last: weights are permuted
once, here), and the flatten before the dense head transposes to channels-last first, so
that the dense weights read the values in the network's order. Branches (residual
blocks, concatenations, dual paths) follow the flat layer list: a fork pushes its input,
a switch keeps a branch's output and starts the next from the fork's input, a merge
combines them.
"""

import numpy as np

from ..nn.layers import (
    Activation,
    Augment,
    AvgPool2D,
    BatchNorm,
    BranchFork,
    BranchMerge,
    BranchSwitch,
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
from ..ops._constants import ELU_ALPHA, LEAKY_RELU_SLOPE

_ELEMENTWISE = {"relu": ("Relu", {}), "tanh": ("Tanh", {}), "sigmoid": ("Sigmoid", {}),
                "logistic": ("Sigmoid", {}),
                "leaky_relu": ("LeakyRelu", {"alpha": LEAKY_RELU_SLOPE}),
                "elu": ("Elu", {"alpha": ELU_ALPHA})}


class _State:
    """The tensor the next layer reads and the inputs of open forks."""

    def __init__(self, x):
        self.x = x
        self.forks = {}     # id(fork) -> the fork's input
        self.branches = {}  # id(fork) -> outputs of its finished branches


def network_nodes(graph, network, x):
    """The nodes of ``network``'s inference layers from input ``x`` (channels-first maps
    or rows); returns the name of the raw output (before the loss's link)."""
    state = _State(x)
    for layer in network.inference_layers:
        convert = _CONVERTERS.get(type(layer))
        if convert is None:
            raise NotImplementedError(f"No ONNX conversion for layer {type(layer).__name__}.")
        state.x = convert(graph, layer, state)
    return state.x


def _identity(graph, layer, state):
    return state.x  # dropout, spatial dropout, augmentation: nothing at inference


def _dense(graph, layer, state):
    out = graph.op("MatMul", [state.x, graph.const(layer.W, hint="W")])
    return graph.op("Add", [out, graph.const(layer.b, hint="b")]) if layer.bias else out


def _conv_weights(layer):
    """(F, C / groups, KH, KW) weights from the layer's (KH * KW * C / groups, F / groups)
    matrices, one per group."""
    kh, kw = layer.kernel
    c_group = layer.in_shape[2] // layer.groups
    matrices = [layer.W] if layer.groups == 1 else list(layer.W)
    return np.concatenate([w.reshape(kh, kw, c_group, -1).transpose(3, 2, 0, 1)
                           for w in matrices])


def _conv(graph, layer, state):
    (kh, kw), (sh, sw) = layer.kernel, layer.stride
    out_h, out_w, top, left = layer.geometry
    x, (height, width) = state.x, layer.in_shape[:2]
    if top < 0 or left < 0:  # an explicit geometry that starts inside the map
        crop_top, crop_left = max(-top, 0), max(-left, 0)
        x = graph.slice(x, [crop_top, crop_left], [height, width], [2, 3])
        height, width, top, left = height - crop_top, width - crop_left, max(top, 0), \
            max(left, 0)
    bottom = max((out_h - 1) * sh + kh - height - top, 0)
    right = max((out_w - 1) * sw + kw - width - left, 0)
    inputs = [x, graph.const(_conv_weights(layer), hint="W")]
    if layer.bias:
        inputs.append(graph.const(layer.b, hint="b"))
    out = graph.op("Conv", inputs, kernel_shape=[kh, kw], strides=[sh, sw],
                   pads=[top, left, bottom, right], group=layer.groups)
    full_h = (height + top + bottom - kh) // sh + 1
    full_w = (width + left + right - kw) // sw + 1
    if (full_h, full_w) != (out_h, out_w):
        out = graph.slice(out, [0, 0], [out_h, out_w], [2, 3])
    return out


def _batch_norm(graph, layer, state):
    return graph.op("BatchNormalization",
                    [state.x, graph.const(layer.gamma, hint="gamma"),
                     graph.const(layer.beta, hint="beta"),
                     graph.const(layer.running_mean, hint="mean"),
                     graph.const(layer.running_var, hint="var")],
                    epsilon=float(layer.eps))


def _activation(graph, layer, state):
    if layer.name == "identity":
        return state.x
    op_type, attrs = _ELEMENTWISE[layer.name]
    return graph.op(op_type, [state.x], **attrs)


def _maxout(graph, layer, state):
    # Units are groups of `pieces` consecutive channels (or features): piece k of every
    # unit is the channels k, k + pieces, ...; the maximum over the pieces.
    pieces = [graph.slice(state.x, [k], [np.iinfo(np.int64).max], [1], [layer.pieces])
              for k in range(layer.pieces)]
    return graph.op("Max", pieces)


def _pool_attrs(layer):
    (ph, pw), (sh, sw), (pad_h, pad_w) = layer.pool, layer.stride, layer.pad
    return dict(kernel_shape=[ph, pw], strides=[sh, sw], pads=[pad_h, pad_w, pad_h, pad_w])


def _max_pool(graph, layer, state):
    return graph.op("MaxPool", [state.x], **_pool_attrs(layer))


def _avg_pool(graph, layer, state):
    return graph.op("AveragePool", [state.x], count_include_pad=0, **_pool_attrs(layer))


def _stochastic_pool(graph, layer, state):
    # Predict time: sum a^2 / sum a over each window, a = max(x, 0); both sums as
    # averages over the same pixels, and 0 where the window has no positive value.
    positive = graph.op("Relu", [state.x])
    squares = graph.op("Mul", [positive, positive])
    attrs = dict(count_include_pad=0, **_pool_attrs(layer))
    num = graph.op("AveragePool", [squares], **attrs)
    den = graph.op("AveragePool", [positive], **attrs)
    safe = graph.op("Max", [den, graph.const(np.float32(1e-30), hint="tiny")])
    return graph.op("Div", [num, safe])


def _flatten(graph, layer, state):
    channels_last = graph.op("Transpose", [state.x], perm=[0, 2, 3, 1])
    return graph.op("Flatten", [channels_last], axis=1)


def _residual_fork(graph, layer, state):
    state.forks[id(layer)] = state.x
    return state.x


def _residual_add(graph, layer, state):
    source = state.forks.pop(id(layer.fork))
    (h0, w0), (sh, sw), (oh, ow) = layer.offset, layer.stride, layer.out_shape[:2]
    if h0 < 0 or w0 < 0:
        raise NotImplementedError("A residual shortcut that starts before the map.")
    if (h0, w0, sh, sw) != (0, 0, 1, 1) or layer.in_shape[:2] != layer.out_shape[:2]:
        source = graph.slice(source, [h0, w0], [h0 + (oh - 1) * sh + 1, w0 + (ow - 1) * sw + 1],
                             [2, 3], [sh, sw])
    if layer.project:
        weights = layer.W.T.reshape(layer.W.shape[1], layer.W.shape[0], 1, 1)
        source = graph.op("Conv", [source, graph.const(weights, hint="W"),
                                   graph.const(layer.b, hint="b")], kernel_shape=[1, 1])
    return graph.op("Add", [state.x, source])


def _branch_fork(graph, layer, state):
    state.forks[id(layer)] = state.x
    state.branches[id(layer)] = []
    return state.x


def _branch_switch(graph, layer, state):
    state.branches[id(layer.fork)].append(state.x)
    return state.forks[id(layer.fork)]


def _branch_merge(graph, layer, state):
    outputs = state.branches.pop(id(layer.fork)) + [state.x]
    del state.forks[id(layer.fork)]
    if layer.mode == "concat":
        return graph.op("Concat", outputs, axis=1)
    if layer.mode == "add":
        return graph.op("Add", outputs) if len(outputs) == 2 else graph.op("Sum", outputs)
    block, identity = outputs  # "dual": [x_r + F_r, x_rest, F_rest]
    r, end = layer.residual_channels, np.iinfo(np.int64).max
    parts = [graph.op("Add", [graph.slice(identity, [0], [r], [1]),
                              graph.slice(block, [0], [r], [1])])]
    if layer.identity_channels > r:
        parts.append(graph.slice(identity, [r], [end], [1]))
    parts.append(graph.slice(block, [r], [end], [1]))
    return graph.op("Concat", parts, axis=1)


_CONVERTERS = {
    Dense: _dense, Conv2D: _conv, BatchNorm: _batch_norm, Activation: _activation,
    Maxout: _maxout, MaxPool2D: _max_pool, AvgPool2D: _avg_pool,
    StochasticPool2D: _stochastic_pool, Flatten: _flatten, Dropout: _identity,
    SpatialDropout: _identity, Augment: _identity, ResidualFork: _residual_fork,
    ResidualAdd: _residual_add, BranchFork: _branch_fork, BranchSwitch: _branch_switch,
    BranchMerge: _branch_merge,
}
