"""Spatial dropout: whole feature maps dropped at once."""

from .dropout import Dropout


class SpatialDropout(Dropout):
    """Zeroes each channel of a sample's (n, H, W, C) map with probability ``rate`` while
    training, scaling the kept ones by ``1 / (1 - rate)``; the identity at predict time.

    Neighbouring pixels of a feature map are strongly correlated, so dropping single
    pixels barely regularizes a conv layer; dropping whole maps does (Tompson et al.,
    2015). Masks are keyed by each sample's content, the epoch and ``layer_id``, as
    :class:`Dropout`'s, with one entry per (sample, channel).
    """

    def _mask_shape(self, x):
        shape = tuple(x.shape)  # a device array's shape may not take negative indices
        return (shape[0],) + (1,) * (len(shape) - 2) + (shape[-1],)
