"""Products with 16 (or up to 8) columns, register-blocked, for the direct convolution
kernels.

A convolution with 16 or 32 filters multiplies its receptive fields (``KH * KW * C`` values
each) by a weight matrix 16 or 32 columns wide. Through im2col and BLAS that costs a copy
of every field (the unfolded matrix) and, inside OpenBLAS, a second copy (packing) of the
same matrix, large next to the 16 multiply-adds each value takes part in. Measured
single-threaded on this 2-core AMD EPYC (Zen 2), 1,568 unfolded rows by 145 columns times
16: OpenBLAS 59 GFLOP/s, the kernel here 82 (weight gradient: 52 and 73).

:func:`multiply_16` reads its operands where they lie, through strides: a receptive field
on a padded image is ``KH`` runs of ``KW * C`` contiguous values, one image row apart,
which it walks as ``n_segments`` segments of ``segment_length`` steps. It keeps a block of
up to six rows of the result in registers (twelve 8-float AVX vectors in float32) while it
runs along the shared dimension; each step loads one row of ``b`` and broadcasts one value
of ``a`` per row. The block is written in LLVM IR (:func:`_block`) because Numba's loops
keep such accumulators in memory (a plain Numba version ran at 5 GFLOP/s). Blocks of few
rows (what is left of a row of outputs after the six-row blocks) would leave the FMA units
waiting on the previous step's result: they sum into several sets of accumulators, step
``t`` into set ``t mod k``, added at the end (LeNet-5's 5 x 5 layers: weight gradient of
the first 1.55x, input gradient of the second 1.2x faster). Sums run in a fixed order, so
results do not depend on threads or chunking; they differ from BLAS's in the last bits.
:func:`multiply_8` is the same for up to 8 columns (LeNet-5's first layer has 6): one
vector per row, blocks of up to twelve rows, masked loads, and whole rows of 8 written.
"""

from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.core.errors import TypingError
from numba.core.extending import intrinsic

WIDTH = 16
"""Columns of every result :func:`multiply_16` computes."""
BLOCK_ROWS = 6
"""Rows of the result one block keeps in registers."""
_VECTOR_BYTES = 32  # AVX: a vector holds 8 float32 or 4 float64 values
MIN_CHAINS = 8
"""Independent accumulators a block keeps at least (see :func:`_split`)."""


