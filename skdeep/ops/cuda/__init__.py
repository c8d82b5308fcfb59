"""The GPU kernels (numba-cuda), channels-last. Each module holds one concept and has a
namesake in :mod:`skdeep.ops.cpu` with the same functions.

Importing this package imports nothing heavy: :mod:`.support` says whether CUDA can run
here without importing ``numba.cuda``; every other module imports it.
"""
