"""Fixed-size scratch arrays on the stack, for Numba kernels.

``np.empty`` inside a kernel allocates on the heap, and LLVM cannot keep a heap array in
registers. A small array allocated with ``alloca`` (a literal size) can be: after the
constant-trip-count loops over it are unrolled, its elements become SSA values, which the
vectorizer packs into SIMD registers. That is how the direct convolution kernels hold a
tile of accumulators in registers.
"""

from numba import types
from numba.core import cgutils
from numba.extending import intrinsic


@intrinsic
def stack_pointer(typingctx, size, dtype):
    """Pointer to ``size`` (an int literal) uninitialized values of ``dtype`` on the stack;
    wrap it with ``numba.carray(pointer, (size,))``."""
    if not isinstance(size, types.IntegerLiteral):
        return None
    count = size.literal_value

    def codegen(context, builder, signature, args):
        return cgutils.alloca_once(builder, context.get_value_type(dtype.dtype), size=count)

    return types.CPointer(dtype.dtype)(size, dtype), codegen

