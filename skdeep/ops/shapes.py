"""Output sizes, paddings and the errors for arguments that do not fit."""

import math
from numbers import Integral
from typing import NamedTuple


class ConvGeometry(NamedTuple):
    """Output size and top/left padding of a convolution (:func:`conv_geometry`)."""

    out_h: int
    out_w: int
    pad_top: int
    pad_left: int


def pair(value, name):
    """An int or a pair of ints as ``(h, w)``, each positive."""
    if isinstance(value, Integral) and not isinstance(value, bool):
        value = (value, value)
    try:
        h, w = value
    except (TypeError, ValueError):
        raise ValueError(_positive_pair_message(name, value)) from None
    for v in (h, w):
        if isinstance(v, bool) or not isinstance(v, Integral) or v < 1:
            raise ValueError(_positive_pair_message(name, value))
    return int(h), int(w)


def _positive_pair_message(name, value):
    return f"{name} must be a positive int or a pair of them. Received: {name}={value!r}."


def non_negative_pair(padding, message=None):
    """An int or a pair of ints >= 0 as ``(h, w)``; else a ``ValueError`` with ``message``
    (by default the one for a convolution's padding)."""
    if message is None:
        message = ('padding must be "same", "valid" or a non-negative int. '
                   f"Received: padding={padding!r}.")
    if isinstance(padding, Integral):
        padding = (padding, padding)
    try:
        pad_h, pad_w = padding
    except (TypeError, ValueError):
        raise ValueError(message) from None
    for v in (pad_h, pad_w):
        if isinstance(v, bool) or not isinstance(v, Integral) or v < 0:
            raise ValueError(message)
    return int(pad_h), int(pad_w)


def _axis_padding(size, kernel, stride, padding):
    """``(out, pad_before)`` along one axis."""
    if padding == "same":
        out = math.ceil(size / stride)
        total = max((out - 1) * stride + kernel - size, 0)
        return out, total // 2
    pad = 0 if padding == "valid" else int(padding)
    return (size + 2 * pad - kernel) // stride + 1, pad


def conv_geometry(in_hw, kernel_hw, stride_hw, padding):
    """Output size and top/left padding of a convolution.

    ``padding`` is ``"same"``, ``"valid"``, an int or a pair of ints (rows, columns).
    ``"same"`` gives ``ceil(size / stride)`` outputs (padding split evenly, the extra pixel
    at the bottom/right, as TensorFlow and PyTorch do); ``"valid"`` is padding 0; an int
    pads both sides: ``out = (size + 2 * padding - kernel) // stride + 1``.

    Returns
    -------
    ConvGeometry
    """
    if isinstance(padding, str):
        if padding not in ("same", "valid"):
            raise ValueError(f'padding must be "same", "valid" or a non-negative int. '
                             f'Received: padding={padding!r}.')
        pad_h = pad_w = padding
    else:
        pad_h, pad_w = non_negative_pair(padding)
    out_h, top = _axis_padding(in_hw[0], kernel_hw[0], stride_hw[0], pad_h)
    out_w, left = _axis_padding(in_hw[1], kernel_hw[1], stride_hw[1], pad_w)
    if out_h < 1 or out_w < 1:
        raise ValueError(
            f"kernel_size {kernel_hw[0]}x{kernel_hw[1]} is larger than the padded input "
            f"{in_hw[0]}x{in_hw[1]} (padding={padding!r}): the output would be empty."
        )
    return ConvGeometry(out_h, out_w, top, left)


def pool_geometry(in_hw, pool_hw, stride_hw, pad_hw=(0, 0)):
    """Output size of a pooling: ``(size + 2 * pad - pool) // stride + 1`` per axis.

    Padding may be at most half the window (as in PyTorch), so every window holds at
    least one pixel of the map.
    """
    for pad, pool in zip(pad_hw, pool_hw):
        if pad > pool // 2:
            raise ValueError(f"pooling padding {pad_hw[0]}x{pad_hw[1]} is more than half the "
                             f"window {pool_hw[0]}x{pool_hw[1]}: some windows would see only "
                             "padding.")
    padded = [size + 2 * pad for size, pad in zip(in_hw, pad_hw)]
    if pool_hw[0] > padded[0] or pool_hw[1] > padded[1]:
        raise ValueError(
            f"pool_size {pool_hw[0]}x{pool_hw[1]} is larger than its input "
            f"{in_hw[0]}x{in_hw[1]}: pooling would shrink the feature map to nothing."
        )
    return tuple((size - pool) // stride + 1
                 for size, pool, stride in zip(padded, pool_hw, stride_hw))
