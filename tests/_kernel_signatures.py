"""Record the argument types of every CUDA kernel launch under Numba's CUDA simulator, so
that the same kernels can then be compiled for a real GPU (tests/test_cuda_compile.py).

The simulator runs kernels as Python and never type-checks them; NVIDIA's compiler does.
A recorded launch is a *recipe* (how to find the kernel's Python function in a process
without the simulator) and the Numba types of its arguments.
"""

import numba

RECORDS = set()


def recipe_of(kernel):
    """("gemm", loader A, loader B, epilogue, dtype) for kernels of the GEMM factory,
    ("kernel", module, name) for module-level kernels."""
    fn = kernel.fn
    if fn.__qualname__.endswith("gemm_kernel.<locals>.kernel"):
        cells = dict(zip(fn.__code__.co_freevars, (c.cell_contents for c in fn.__closure__)))
        return ("gemm", cells["load_a"].__name__, cells["load_b"].__name__,
                cells["epilogue"].__name__, str(cells["item"]))
    return ("kernel", fn.__module__, fn.__name__)


def _numba_type(arg):
    from numba.cuda.simulator.cudadrv.devicearray import FakeCUDAArray

    return numba.typeof(arg._ary if isinstance(arg, FakeCUDAArray) else arg)


class _Recording:
    def __init__(self, kernel):
        self.kernel = kernel

    def __call__(self, *args):
        RECORDS.add((recipe_of(self.kernel), tuple(_numba_type(a) for a in args)))
        return self.kernel(*args)


def install():
    """Record every launch of a simulated kernel from now on."""
    from numba.cuda.simulator.kernel import FakeCUDAKernel

    configure = FakeCUDAKernel.__getitem__
    if getattr(configure, "records_launches", False):
        return

    def recording_configure(kernel, configuration):
        return _Recording(configure(kernel, configuration))

    recording_configure.records_launches = True
    FakeCUDAKernel.__getitem__ = recording_configure


COMPILE_SCRIPT = """
import importlib, pickle, sys
import numpy as np
from numba import cuda
from skdeep.ops.cuda import gemm

def py_func(recipe):
    if recipe[0] == "gemm":
        _, load_a, load_b, epilogue, item = recipe
        kernel = gemm.gemm_kernel(getattr(gemm, load_a), getattr(gemm, load_b),
                                  getattr(gemm, epilogue), np.dtype(item), gemm.GPU_TILES)
    else:
        kernel = getattr(importlib.import_module(recipe[1]), recipe[2])
    return kernel.py_func

failures = []
records = pickle.load(open(sys.argv[1], "rb"))
for recipe, signature in sorted(records, key=str):
    try:
        cuda.compile_ptx(py_func(recipe), signature, cc=(8, 0))
    except Exception as error:
        failures.append(f"{recipe} {signature}: {type(error).__name__}: {str(error)[:800]}")
print(f"compiled {len(records) - len(failures)} of {len(records)}")
print("\\n".join(failures))
sys.exit(1 if failures else 0)
"""
"""Run with NUMBA_ENABLE_CUDASIM=0: compiles each recorded launch to PTX for sm_80."""