def _vector_type(dtype):
    element = ir.FloatType() if dtype == types.float32 else ir.DoubleType()
    return element, ir.VectorType(element, _VECTOR_BYTES // (dtype.bitwidth // 8))


def _check_operands(arrays):
    for array in arrays:
        if not (isinstance(array, types.Array) and array.layout == "C"
                and array.dtype in (types.float32, types.float64)):
            raise TypingError(f"the narrow products take C-contiguous float arrays; got {array}")
    if len({array.dtype for array in arrays}) != 1:
        raise TypingError("the narrow products take arrays of one dtype")


def _splat(builder, value, vector):
    """``value`` in every lane of a vector of type ``vector``."""
    undef = ir.Constant(vector, ir.Undefined)
    first = builder.insert_element(undef, value, ir.Constant(ir.IntType(32), 0))
    lanes = ir.Constant(ir.VectorType(ir.IntType(32), vector.count), [0] * vector.count)
    return builder.shuffle_vector(first, undef, lanes)


class _Loop:
    """A counted loop ``for i in range(n)`` carrying values in phi nodes."""

    def __init__(self, builder, name, n, carried):
        self.builder = builder
        index = ir.IntType(64)
        self.entry = builder.block
        self.head = builder.append_basic_block(f"{name}.head")
        self.body = builder.append_basic_block(f"{name}.body")
        self.exit = builder.append_basic_block(f"{name}.exit")
        builder.branch(self.head)
        builder.position_at_end(self.head)
        self.i = builder.phi(index)
        self.i.add_incoming(ir.Constant(index, 0), self.entry)
        self.values = []
        for value in carried:
            phi = builder.phi(value.type)
            phi.add_incoming(value, self.entry)
            self.values.append(phi)
        builder.cbranch(builder.icmp_signed("<", self.i, n), self.body, self.exit)
        builder.position_at_end(self.body)

    def close(self, updated):
        """End the body with the carried values ``updated``; continue after the loop, where
        ``self.values`` are the final values."""
        builder = self.builder
        latch = builder.block
        self.i.add_incoming(builder.add(self.i, ir.Constant(self.i.type, 1)), latch)
        for phi, value in zip(self.values, updated):
            phi.add_incoming(value, latch)
        builder.branch(self.head)
        builder.position_at_end(self.exit)
        return self.values


class _Vectors:
    """Loads and stores of the ``width`` columns of one row as AVX vectors; with
    ``columns`` (an LLVM value), loads read only the first ``columns`` of them (masked: zeros
    past them, and no memory touched there). Stores always write whole vectors: a masked
    store is slow on AMD's cores, so callers give such rows room for ``width`` values."""

    def __init__(self, builder, vector, width, columns=None):
        self.builder, self.vector = builder, vector
        self.count = width // vector.count
        suffix = f"v{vector.count}{'f32' if vector.element == ir.FloatType() else 'f64'}"
        self.masks = None
        if columns is not None:
            lanes = ir.VectorType(ir.IntType(64), vector.count)
            limit = _splat(builder, columns, lanes)
            self.masks = [builder.icmp_unsigned("<", ir.Constant(lanes, [
                v * vector.count + j for j in range(vector.count)]), limit)
                for v in range(self.count)]
            self._load = cgutils.get_or_insert_function(builder.module, ir.FunctionType(
                vector, [vector.as_pointer(), ir.IntType(32), self.masks[0].type, vector]),
                f"llvm.masked.load.{suffix}.p0")
        self.fma = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(vector, [vector] * 3), f"llvm.fma.{suffix}")

    def _pointers(self, address):
        row = self.builder.bitcast(address, self.vector.as_pointer())
        return [self.builder.gep(row, [ir.Constant(ir.IntType(64), v)])
                for v in range(self.count)]

    def load(self, address):
        if self.masks is None:
            return [self.builder.load(p, align=4) for p in self._pointers(address)]
        align, zeros = ir.Constant(ir.IntType(32), 4), ir.Constant(self.vector, None)
        return [self.builder.call(self._load, [p, align, mask, zeros])
                for p, mask in zip(self._pointers(address), self.masks)]

    def store(self, values, address):
        for value, p in zip(values, self._pointers(address)):
            self.builder.store(value, p, align=4)


