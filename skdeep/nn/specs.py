"""Layer specs: a CNN's feature extractor written as plain data.

``architecture`` may be a list of specs, each a string or a tuple whose first item names
its kind; the estimators turn the list into layers here. Plain data (str, int, float,
tuple, list) is what ``get_params``, ``clone``, ``GridSearchCV`` and pickling need.

=================================================  ==========================================
spec                                               layer
=================================================  ==========================================
``("conv", filters, kernel_size)``,                convolution; ``stride`` 1 and ``padding``
``("conv", filters, kernel_size, stride)``,        ``"same"`` unless given (``"same"``,
``("conv", filters, kernel_size, stride, padding)``  ``"valid"`` or an int)
``"bn"``                                           batch normalization of each channel
``"relu"``, ``"tanh"``, ... (an activation name)   element-wise activation
``("maxpool", size)``, ``("maxpool", size,         max pooling (also ``"avgpool"``,
stride)``, ``("maxpool", size, stride,             ``"stochasticpool"``); stride = size if
padding)``                                         not given; padding (0 if not given, at
                                                   most ``size // 2``) takes no part in a
                                                   window: GoogLeNet's 3x3 stride-1 pool
                                                   branch is ``("maxpool", 3, 1, 1)``
``"gap"``                                          global average pooling: one value per
                                                   channel
``("dropout", rate)``                              dropout of single values
``("spatial_dropout", rate)``                      dropout of whole channels
``("residual", [spec, ...])``                      ``x + F(x)``: the inner specs are ``F``;
                                                   the shortcut is the identity, or a 1x1
                                                   convolution where ``F`` changes the
                                                   channels or (by a stride of its first
                                                   convolution) the size
``("residual", [spec, ...], [spec, ...])``         ``F(x) + S(x)``: the second list is the
                                                   shortcut ``S`` (e.g. a strided 1x1
                                                   convolution and batch norm; ``[]`` is the
                                                   identity); both must give the same shape
``("concat", [spec, ...], [spec, ...], ...)``      parallel branches on the same input, their
                                                   outputs side by side along the channels
                                                   (``[]``: the input itself); all must give
                                                   the same height and width
``("dual", [spec, ...], residual_channels)``        DPN's dual path: the block ``F``'s first
                                                   ``residual_channels`` channels are added
                                                   to the input's first ones, its other
                                                   channels appended after the input's
                                                   (``[x_r + F_r, x_rest, F_rest]``)
``("aux", [spec, ...])``,                          an auxiliary classifier (GoogLeNet's) on
``("aux", [spec, ...], hidden_units)``,            the current maps: the specs, a flatten,
``("aux", [spec, ...], hidden_units, dropout)``    ReLU dense layers of ``hidden_units`` (an
                                                   int or a tuple) with dropout, and a dense
                                                   output; its loss, weighted by
                                                   ``aux_weight``, joins the training loss;
                                                   the main path goes on with the same maps
                                                   and predictions never use it
=================================================  ==========================================

After the specs the maps are flattened and the dense head of ``hidden_layer_sizes``
follows.
"""

from typing import NamedTuple

import numpy as np

from .activations import ACTIVATIONS
from .layers import (
    Activation,
    AuxiliaryFork,
    AuxiliaryOutput,
    AvgPool2D,
    BatchNorm,
    BranchFork,
    BranchMerge,
    BranchSwitch,
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    MaxPool2D,
    ResidualAdd,
    ResidualFork,
    SpatialDropout,
    StochasticPool2D,
)

SPEC_LAYER_IDS = 2_000_000
"""First mask-stream id of spec layers (apart from the dense head's and augmentation's)."""

_FORMS = {
    "conv": "('conv', filters, kernel_size[, stride[, padding[, groups]]]) with positive "
            "ints",
    "maxpool": "('maxpool', size[, stride[, padding]]): positive ints, padding >= 0",
    "avgpool": "('avgpool', size[, stride[, padding]]): positive ints, padding >= 0",
    "stochasticpool": "('stochasticpool', size[, stride[, padding]]): positive ints, padding >= 0",
    "dropout": "('dropout', rate) with 0 <= rate < 1",
    "spatial_dropout": "('spatial_dropout', rate) with 0 <= rate < 1",
    "residual": "('residual', [spec, ...][, [shortcut spec, ...]]) with at least one spec "
                "in the first list",
    "concat": "('concat', [spec, ...], [spec, ...], ...) with at least two lists",
    "dual": "('dual', [spec, ...], residual_channels) with residual_channels >= 1",
    "aux": "('aux', [spec, ...][, hidden_units[, dropout]]) with hidden_units an int or a "
           "tuple of ints >= 1 and 0 <= dropout < 1",
}
_POOLS = {"maxpool": MaxPool2D, "avgpool": AvgPool2D, "stochasticpool": StochasticPool2D}
_NAMED = {"bn", "gap"} | {name for name in ACTIVATIONS if name != "maxout"}


