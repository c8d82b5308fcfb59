"""Scalars passed to kernels."""


def typed(array, *scalars):
    """``scalars`` in ``array``'s dtype, so float32 kernels stay in float32 (and vectorize)."""
    return tuple(array.dtype.type(s) for s in scalars)