def _split(n_rows, width):
    """Accumulator sets of a block of ``n_rows`` rows: enough for about 8 independent
    chains of additions (an FMA's result is ready after 4-5 cycles, and two issue per
    cycle); a block of one 16-wide row, for one, sums into four sets, each step into the
    next, the sets added at the end."""
    chains = n_rows * (width // 8)
    return -(-MIN_CHAINS // chains)


def _block(n_rows, width=WIDTH, masked=False):
    """An intrinsic that sets ``n_rows`` rows of ``width`` values of ``out`` (see
    :func:`multiply_16`, whose arguments it takes, ``n_rows`` aside, then ``columns``),
    their accumulators in registers (:func:`_split` sets of them); ``masked``: only the
    first ``columns`` of each row are read from ``b`` and ``init`` (all ``width`` are
    written)."""
    split = _split(n_rows, width)

    @intrinsic
    def block(typingctx, a, a_start, a_row_step, a_step, n_segments, segment_step,
              segment_length, b, b_start, b_step, b_segment_step, init, init_start,
              init_row_step, out, out_start, out_row_step, columns):
        _check_operands((a, b, init, out))
        i = types.intp
        signature = types.void(a, i, i, i, i, i, i, b, i, i, i, init, i, i, out, i, i, i)

        def codegen(context, builder, sig, args):
            _, vector = _vector_type(sig.args[0].dtype)
            index = ir.IntType(64)
            (a, a_start, a_row_step, a_step, n_segments, segment_step, segment_length, b,
             b_start, b_step, b_segment_step, init, init_start, init_row_step, out,
             out_start, out_row_step, columns) = args
            rows = _Vectors(builder, vector, width, columns if masked else None)

            def data(position, value):
                return context.make_array(sig.args[position])(context, builder, value).data

            def row_address(base, start, row_step, r):
                return builder.gep(base, [builder.add(
                    start, builder.mul(ir.Constant(index, r), row_step))])

            a_data, b_data = data(0, a), data(7, b)
            init_data, out_data = data(11, init), data(14, out)
            sums = [value for r in range(n_rows) for value in
                    rows.load(row_address(init_data, init_start, init_row_step, r))]
            zeros = ir.Constant(vector, None)
            sets = sums + [zeros] * (len(sums) * (split - 1))  # set 0 starts from init

            def accumulate(values, t, into):
                """One step ``t`` of the sums into accumulator set ``into``."""
                b_parts = rows.load(builder.gep(b_segment, [builder.mul(t, b_step)]))
                a_column = builder.gep(a_segment, [builder.mul(t, a_step)])
                values = list(values)
                for r in range(n_rows):
                    offset = builder.mul(ir.Constant(index, r), a_row_step)
                    a_value = _splat(builder, builder.load(builder.gep(a_column, [offset])),
                                     vector)
                    for v, part in enumerate(b_parts):
                        at = (into * n_rows + r) * rows.count + v
                        values[at] = builder.call(rows.fma, [a_value, part, values[at]])
                return values

            segments = _Loop(builder, "multiply.segment", n_segments, sets)
            s = segments.i
            a_segment = builder.gep(a_data, [builder.add(a_start, builder.mul(s, segment_step))])
            b_segment = builder.gep(b_data, [builder.add(b_start,
                                                         builder.mul(s, b_segment_step))])
            # Steps in groups of ``split``, step u of a group into set u: independent
            # chains of additions for the FMA units; the steps left over into set 0.
            split_value = ir.Constant(index, split)
            groups = builder.sdiv(segment_length, split_value)
            grouped = _Loop(builder, "multiply.group", groups, segments.values)
            values = grouped.values
            for u in range(split):
                t = builder.add(builder.mul(grouped.i, split_value), ir.Constant(index, u))
                values = accumulate(values, t, u)
            values = grouped.close(values)
            if split > 1:
                done = builder.mul(groups, split_value)
                tail = _Loop(builder, "multiply.tail", builder.sub(segment_length, done),
                             values)
                values = tail.close(accumulate(tail.values, builder.add(done, tail.i), 0))
            segments.close(values)

            per_set = len(sums)
            totals = segments.values[:per_set]
            for u in range(1, split):  # in a fixed order: set 0, then 1, ...
                totals = [builder.fadd(total, value) for total, value in
                          zip(totals, segments.values[u * per_set:(u + 1) * per_set])]
            for r in range(n_rows):
                rows.store(totals[r * rows.count:(r + 1) * rows.count],
                           row_address(out_data, out_start, out_row_step, r))
            return context.get_dummy_value()

        return signature, codegen

    return block


_six_rows, _five_rows, _four_rows, _three_rows, _two_rows, _one_row = (
    _block(n_rows) for n_rows in range(BLOCK_ROWS, 0, -1))
NARROW_WIDTH = 8
"""Columns of :func:`multiply_8`'s results (at most; fewer are masked)."""
NARROW_BLOCK_ROWS = 12
"""Rows of :func:`multiply_8`'s result one block keeps in registers (one vector each)."""
_twelve_narrow, _eight_narrow, _four_narrow, _two_narrow, _one_narrow = (
    _block(n_rows, NARROW_WIDTH, masked=True) for n_rows in (12, 8, 4, 2, 1))


@njit(cache=True, nogil=True)
def multiply_16(a, a_start, a_row_step, a_step, n_segments, segment_step, segment_length, b,
                b_start, b_step, b_segment_step, init, init_start, init_row_step, out,
                out_start, out_row_step, n_rows):
    """Rows ``r < n_rows`` of a product with 16 columns; every operand a C-contiguous
    array read through flat offsets and strides (in elements)::

        out[out_start + r * out_row_step + j] = init[init_start + r * init_row_step + j]
            + sum(a[a_start + r * a_row_step + s * segment_step + t * a_step]
                  * b[b_start + s * b_segment_step + t * b_step + j]
                  for s in range(n_segments) for t in range(segment_length))

    for ``j < 16``: ``a``'s row ``r`` is a sequence of ``n_segments`` runs, and ``b`` one
    row per step of that sequence (``b_segment_step = segment_length * b_step``: rows
    evenly apart; else its rows in runs too). ``init`` may be ``out`` itself (accumulate)
    or a vector with ``init_row_step`` 0 (a bias, or zeros). Nothing is bounds-checked: the caller
    passes ranges that lie inside the arrays.
    """
    r = 0
    while n_rows - r >= BLOCK_ROWS:
        _six_rows(a, a_start + r * a_row_step, a_row_step, a_step, n_segments, segment_step,
                  segment_length, b, b_start, b_step, b_segment_step, init,
                  init_start + r * init_row_step, init_row_step, out,
                  out_start + r * out_row_step, out_row_step, WIDTH)
        r += BLOCK_ROWS
    left = n_rows - r
    if left == 0:
        return
    args = (a, a_start + r * a_row_step, a_row_step, a_step, n_segments, segment_step,
            segment_length, b, b_start, b_step, b_segment_step, init,
            init_start + r * init_row_step, init_row_step, out, out_start + r * out_row_step,
            out_row_step, WIDTH)
    # The rows left over get a block of their own size: one row per call would leave the
    # FMA units waiting on two chains of additions.
    if left == 5:
        _five_rows(*args)
    elif left == 4:
        _four_rows(*args)
    elif left == 3:
        _three_rows(*args)
    elif left == 2:
        _two_rows(*args)
    else:
        _one_row(*args)


@njit(cache=True, nogil=True)
def multiply_8(a, a_start, a_row_step, a_step, n_segments, segment_step, segment_length, b,
               b_start, b_step, b_segment_step, init, init_start, init_row_step, out,
               out_start, out_row_step, columns, n_rows):
    """:func:`multiply_16` for ``columns`` (1 to 8) columns, one AVX vector per row and
    blocks of up to 12 rows: the same sums for ``j < columns``, with nothing past
    ``columns`` read from ``b`` and ``init`` (masked loads), but 8 values written per row
    of ``out``, zeros past ``columns`` (unless ``a`` holds infinities or NaN), rows in
    order: rows closer than 8 apart have their surplus overwritten by the next row's
    values, and the last row's surplus lands past it."""
    r = 0
    while r < n_rows:
        args = (a, a_start + r * a_row_step, a_row_step, a_step, n_segments, segment_step,
                segment_length, b, b_start, b_step, b_segment_step, init,
                init_start + r * init_row_step, init_row_step, out,
                out_start + r * out_row_step, out_row_step, columns)
        left = n_rows - r
        if left >= 12:
            _twelve_narrow(*args)
            r += 12
        elif left >= 8:
            _eight_narrow(*args)
            r += 8
        elif left >= 4:
            _four_narrow(*args)
            r += 4
        elif left >= 2:
            _two_narrow(*args)
            r += 2
        else:
            _one_narrow(*args)
            r += 1