class SpecError(ValueError):
    """A spec that is not one of the forms above, or that does not fit its input."""


def build_layers(specs, in_shape, *, where="architecture", heads=None):
    """Layers for ``specs`` on channels-last maps of ``in_shape`` (H, W, C).

    ``heads`` (an :class:`AuxiliaryHeads`) sizes and weighs the auxiliary classifiers of
    ``("aux", ...)`` specs; None builds none (as does a weight of 0).

    Returns
    -------
    layers : list of Layer
    shape : (H, W, C)
        The shape of the last layer's output.

    Raises
    ------
    SpecError
        Naming the spec's position as an index path (``architecture[2]``;
        ``architecture[3][1][0]``: the first spec of the block of the residual spec at 3),
        what it is and what was expected.
    """
    if not isinstance(specs, (list, tuple)):
        raise SpecError(f"{where} must be a list of layer specs; got {specs!r}.")
    layers, shape = [], tuple(in_shape)
    for index, spec in enumerate(specs):
        position = f"{where}[{index}]"
        try:
            new, shape = _build_one(spec, shape, position, len(layers), heads)
            if new and isinstance(new[-1], Conv2D) and list(specs[index + 1:index + 2]) == ["bn"]:
                new[-1].bias = False  # batch norm subtracts it again
        except SpecError:
            raise
        except ValueError as error:  # a layer that does not fit its input
            raise SpecError(f"{position} = {spec!r} does not fit its input "
                            f"{_shape_text(shape)}: {error}") from None
        layers += new
    return layers, shape


def _build_one(spec, shape, position, n_before, heads):
    layer_id = SPEC_LAYER_IDS + n_before
    if isinstance(spec, str):
        if spec not in _NAMED:
            raise SpecError(
                f"{position} = {spec!r} is not a layer spec: a string names 'bn', 'gap' or "
                f"an activation ({', '.join(sorted(_NAMED - {'bn', 'gap'}))}); other kinds "
                f"are tuples: {', '.join(repr(kind) for kind in _FORMS)}."
            )
        if spec == "bn":
            return [BatchNorm(shape[2])], shape
        if spec == "gap":
            return [AvgPool2D(shape, shape[:2])], (1, 1, shape[2])
        return [Activation(spec)], shape
    kind = spec[0] if isinstance(spec, (tuple, list)) and spec else None
    if kind not in _FORMS:
        raise SpecError(f"{position} = {spec!r} is not a layer spec: expected a string or a "
                        f"tuple starting with one of {', '.join(map(repr, _FORMS))}.")
    args = tuple(spec[1:])
    if kind == "conv":
        return _conv(args, shape, position, spec)
    if kind in _POOLS:
        return _pool(kind, args, shape, position, spec, layer_id)
    if kind in ("dropout", "spatial_dropout"):
        if len(args) != 1 or not _is_rate(args[0]):
            raise SpecError(f"{position} = {spec!r}: expected {_FORMS[kind]}.")
        layer = Dropout if kind == "dropout" else SpatialDropout
        return [layer(float(args[0]), layer_id)], shape
    if kind == "concat":
        return _concat(args, shape, position, spec, n_before, heads)
    if kind == "aux":
        return _auxiliary(args, shape, position, spec, n_before, heads)
    if kind == "dual":
        return _dual(args, shape, position, spec, n_before, heads)
    return _residual(args, shape, position, spec, n_before, heads)


