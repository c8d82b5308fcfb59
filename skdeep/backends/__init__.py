"""Where a network computes: :data:`CPU` (NumPy + Numba) or a CUDA GPU (numba-cuda).

:func:`fit_backend` and :func:`predict_backend` turn an estimator's ``device`` parameter
into a backend object. The CUDA backend is imported only when it is used.
"""

from ..ops.cuda.support import cuda_available, gpu_visible, require_cuda
from .cpu import CPU

__all__ = ["CPU", "cuda_backend", "fit_backend", "predict_backend"]


def cuda_backend():
    """The CUDA backend (imports numba-cuda and the kernels)."""
    from .cuda import CUDA

    return CUDA


def fit_backend(device, owner):
    """The backend a fit with ``device`` runs on.

    ``"cpu"``: the CPU. ``"auto"``: a GPU when one is visible (not the simulator), else the
    CPU. ``"cuda"``: the GPU (or Numba's simulator when ``NUMBA_ENABLE_CUDASIM=1``); a
    ValueError naming ``owner`` when there is none.
    """
    if device == "cuda":
        require_cuda(owner)
        return cuda_backend()
    if device == "auto" and gpu_visible():
        return cuda_backend()
    return CPU


def predict_backend(device):
    """Like :func:`fit_backend`, but a fitted model predicts on the CPU when its device is
    missing here: a model trained on a GPU loads and predicts on a machine without one."""
    if device == "cuda" and cuda_available() or device == "auto" and gpu_visible():
        return cuda_backend()
    return CPU
