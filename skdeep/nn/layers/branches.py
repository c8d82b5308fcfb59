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
"""

from .base import Layer


class BranchFork(Layer):
    """Keeps the input every branch reads; sums the branches' input gradients."""

    label = "Branches"

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

    def __init__(self, fork, mode="add", residual_channels=0, identity_channels=0):
        self.fork = fork
        self.mode = mode
        self.residual_channels = residual_channels
        self.identity_channels = identity_channels
        """Channels of the fork's input (``"dual"``: the residual part and the rest)."""

    @property
    def label(self):
        return self._LABELS[self.mode]

    def forward(self, x, ctx):
        outputs = [*self.fork.outputs(), x]
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
        if self.mode == "concat":
            grads = self.backend.split_channels(dy, self._sizes)
        elif self.mode == "dual":
            grads = self._dual_backward(dy)
        else:
            grads = [dy] * (len(self.fork.outputs()) + 1)
        self.fork.hand_out_gradients(grads)
        return grads[-1]

    def _dual_forward(self, f, x):
        backend, r = self.backend, self.residual_channels
        f_res, f_new = backend.split_channels(f, [r, f.shape[3] - r])
        x_parts = backend.split_channels(x, [r, x.shape[3] - r]) if x.shape[3] > r else [x]
        self._sizes = [r, x.shape[3] - r, f.shape[3] - r]
        return backend.concat_channels([backend.add(x_parts[0], f_res), *x_parts[1:], f_new])

    def _dual_backward(self, dy):
        """The gradients of ``F(x)``'s output and of the identity branch's (``x``)."""
        backend = self.backend
        sizes = [size for size in self._sizes if size]
        parts = backend.split_channels(dy, sizes)
        g_res, g_new = parts[0], parts[-1]
        g_dense = parts[1:-1]
        return [backend.concat_channels([g_res, g_new]),
                backend.concat_channels([g_res, *g_dense]) if g_dense else g_res]