def _conv(args, shape, position, spec):
    padding, groups = "same", 1
    if len(args) == 5:
        args, groups = args[:4], args[4]
        if not _is_int(groups, minimum=1):
            raise SpecError(f"{position} = {spec!r}: groups must be an int >= 1; expected "
                            f"{_FORMS['conv']}.")
    if len(args) == 4:
        args, padding = args[:3], args[3]
        if not (padding in ("same", "valid") or _is_int(padding, minimum=0)):
            raise SpecError(f"{position} = {spec!r}: padding must be 'same', 'valid' or an "
                            f"int >= 0; expected {_FORMS['conv']}.")
    filters, kernel, stride = _ints(args, 2, 3, position, spec)
    stride = stride or 1
    pad = padding if isinstance(padding, str) else (int(padding), int(padding))
    conv = Conv2D(shape, filters, (kernel, kernel), (stride, stride), pad, groups=int(groups))
    return [conv], conv.out_shape


def _pool(kind, args, shape, position, spec, layer_id):
    padding = 0
    if len(args) == 3:
        args, padding = args[:2], args[2]
        if not _is_int(padding, minimum=0):
            raise SpecError(f"{position} = {spec!r}: padding must be an int >= 0; expected "
                            f"{_FORMS[kind]}.")
    size, stride = _ints(args, 1, 2, position, spec)
    pool_hw, stride_hw = (size, size), (stride or size, stride or size)
    pad_hw = (int(padding), int(padding))
    if kind == "stochasticpool":
        pool = StochasticPool2D(shape, pool_hw, stride_hw, pad_hw, layer_id=layer_id)
    else:
        pool = _POOLS[kind](shape, pool_hw, stride_hw, pad_hw)
    return [pool], pool.out_shape


