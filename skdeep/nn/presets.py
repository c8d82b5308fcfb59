"""The CNN families as layer specs (see :mod:`skdeep.nn.specs`), sized for small images.

Each preset is a function of the input (H, W, C), ``width`` and ``depth`` (None: the
preset's default) that returns the specs of its feature extractor; the estimator's dense
head (``hidden_layer_sizes``) and output layer follow it.
"""

import math
from collections.abc import Callable
from typing import NamedTuple


class Preset(NamedTuple):
    build: Callable
    width: int
    """Default ``width``: base channels (the first stage's)."""
    depth: int
    """Default ``depth``."""
    min_size: int
    """Smallest height and width of the input it takes."""
    variable_depth: bool = False
    """Whether ``depth`` chooses among several depths (else only the default builds)."""


def _lenet5(hw, width, depth):
    # LeNet-5 on 32x32; a 28x28 input is padded by 2 in the first convolution.
    first_padding = 2 if min(hw) < 32 else "valid"
    return [("conv", width, 5, 1, first_padding), "tanh", ("avgpool", 2),
            ("conv", width * 16 // 6, 5, 1, "valid"), "tanh", ("avgpool", 2)]


def _alexnet(hw, width, depth):
    # Five convolutions with ReLU, overlapping 3x3 max pooling with stride 2.
    return [("conv", width, 5), "relu", ("maxpool", 3, 2),
            ("conv", 2 * width, 5), "relu", ("maxpool", 3, 2),
            ("conv", 3 * width, 3), "relu",
            ("conv", 3 * width, 3), "relu",
            ("conv", 2 * width, 3), "relu", ("maxpool", 3, 2)]


VGG_STAGES = {11: (1, 1, 2, 2, 2), 13: (2, 2, 2, 2, 2), 16: (2, 2, 3, 3, 3),
              19: (2, 2, 4, 4, 4)}


def _vgg(hw, width, depth):
    if depth not in VGG_STAGES:
        raise ValueError(f"depth={depth!r} is not a VGG depth: 'vgg' builds "
                         f"{', '.join(map(str, VGG_STAGES))}.")
    specs, size = [], min(hw)
    for stage, convs in enumerate(VGG_STAGES[depth]):
        channels = width * min(2 ** stage, 8)
        specs += [spec for _ in range(convs) for spec in (("conv", channels, 3), "bn", "relu")]
        if size >= 2:  # on 28x28 the fifth stage's map is 1x1 already: no pooling there
            specs.append(("maxpool", 2))
            size //= 2
    return specs


def _resnet(hw, width, depth):
    if depth < 8 or (depth - 2) % 6:
        raise ValueError(f"depth={depth!r} is not a ResNet depth: 'resnet' builds 6n + 2 "
                         "layers (8, 14, 20, 32, 44, 56, ...).")
    blocks = (depth - 2) // 6
    specs = [("conv", width, 3), "bn", "relu"]
    for stage in range(3):
        channels = width * 2 ** stage
        for block in range(blocks):
            if stage > 0 and block == 0:  # halve the map: a 1x1 projection with batch norm
                # Padding 1 (not "same") so that the 3x3 windows centre on the pixels the
                # strided 1x1 shortcut reads: 0, 2, 4, ...
                body = [("conv", channels, 3, 2, 1), "bn", "relu", ("conv", channels, 3), "bn"]
                specs += [("residual", body, [("conv", channels, 1, 2, 0), "bn"]), "relu"]
            else:
                body = [("conv", channels, 3), "bn", "relu", ("conv", channels, 3), "bn"]
                specs += [("residual", body), "relu"]
    return specs + ["gap"]


def _densenet(hw, width, depth):
    # DenseNet-BC: growth rate k = width, bottleneck layers, compression 0.5.
    if depth < 10 or (depth - 4) % 6:
        raise ValueError(f"depth={depth!r} is not a DenseNet-BC depth: 'densenet' builds "
                         "6n + 4 layers (10, 16, 22, 40, 100, ...).")
    layers_per_block, k = (depth - 4) // 6, width
    channels = 2 * k
    specs = [("conv", channels, 3)]
    for block in range(3):
        for _ in range(layers_per_block):
            new_maps = ["bn", "relu", ("conv", 4 * k, 1), "bn", "relu", ("conv", k, 3)]
            specs.append(("concat", [], new_maps))  # every layer reads all earlier maps
            channels += k
        if block < 2:  # a transition halves the channels and the map
            channels //= 2
            specs += ["bn", "relu", ("conv", channels, 1), ("avgpool", 2)]
    return specs + ["bn", "relu", "gap"]


def _inception_module(unit):
    """GoogLeNet's module (3a's proportions: 1x1 | 1x1 -> 3x3 | 1x1 -> 5x5 | pool -> 1x1
    with 64 | 96 -> 128 | 16 -> 32 | 32 maps at unit 64), each conv with batch norm; it
    outputs ``4 * unit`` maps."""

    def conv(filters, size):
        return [("conv", max(int(filters), 1), size), "bn", "relu"]

    return ("concat", conv(unit, 1),
            conv(1.5 * unit, 1) + conv(2 * unit, 3),
            conv(unit / 4, 1) + conv(unit / 2, 5),
            [("maxpool", 3, 1, 1)] + conv(unit / 2, 1))


def _inception_groups(depth):
    """Modules per group: GoogLeNet's 2 + 5 + 2 at depth 9, in proportion otherwise."""
    outer = max(1, round(2 * depth / 9))
    return outer, depth - 2 * outer, outer


def _auxiliary_classifier(width, size):
    # GoogLeNet's: 5x5 average pooling, stride 3, a 1x1 conv, a dense layer, dropout 0.7.
    pool = min(size, 5)
    return ("aux", [("avgpool", pool, 3), ("conv", 2 * width, 1), "bn", "relu"], 16 * width,
            0.7)


def _inception(hw, width, depth):
    if depth < 3:
        raise ValueError(f"depth={depth!r} is not an Inception depth: 'inception' builds 3 "
                         "or more modules (9: GoogLeNet's 2 + 5 + 2).")
    specs, size = [("conv", 3 * width, 3), "bn", "relu"], min(hw)
    for group, modules in enumerate(_inception_groups(depth)):
        if group:  # halve the map between groups
            specs.append(("maxpool", 3, 2, 1))
            size = -(-size // 2)
        for module in range(modules):
            specs.append(_inception_module(width * 2 ** group))
            # Auxiliary classifiers on the middle group: GoogLeNet's after 4a and 4d.
            if group == 1 and module in {0, modules - 2} and module < modules - 1:
                specs.append(_auxiliary_classifier(width, size))
    return specs + ["gap", ("dropout", 0.4)]


def _dpn(hw, width, depth):
    # Dual path networks for small images: three stages, each opened by a 1x1 projection
    # (and an average pooling after the first) into a residual part and a dense part.
    if depth < 3 or depth % 3:
        raise ValueError(f"depth={depth!r} is not a DPN depth: 'dpn' builds 3n blocks "
                         "(3, 6, 9, ...), n per stage.")
    growth = max(width // 2, 1)
    specs = [("conv", 2 * width, 3), "bn", "relu"]
    for stage in range(3):
        residual, bottleneck = 2 * width * 2 ** stage, width * 2 ** stage
        groups = math.gcd(bottleneck, 4)
        specs += ["bn", "relu", ("conv", residual + 2 * growth, 1)]
        if stage:
            specs.append(("avgpool", 2))
        for _ in range(depth // 3):
            block = ["bn", "relu", ("conv", bottleneck, 1),
                     "bn", "relu", ("conv", bottleneck, 3, 1, "same", groups),
                     "bn", "relu", ("conv", residual + growth, 1)]
            specs.append(("dual", block, residual))
    return specs + ["bn", "relu", "gap"]


PRESETS = {
    # LeNet-5 (LeCun et al., 1998); AlexNet (Krizhevsky et al., 2012), small; VGG
    # (Simonyan & Zisserman, 2014); ResNet for small images (He et al., 2016);
    # DenseNet-BC (Huang et al., 2017). The user guide's "CNN families" page describes them.
    "lenet5": Preset(_lenet5, width=6, depth=5, min_size=12),
    "alexnet": Preset(_alexnet, width=32, depth=8, min_size=15),
    "vgg": Preset(_vgg, width=16, depth=11, min_size=8, variable_depth=True),
    "resnet": Preset(_resnet, width=16, depth=20, min_size=8, variable_depth=True),
    "densenet": Preset(_densenet, width=12, depth=40, min_size=8, variable_depth=True),
    # GoogLeNet (Szegedy et al., 2015) with batch norm in every conv (Ioffe & Szegedy,
    # 2015); dual path networks (Chen et al., 2017).
    "inception": Preset(_inception, width=16, depth=9, min_size=8, variable_depth=True),
    "dpn": Preset(_dpn, width=16, depth=6, min_size=8, variable_depth=True),
}


def preset_specs(name, in_shape, width=None, depth=None):
    """The specs of preset ``name`` for channels-last input ``in_shape`` (H, W, C).

    Raises
    ------
    ValueError
        When the input is smaller than the preset takes (naming the preset and the
        smallest size), or ``depth`` is one the preset cannot build.
    """
    preset = PRESETS[name]
    height, width_px = in_shape[:2]
    if min(height, width_px) < preset.min_size:
        raise ValueError(
            f"architecture={name!r} takes images of at least {preset.min_size}x"
            f"{preset.min_size} pixels; the input is {height}x{width_px}."
        )
    if depth is not None and not preset.variable_depth and depth != preset.depth:
        variable = sorted(key for key, p in PRESETS.items() if p.variable_depth)
        raise ValueError(f"depth={depth!r}: architecture={name!r} has one depth "
                         f"({preset.depth}); depth chooses among {variable}'s.")
    return preset.build((height, width_px), width or preset.width, depth or preset.depth)
