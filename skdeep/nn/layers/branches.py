"""Parallel branches in a flat layer list: ``[fork, branch 1 ..., switch, branch 2 ...,
merge]``.

Every branch reads the fork's input. :class:`BranchSwitch` ends one branch (keeping its
output) and starts the next from the fork's input again; :class:`BranchMerge` ends the
last branch and adds the branches' outputs or concatenates them along the channels.
Backward runs the list in reverse: the merge hands each branch the gradient of its
output, each switch collects the gradient that its branch sent back to the fork's input
and hands the previous branch its output gradient, and the fork sums what all branches
sent back.

A branch may be empty (the identity): that is a residual block's shortcut, or, with
concatenation, a dense layer's input passed on beside its new maps. A projection
shortcut is a branch of its own layers, e.g. a 1x1 convolution and batch norm.

Dense blocks grow one buffer (:func:`grow_dense_blocks`): concatenating a dense layer's
input and its new maps copies the input, and a block of L layers would copy its maps
L times (L^2 / 2 copies of a layer's width). Instead the first merge of a run of dense
layers allocates the block's final width and every merge writes only its new maps into
their channel slice; each layer reads the channels before its own as a view (a channel
slice: rows of the block's width, which batch norm reads where they lie). In backward the
block's gradient is one array too: each merge hands the identity branch a view of the
channels before its own, and each fork adds its new maps' input gradient into that view
in place.
"""

from .base import Layer
from .batch_norm import BatchNorm


class BranchFork(Layer):
    """Keeps the input every branch reads; sums the branches' input gradients."""

    label = "Branches"
    adds_in_place = False
    """Set by :func:`grow_dense_blocks`: the identity branch's gradient is a view of a
    dense block's gradient, and the other branch's input gradient is added into it."""

    def forward(self, x, ctx):
        self._x = x
        self._outputs = []
        return x

    def branch_input(self):
        return self._x

    def keep_output(self, y):
        """Called by a switch: the output of the branch that just ended."""
        self._outputs.append(y)

    def outputs(self):
        return self._outputs

    def hand_out_gradients(self, grads):
        """Called by the merge: one output gradient per branch, first to last."""
        self._grads = list(grads)
        self._d_input = None

    def next_gradient(self, d_input):
        """Called by a switch in backward: add ``d_input`` (the gradient that the branch
        after the switch sent to the fork's input, None when not needed) and return the
        output gradient of the branch before the switch."""
        self._collect(d_input)
        self._grads.pop()  # the branch after the switch is done
        return self._grads[-1]

    def _collect(self, d_input):
        if d_input is None:
            return
        self._d_input = d_input if self._d_input is None else self.backend.add(
            self._d_input, d_input)

    def backward(self, dy):
        if self.adds_in_place and self._d_input is not None:
            self.backend.add_into(dy, self._d_input)  # dy + d: the same sum as _collect's
            self._d_input = dy
        else:
            self._collect(dy)
        return self._d_input if self.needs_input_grad else None


class BranchSwitch(Layer):
    """Ends a branch and starts the next from the fork's input."""

    label = "Next branch"

    def __init__(self, fork):
        self.fork = fork

    def forward(self, x, ctx):
        self.fork.keep_output(x)
        return self.fork.branch_input()

    def backward(self, dy):
        return self.fork.next_gradient(dy)


