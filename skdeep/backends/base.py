"""The interface every backend implements: where a network's arrays live and its maths runs.

Layers, losses, optimizers and the training step call a backend, never NumPy or a kernel
directly; :class:`~skdeep.backends.cpu.CPUBackend` and
:class:`~skdeep.backends.cuda.CUDABackend` implement every method below (a test checks that
they expose the same members). Image tensors are channels-last (N, H, W, C); geometry is
that of :mod:`skdeep.ops.shapes`.
"""

from abc import ABC, abstractmethod


class Backend(ABC):
    """Arrays, kernels and the threading policy of one kind of device."""

    name = ""
    """Short name of the device (``"cpu"``, ``"cuda"``)."""

    reorders_whole_epoch = True
    """How a shuffled epoch gets its batches. True: the data set is copied once in the
    epoch's order (on a GPU, one kernel instead of one per batch). False: each batch's rows
    are taken when the batch runs (on the CPU: no second copy of the data set in memory)."""

    # -- arrays ----------------------------------------------------------------------------
    @abstractmethod
    def asarray(self, a, dtype=None):
        """``a`` as an array of this backend (a copy to the device where needed)."""

    @abstractmethod
    def to_numpy(self, a):
        """A NumPy array with ``a``'s values."""

    @abstractmethod
    def empty(self, shape, dtype): ...

    @abstractmethod
    def zeros(self, shape, dtype, slot=None):
        """Zeros; ``slot`` (an int) places a flat vector that update loops stream through
        together with others of other slots (on the CPU ``slot`` KB into a 4 KB page, see
        :func:`skdeep.ops.cpu.flat.placed_zeros`; ignored on a GPU)."""

    @abstractmethod
    def copy(self, a): ...

    @abstractmethod
    def copy_into(self, out, a): ...

    @abstractmethod
    def take_rows(self, a, order):
        """``a[order]`` along the first axis."""

    @abstractmethod
    def is_finite(self, a):
        """Whether every entry of ``a`` is finite (a bool on the host)."""

    @abstractmethod
    def uniform_fraction(self, n, dtype):
        """``full(n, 1 / n)``: equal shares of a batch of ``n`` samples."""

    @abstractmethod
    def row_keys(self, X, seed):
        """Content hashes of the rows of the host array ``X``, on this backend."""

    # -- a fit's resources -----------------------------------------------------------------
    @abstractmethod
    def loss_total(self):
        """An accumulator of weighted batch losses: ``add(weight, *values)``, then ``mean()``
        or ``sum()`` (the weighted sum) read once."""

    @abstractmethod
    def workspace(self):
        """Reusable buffers for training steps (``step()`` is a context manager)."""

    @abstractmethod
    def compute_context(self, convolutional):
        """Context manager around training and prediction: the backend's threading policy
        for a network with (``convolutional``) or without image layers."""

    # -- dense layers, masks, activations --------------------------------------------------
    @abstractmethod
    def dense_forward(self, x, weights, bias): ...

    @abstractmethod
    def dense_backward(self, x, dy, weights, dweights, dbias, need_dx): ...

    @abstractmethod
    def keep_mask(self, keys, stream, rate, shape, dtype):
        """Inverted-dropout mask; ``keys=None`` is one row keyed 0."""

    @abstractmethod
    def multiply(self, a, mask): ...

    @abstractmethod
    def multiply_into(self, a, mask): ...

    @abstractmethod
    def activation(self, name, z): ...

    @abstractmethod
    def activation_backward(self, name, dy, z, a): ...

    @abstractmethod
    def maxout(self, x, pieces): ...

    @abstractmethod
    def maxout_backward(self, dy, winner, pieces, x_shape): ...

    # -- batch normalization ---------------------------------------------------------------
    # ``relu``: the layer also applies the ReLU layer that follows it (a pair fused by
    # :func:`skdeep.nn.network.fuse_batch_norm_relu`); the cache remembers it for backward.
    @abstractmethod
    def batch_norm_forward(self, rows, fraction, positions, gamma, beta, eps, running_mean,
                           running_var, momentum, relu=False): ...

    @abstractmethod
    def batch_norm_backward(self, dy, cache, gamma, dgamma, dbeta): ...

    @abstractmethod
    def batch_norm_inference(self, rows, gamma, beta, running_mean, running_var, eps,
                             relu=False): ...

    # Batch norm of maps (N, H, W, C) and the 2x2 max pooling after it (stride 2, no
    # padding) as one operation (a pair fused by
    # :func:`skdeep.nn.network.fuse_batch_norm_max_pool`): returns the pooled output and
    # the cache; backward takes the pooled output's gradient and returns the maps'.
    @abstractmethod
    def batch_norm_max_pool_forward(self, x, fraction, positions, gamma, beta, eps,
                                    running_mean, running_var, momentum, relu=False): ...

    @abstractmethod
    def batch_norm_max_pool_backward(self, dy, cache, gamma, dgamma, dbeta): ...

    # -- convolution, pooling, shortcuts, augmentation -------------------------------------
    @abstractmethod
    def conv2d(self, x, weights, bias, kernel, stride, geometry): ...

    @abstractmethod
    def conv2d_backward(self, dy, x, weights, kernel, stride, geometry, need_dx, dweights,
                        dbias):
        """Fill ``dweights`` and ``dbias``; return ``dx`` (None unless ``need_dx``)."""

    @abstractmethod
    def max_pool2d(self, x, pool, stride, out_hw, pad=(0, 0)):
        """The output and the input position each output took."""

    @abstractmethod
    def pool2d_backward_from_index(self, dy, index, x_shape, pool, stride, pad=(0, 0)): ...

    @abstractmethod
    def avg_pool2d(self, x, pool, stride, out_hw, pad=(0, 0)): ...

    @abstractmethod
    def avg_pool2d_backward(self, dy, pool, stride, x_shape, pad=(0, 0)): ...

    @abstractmethod
    def stochastic_pool2d_sample(self, x, keys, stream, pool, stride, out_hw, pad=(0, 0)):
        ...

    @abstractmethod
    def stochastic_pool2d_expectation(self, x, pool, stride, out_hw, pad=(0, 0)): ...

    @abstractmethod
    def add(self, a, b): ...

    @abstractmethod
    def scale(self, a, factor):
        """A new array ``a * factor``."""

    @abstractmethod
    def concat_channels(self, parts):
        """Channels-last maps of the same (N, H, W) joined along the channel axis."""

    @abstractmethod
    def split_channels(self, dy, sizes):
        """``dy``'s channels cut into parts of ``sizes`` channels (the concat's gradient)."""

    # A dense block grows one buffer (:func:`skdeep.nn.layers.branches.grow_dense_blocks`):
    # its layers read channel slices ``buffer[:, :, :, :c]`` (views) where they lie.
    @abstractmethod
    def rows(self, x, width):
        """``x`` as (rows, ``width``), a view also when ``x`` is a channel slice."""

    @abstractmethod
    def write_channels(self, dst, start, part):
        """``dst[..., start:start + C] = part`` in place (``part`` has C channels)."""

    @abstractmethod
    def take_channels(self, a, start, count):
        """A new contiguous array of ``a[..., start:start + count]``."""

    @abstractmethod
    def add_into(self, dst, src):
        """``dst += src`` in place; ``dst`` may be a channel slice."""

    @abstractmethod
    def dual_path_merge(self, x, f, residual):
        """DPN's merge: ``[x[..., :r] + f[..., :r], x[..., r:], f[..., r:]]``."""

    @abstractmethod
    def dual_path_gradients(self, dy, x_width, f_width, residual):
        """The gradients ``(dx, df)`` of :meth:`dual_path_merge`."""

    @abstractmethod
    def strided_window(self, source, offset, stride, out_hw): ...

    @abstractmethod
    def strided_window_backward(self, dy, source_shape, offset, stride): ...

    @abstractmethod
    def shift_flip(self, x, keys, stream, max_shift, flip): ...

    # -- losses, penalties, clipping, optimizers -------------------------------------------
    @abstractmethod
    def loss_and_gradient(self, name, raw, y, p):
        """The batch loss (a float, or a one-element device array) and its gradient."""

    @abstractmethod
    def link(self, name, raw): ...

    @abstractmethod
    def add_penalty(self, weights, grad, l1, l2):
        """Add the L1/L2 penalty's gradient to ``grad``; return the penalty's value."""

    @abstractmethod
    def clip_gradient(self, grad, clip_norm, clip_value): ...

    @property
    @abstractmethod
    def updates(self):
        """The optimizers' fused updates: a module with ``sgd_step``, ``momentum_step``,
        ``adagrad_step``, ``rmsprop_step``, ``adadelta_step``, ``adam_step`` and ``scale``
        (:mod:`skdeep.ops.cpu.optimizers`, :mod:`skdeep.ops.cuda.optimizers`). A new
        optimizer adds its update there, in both, and nothing here."""
