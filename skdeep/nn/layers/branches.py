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
    """Ends the last branch: ``y`` = the sum of the branches' outputs (``"add"``) or the
    outputs side by side along the channels, first branch first (``"concat"``)."""

    def __init__(self, fork, mode="add"):
        self.fork = fork
        self.mode = mode

    @property
    def label(self):
        return "Add branches" if self.mode == "add" else "Concatenate branches"

    def forward(self, x, ctx):
        outputs = [*self.fork.outputs(), x]
        if self.mode == "concat":
            self._sizes = [output.shape[3] for output in outputs]  # maps: (N, H, W, C)
            return self.backend.concat_channels(outputs)
        total = outputs[0]
        for output in outputs[1:]:
            total = self.backend.add(total, output)
        return total

    def backward(self, dy):
        if self.mode == "concat":
            grads = self.backend.split_channels(dy, self._sizes)
        else:
            grads = [dy] * (len(self.fork.outputs()) + 1)
        self.fork.hand_out_gradients(grads)
        return grads[-1]