class BranchMerge(Layer):
    """Ends the last branch: ``y`` = the sum of the branches' outputs (``"add"``), the
    outputs side by side along the channels, first branch first (``"concat"``), or a dual
    path (``"dual"``, DPN's, two branches: a block ``F`` and the identity): the first
    ``residual_channels`` channels of ``F(x)`` are added to those of ``x`` (the residual
    path) and the rest of ``F(x)`` is appended after ``x``'s other channels (the dense
    path): ``y = [x_res + F_res, x_dense, F_new]``."""

    _LABELS = {"add": "Add branches", "concat": "Concatenate branches",
               "dual": "Dual path: add and concatenate"}

    block_width = None
    """Set by :func:`grow_dense_blocks` on the merges of a run of dense layers: the
    channels of the block's buffer (the last merge's output)."""
    extends = None
    """Set by :func:`grow_dense_blocks`: the previous merge of the run, whose buffer this
    merge writes its new maps into (None: the first merge, which allocates it)."""

    def __init__(self, fork, mode="add", residual_channels=0, identity_channels=0,
                 out_channels=None):
        self.fork = fork
        self.mode = mode
        self.residual_channels = residual_channels
        self.identity_channels = identity_channels
        """Channels of the fork's input (``"dual"``: the residual part and the rest)."""
        self.out_channels = out_channels
        """Channels of the merge's output (None: not recorded)."""

    @property
    def label(self):
        return self._LABELS[self.mode]

    def forward(self, x, ctx):
        outputs = [*self.fork.outputs(), x]
        if self.block_width is not None:
            return self._grow(*outputs)
        if self.mode == "concat":
            self._sizes = [output.shape[3] for output in outputs]  # maps: (N, H, W, C)
            return self.backend.concat_channels(outputs)
        if self.mode == "dual":
            return self._dual_forward(*outputs)
        total = outputs[0]
        for output in outputs[1:]:
            total = self.backend.add(total, output)
        return total

    def backward(self, dy):
        if self.extends is not None:  # a view of the block's gradient, and the new maps'
            c, k = self._sizes
            grads = [dy[:, :, :, :c], self.backend.take_channels(dy, c, k)]
        elif self.mode == "concat":
            grads = self.backend.split_channels(dy, self._sizes)
        elif self.mode == "dual":
            grads = self._dual_backward(dy)
        else:
            grads = [dy] * (len(self.fork.outputs()) + 1)
        self.fork.hand_out_gradients(grads)
        return grads[-1]

    def _grow(self, x, new):
        """A dense layer's output in the block's buffer: ``x`` is already there (but for the
        first merge of the run), the new maps are written beside it."""
        backend, c, k = self.backend, x.shape[3], new.shape[3]
        if self.extends is None:
            buffer = backend.empty(tuple(x.shape[:3]) + (self.block_width,), x.dtype)
            backend.write_channels(buffer, 0, x)
        else:
            buffer = self.extends.__dict__.pop("_buffer")
        backend.write_channels(buffer, c, new)
        self._sizes = [c, k]
        if c + k == self.block_width:
            return buffer  # the run's last merge: the whole buffer, contiguous
        self._buffer = buffer
        return buffer[:, :, :, :c + k]

    def _dual_forward(self, f, x):
        self._sizes = [x.shape[3], f.shape[3]]
        return self.backend.dual_path_merge(x, f, self.residual_channels)

    def _dual_backward(self, dy):
        """The gradients of ``F(x)``'s output and of the identity branch's (``x``)."""
        dx, df = self.backend.dual_path_gradients(dy, *self._sizes, self.residual_channels)
        return [df, dx]


def grow_dense_blocks(layers):
    """Let each run of dense layers write into one buffer (see the module's docstring).

    A dense layer is ``[fork, switch, layers..., merge]``: concatenation of its input (an
    empty first branch) and its new maps. A merge directly followed by such a layer whose
    new maps start with batch norm (which reads a channel slice in place) starts or
    extends a run; the values are those of separate concatenations, to the bit. Every
    fork's and merge's flags are reset first (a layer list may be built into a network
    again, e.g. cut for transfer learning).
    """
    for layer in layers:
        if isinstance(layer, BranchMerge):
            layer.block_width = layer.extends = None
        elif isinstance(layer, BranchFork):
            layer.adds_in_place = False
    run = []
    for index, layer in enumerate(layers):
        if not _is_dense_layer(layers, index):
            continue
        start = layers.index(layer.fork)
        reads_slices = isinstance(layers[start + 2], BatchNorm)
        if run and start and run[-1] is layers[start - 1] and reads_slices:
            layer.extends = run[-1]
            layer.fork.adds_in_place = True
        else:
            _close_run(run)
            run = []
        run.append(layer)
    _close_run(run)


def _close_run(run):
    if len(run) < 2:
        if run:
            run[0].extends = None
        return
    for merge in run:
        merge.block_width = run[-1].out_channels


def _is_dense_layer(layers, index):
    """Whether ``layers[index]`` merges a dense layer: concatenation of two branches, the
    first empty, the second not."""
    merge = layers[index]
    if not (isinstance(merge, BranchMerge) and merge.mode == "concat"
            and merge.out_channels is not None):
        return False
    start = layers.index(merge.fork)
    switches = [i for i, layer in enumerate(layers)
                if isinstance(layer, BranchSwitch) and layer.fork is merge.fork]
    return switches == [start + 1] and index > start + 2
