"""The CPU kernels (NumPy and Numba ``@njit``), channels-last. Each module holds one concept
and has a namesake in :mod:`skdeep.ops.cuda` with the same functions."""