def _residual(args, shape, position, spec, n_before, heads):
    lists = len(args) in (1, 2) and all(isinstance(a, (list, tuple)) for a in args)
    if not lists or not args[0]:
        raise SpecError(f"{position} = {spec!r}: expected {_FORMS['residual']}.")
    if len(args) == 2:
        return _two_branches(args, shape, position, n_before, heads)
    fork = ResidualFork()
    inner, out_shape = _branch(args[0], shape, f"{position}[1]", n_before + 1, heads)
    first = inner[0] if isinstance(inner[0], Conv2D) else None
    stride = first.stride if first is not None else (1, 1)
    expected_hw = tuple(-(-size // step) for size, step in zip(shape[:2], stride))
    if out_shape[:2] != expected_hw:
        raise SpecError(
            f"{position}: a residual block may change the map's size only by the stride of "
            f"its first convolution, with 'same' padding after it; its input is "
            f"{_shape_text(shape)} and its output {_shape_text(out_shape)}."
        )
    offset = first.centre_offset if first is not None else (0, 0)
    add = ResidualAdd(fork, shape, out_shape, stride, offset)
    return [fork, *inner, add], out_shape


def _branch(specs, shape, where, first_index, heads):
    """Layers of a branch whose first layer sits at ``first_index`` of the whole list."""
    layers, out_shape = build_layers(specs, shape, where=where, heads=heads)
    for layer in layers:
        if hasattr(layer, "layer_id"):
            layer.layer_id += first_index  # mask streams apart from the other layers'
    return layers, out_shape


def _concat(args, shape, position, spec, n_before, heads):
    """Parallel branches whose outputs are concatenated along the channels."""
    if len(args) < 2 or not all(isinstance(a, (list, tuple)) for a in args):
        raise SpecError(f"{position} = {spec!r}: expected {_FORMS['concat']}.")
    layers, shapes = _branches(args, shape, position, n_before, "concat", heads)
    if len({s[:2] for s in shapes}) > 1:
        sizes = ", ".join(f"{s[0]}x{s[1]}" for s in shapes)
        raise SpecError(f"{position}: concatenated branches must keep the same height and "
                        f"width; they give {sizes}.")
    return layers, shapes[0][:2] + (sum(s[2] for s in shapes),)


def _two_branches(args, shape, position, n_before, heads):
    """``F(x) + S(x)``: fork, the layers of F, a switch, the layers of S, the merge."""
    layers, (body_shape, shortcut_shape) = _branches(args, shape, position, n_before, "add",
                                                     heads)
    if body_shape != shortcut_shape:
        raise SpecError(
            f"{position}: the block and its shortcut must give the same shape; the block "
            f"gives {_shape_text(body_shape)}, the shortcut {_shape_text(shortcut_shape)}."
        )
    return layers, body_shape


def _dual(args, shape, position, spec, n_before, heads):
    """DPN's dual path block: ``F``'s first channels added to the input's, the rest
    appended."""
    if (len(args) != 2 or not isinstance(args[0], (list, tuple)) or not args[0]
            or not _is_int(args[1], minimum=1)):
        raise SpecError(f"{position} = {spec!r}: expected {_FORMS['dual']}.")
    residual = int(args[1])
    layers, (f_shape, _) = _branches([args[0], []], shape, position, n_before, "dual", heads,
                                     residual_channels=residual)
    if f_shape[:2] != shape[:2] or not shape[2] >= residual or not f_shape[2] > residual:
        raise SpecError(
            f"{position}: a dual path block keeps the height and width, its input needs at "
            f"least residual_channels={residual} channels and its block more; the input is "
            f"{_shape_text(shape)}, the block gives {_shape_text(f_shape)}."
        )
    return layers, shape[:2] + (shape[2] + f_shape[2] - residual,)


def _branches(lists, shape, position, n_before, mode, heads, residual_channels=0):
    """``[fork, branch 1, switch, branch 2, ..., merge]`` for the spec lists ``lists`` (at
    ``position[1]``, ``position[2]``, ...), and each branch's output shape."""
    fork = BranchFork()
    layers, shapes = [fork], []
    for index, branch in enumerate(lists):
        if index:
            layers.append(BranchSwitch(fork))
        new, out_shape = _branch(branch, shape, f"{position}[{index + 1}]",
                                 n_before + len(layers), heads)
        layers += new
        shapes.append(out_shape)
    out_channels = sum(s[2] for s in shapes) if mode == "concat" else None
    merge = BranchMerge(fork, mode, residual_channels, shape[2], out_channels)
    return layers + [merge], shapes


class AuxiliaryHeads(NamedTuple):
    """What the auxiliary classifiers of ``("aux", ...)`` specs predict, and their weight."""

    n_outputs: int
    """Width of the network's output (classes or targets)."""
    weight: float
    """Weight of each auxiliary loss in the training loss (0: no auxiliary classifiers)."""


def _auxiliary(args, shape, position, spec, n_before, heads):
    """``[fork, the specs' layers, flatten, dense head, output]``: an auxiliary classifier
    on the current maps; the main path goes on with the same maps."""
    units = args[1] if len(args) > 1 else ()
    units = (units,) if _is_int(units, minimum=1) else units
    rate = args[2] if len(args) > 2 else 0.0
    well_formed = (1 <= len(args) <= 3 and isinstance(args[0], (list, tuple))
                   and isinstance(units, (list, tuple))
                   and all(_is_int(u, minimum=1) for u in units) and _is_rate(rate))
    if not well_formed:
        raise SpecError(f"{position} = {spec!r}: expected {_FORMS['aux']}.")
    if heads is None or heads.weight == 0:
        return [], shape
    fork = AuxiliaryFork()
    inner, out_shape = _branch(args[0], shape, f"{position}[1]", n_before + 1, heads)
    layers, n_in = [fork, *inner, Flatten()], int(np.prod(out_shape))
    layer_id = SPEC_LAYER_IDS + n_before + len(layers)
    for width in units:
        layers += [Dense(n_in, int(width), 0.0, layer_id), Activation("relu")]
        if rate:
            layers.append(Dropout(float(rate), layer_id))
        n_in, layer_id = int(width), layer_id + 1
    layers += [Dense(n_in, heads.n_outputs, 0.0, layer_id),
               AuxiliaryOutput(fork, heads.weight)]
    return layers, shape


def _ints(args, least, most, position, spec):
    """``args`` as positive ints, padded with None up to ``most``."""
    kind = spec[0]
    if not least <= len(args) <= most or not all(_is_int(a, minimum=1) for a in args):
        raise SpecError(f"{position} = {spec!r}: expected {_FORMS[kind]}.")
    return tuple(int(a) for a in args) + (None,) * (most - len(args))


def _is_int(value, minimum):
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool) and \
        value >= minimum


def _is_rate(value):
    return isinstance(value, (int, float, np.floating, np.integer)) and \
        not isinstance(value, bool) and 0 <= value < 1


def _shape_text(shape):
    return f"{shape[2]} x {shape[0]} x {shape[1]} (C x H x W)"
