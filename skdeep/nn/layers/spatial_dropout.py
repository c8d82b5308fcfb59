"""Spatial dropout: whole feature maps dropped at once."""

from ..masks import keep_mask, stream_key
from .base import Layer


class SpatialDropout(Layer):
    """Zeroes each channel of a sample's (n, H, W, C) map with probability ``rate`` while
    training, scaling the kept ones by ``1 / (1 - rate)``; the identity at predict time.

    Neighbouring pixels of a feature map are strongly correlated, so dropping single
    pixels barely regularizes a conv layer; dropping whole maps does (Tompson et al.,
    2015). Masks are keyed by each sample's content, the epoch and ``layer_id``.
    """

    def __init__(self, rate, layer_id=0):
        self.rate = rate
        self.layer_id = layer_id

    def forward(self, x, ctx):
        if not ctx.training:
            return x
        stream = stream_key(ctx.seed, ctx.epoch, self.layer_id)
        channels = x.shape[-1]
        mask = keep_mask(ctx.row_keys, stream, self.rate, (x.shape[0], channels), x.dtype)
        self._mask = mask.reshape((x.shape[0],) + (1,) * (x.ndim - 2) + (channels,))
        return x * self._mask

    def backward(self, dy):
        return dy * self._mask
