"""Whether CUDA kernels can run here: numba-cuda, a GPU, or Numba's simulator.

``numba.cuda`` is imported on first use, not when skdeep is imported: a CPU-only fit never
pays for it. Under ``NUMBA_ENABLE_CUDASIM=1`` Numba's simulator stands in for a GPU (one
Python thread per GPU thread), which is how the test suite runs these kernels without one.
"""

import functools
import glob
import os
import sys
import warnings


@functools.cache
def cuda_module():
    """``numba.cuda``, or None when numba-cuda is not installed."""
    try:
        from numba import cuda
    except ImportError:  # pragma: no cover - numba-cuda is a core dependency
        return None
    return cuda


def simulated():
    """Whether Numba's CUDA simulator stands in for the GPU."""
    return os.environ.get("NUMBA_ENABLE_CUDASIM", "0") not in ("", "0")


@functools.cache
def _cuda_usable():
    cuda = cuda_module()
    if cuda is None:
        return False
    try:
        return bool(cuda.is_available())
    except Exception:  # a broken driver is "no GPU", not a crash at fit time
        return False


def cuda_available():
    """Whether CUDA kernels can run here (a GPU, or the simulator)."""
    return _cuda_usable()


def require_cuda(owner):
    """Raise the error of ``device="cuda"`` on a machine without a usable GPU."""
    if not cuda_available():
        raise ValueError(
            f"{owner}: device='cuda' needs an NVIDIA GPU with a working CUDA driver and "
            "numba-cuda, and none is visible here. Use device='cpu', or device='auto' to "
            "use a GPU only when one is visible."
        )
    problem = kernel_problem()
    if problem is not None:
        raise ValueError(
            f"{owner}: device='cuda': a GPU is visible but numba-cuda cannot run a kernel on "
            f"it ({problem}). numba-cuda compiles with the CUDA toolkit's NVVM: install "
            "scikit-deep[cuda12] or scikit-deep[cuda13] (the driver's major CUDA version), or use "
            "device='cpu'."
        )


@functools.cache
def kernel_problem():
    """None when a one-line kernel compiles and runs here, else what went wrong (once per
    process): a GPU can be visible while numba-cuda lacks the compiler it needs."""
    try:
        import numpy as np

        from . import arrays as _cuda_arrays

        out = _cuda_arrays.full(4, 2.0, np.float32)
        if float(out.copy_to_host().sum()) != 8.0:
            return "a test kernel computed a wrong result"
    except Exception as error:  # any failure here means "this GPU is not usable"
        return f"{type(error).__name__}: {error}"
    return None


def is_device_array(a):
    """Whether ``a`` is a Numba CUDA device array (or the simulator's stand-in)."""
    return hasattr(a, "copy_to_host")


def gpu_visible():
    """Whether a real GPU is visible (the simulator does not count): ``device="auto"``.

    On Linux, without the NVIDIA driver's device files there is no GPU to find, and
    numba-cuda is not even imported (a CPU-only fit does not pay for that import).
    """
    if simulated():
        return False
    if sys.platform.startswith("linux") and not glob.glob("/dev/nvidia*"):
        return False
    if not cuda_available():
        return False
    problem = kernel_problem()
    if problem is not None:
        warnings.warn(f"device='auto' uses the CPU: a GPU is visible but numba-cuda cannot "
                      f"run a kernel on it ({problem}). Install scikit-deep[cuda12] or "
                      "scikit-deep[cuda13] to train on it.", RuntimeWarning, stacklevel=3)
        return False
    return True
