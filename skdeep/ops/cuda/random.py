"""The counter-based hash (:mod:`skdeep.ops._hash`) as CUDA device functions: the same
source as on the CPU, so a kernel draws exactly the numbers the CPU kernels draw for the
same keys, and masks and pooling draws do not depend on the device."""

from numba import cuda

from .._hash import compile_hash

mix, uniform = compile_hash(cuda.jit(device=True, inline="always"))
