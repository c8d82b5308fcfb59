"""2-D convolution layer over channels-last feature maps."""

from ...ops.shapes import ConvGeometry, conv_geometry
from .base import Layer, ParamSpec, bias_gradient_or_scratch, bias_or_zeros


class Conv2D(Layer):
    """``y = conv(x, W) + b`` on maps of shape (n, H, W, C) (channels last).

    Output shape ``(n, OH, OW, filters)`` with, per spatial axis, ``OH = ceil(H / stride)``
    for ``padding="same"`` and ``OH = (H + 2 * padding - kernel) // stride + 1`` for an
    int padding (``"valid"`` is 0).

    Parameters
    ----------
    in_shape : (H, W, C)
        Shape of one input map.
    filters : int
        Output channels.
    kernel, stride : (int, int)
    padding : "same", "valid", int or (int, int)
    geometry : (out_h, out_w, pad_top, pad_left) or None
        Overrides ``padding`` with an explicit output size and top/left padding (negative
        padding crops): residual projections use it to read the centre of the main path's
        receptive fields.
    groups : int
        Grouped convolution (ResNeXt, DPN): the input channels and the filters are cut
        into ``groups`` equal parts, and each part of the filters sees only its part of
        the input: ``groups`` times fewer weights. Each group runs the same kernels as a
        whole convolution, on its channels.
    """

    convolutional = True

    def __init__(self, in_shape, filters, kernel=(3, 3), stride=(1, 1), padding="same",
                 geometry=None, groups=1, bias=True):
        self.in_shape = tuple(in_shape)
        self.filters = filters
        self.kernel = tuple(kernel)
        self.stride = tuple(stride)
        self.padding = padding
        self.groups = groups
        self.bias = bias
        if self.in_shape[2] % groups or filters % groups:
            raise ValueError(f"groups={groups} must divide both the input channels "
                             f"({self.in_shape[2]}) and the filters ({filters}).")
        if geometry is None:
            geometry = conv_geometry(self.in_shape[:2], self.kernel, self.stride, padding)
        self.geometry = ConvGeometry(*geometry)

    @property
    def out_shape(self):
        return self.geometry.out_h, self.geometry.out_w, self.filters

    @property
    def centre_offset(self):
        """Input pixel at the centre of the first receptive field (row, column): where a
        residual shortcut that skips this convolution reads."""
        (kh, kw), geometry = self.kernel, self.geometry
        return (kh - 1) // 2 - geometry.pad_top, (kw - 1) // 2 - geometry.pad_left

    @property
    def label(self):
        text = f"Conv2D {self.kernel[0]}x{self.kernel[1]}"
        if self.stride != (1, 1):
            text += f" stride {self.stride[0]}"
        return text + f" groups {self.groups}" if self.groups > 1 else text

    def param_specs(self):
        fan = self.kernel[0] * self.kernel[1]
        rows, cols = fan * self.in_shape[2] // self.groups, self.filters // self.groups
        shape = (rows, cols) if self.groups == 1 else (self.groups, rows, cols)
        weights = ParamSpec("W", shape, "weights", True, rows, fan * cols)
        return [weights, ParamSpec("b", (self.filters,))] if self.bias else [weights]

    def forward(self, x, ctx):
        if ctx.training:
            self._x = x
        bias = bias_or_zeros(self, self.filters)
        if self.groups == 1:
            return self.backend.conv2d(x, self.W, bias, self.kernel, self.stride,
                                       self.geometry)
        backend, cols = self.backend, self.filters // self.groups
        parts = backend.split_channels(x, [self.in_shape[2] // self.groups] * self.groups)
        return backend.concat_channels([
            backend.conv2d(part, self.W[g], bias[g * cols:(g + 1) * cols], self.kernel,
                           self.stride, self.geometry)
            for g, part in enumerate(parts)
        ])

    def backward(self, dy):
        dbias = bias_gradient_or_scratch(self, self.filters)
        if self.groups == 1:
            return self.backend.conv2d_backward(dy, self._x, self.W, self.kernel, self.stride,
                                                self.geometry, self.needs_input_grad, self.dW,
                                                dbias)
        backend, cols = self.backend, self.filters // self.groups
        xs = backend.split_channels(self._x, [self.in_shape[2] // self.groups] * self.groups)
        dys = backend.split_channels(dy, [cols] * self.groups)
        dxs = [
            backend.conv2d_backward(dys[g], xs[g], self.W[g], self.kernel, self.stride,
                                    self.geometry, self.needs_input_grad, self.dW[g],
                                    dbias[g * cols:(g + 1) * cols])
            for g in range(self.groups)
        ]
        return backend.concat_channels(dxs) if self.needs_input_grad else None
