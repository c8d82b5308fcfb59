"""architecture: presets of the CNN families and hand-written layer-spec lists."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV

from skdeep import CNNClassifier, CNNRegressor
from skdeep.nn.layers import (
    AuxiliaryOutput,
    AvgPool2D,
    BranchMerge,
    Conv2D,
    MaxPool2D,
    ResidualAdd,
)
from skdeep.nn.presets import PRESETS

RNG = np.random.default_rng(0)


def images(n, channels, size):
    return RNG.standard_normal((n, channels, size, size)).astype(np.float32)


def small(architecture, **params):
    """A preset kept small enough for the test suite (width 4, one epoch)."""
    params = dict(dict(width=4, hidden_layer_sizes=(8,), max_iter=1, batch_size=8,
                       random_state=0), **params)
    return CNNClassifier(architecture=architecture, **params)


@pytest.mark.parametrize("architecture", sorted(PRESETS))
@pytest.mark.parametrize("channels, size", [(1, 28), (3, 32)])
def test_every_preset_fits_and_predicts_small_images(architecture, channels, size):
    X, y = images(16, channels, size), np.arange(16) % 3
    # the shallowest, for speed
    depth = {"resnet": 8, "densenet": 10, "inception": 3, "dpn": 3}.get(architecture)
    model = small(architecture, depth=depth).fit(X, y)
    assert model.predict(X).shape == (16,)
    assert np.isfinite(model.predict_proba(X)).all()
    rows = model.summary().splitlines()
    assert f"Total parameters: {model._network.theta.size:,}" in rows[-1]


def test_resnet20_has_the_published_parameter_count():
    # ResNet-20 on CIFAR-size input (16/32/64 channels) has 0.27M parameters (He et al.);
    # the two stage transitions project with a strided 1x1 convolution and batch norm.
    model = CNNClassifier(architecture="resnet", depth=20, hidden_layer_sizes=(), max_iter=1,
                          random_state=0).fit(images(4, 3, 32), np.arange(4) % 2)
    assert 0.26e6 < model._network.theta.size < 0.29e6
    kinds = [type(layer) for layer in model._network.layers]
    assert kinds.count(ResidualAdd) == 7 and kinds.count(BranchMerge) == 2
    assert isinstance(model._network.layers[-3], AvgPool2D)


def test_densenet_layers_read_every_earlier_map_of_their_block():
    model = small("densenet", depth=16).fit(images(8, 1, 28), np.arange(8) % 2)  # 2 per block
    rows = model.summary()
    # width 4 = growth rate k: 8 initial maps, +4 per dense layer, halved by transitions
    for channels, size in [(12, 28), (16, 28), (8, 14), (12, 14), (16, 14), (8, 7), (16, 7)]:
        assert f"({channels}, {size}, {size})" in rows


def test_googlenet_groups_its_modules_and_puts_auxiliary_classifiers_on_the_middle_group():
    model = small("inception", width=8).fit(images(8, 1, 28), np.arange(8) % 2)  # depth 9
    layers = model._network.layers
    merges = [i for i, layer in enumerate(layers)
              if isinstance(layer, BranchMerge) and layer.mode == "concat"]
    pools = [i for i, layer in enumerate(layers)
             if isinstance(layer, MaxPool2D) and layer.stride == (2, 2)]
    assert len(merges) == 9 and len(pools) == 2
    assert [sum(p < m for p in pools) for m in merges] == [0, 0, 1, 1, 1, 1, 1, 2, 2]
    outputs = [i for i, layer in enumerate(layers) if isinstance(layer, AuxiliaryOutput)]
    assert [sum(m < o for m in merges) for o in outputs] == [3, 6]  # after 4a and 4d
    assert "(32, 28, 28)" in model.summary() and "(128, 7, 7)" in model.summary()  # 4 x unit
    no_aux = small("inception", width=8, aux_weight=0).fit(images(8, 1, 28), np.arange(8) % 2)
    assert not any(isinstance(layer, AuxiliaryOutput) for layer in no_aux._network.layers)


def test_dpn_blocks_add_to_the_residual_part_and_grow_the_dense_part():
    model = small("dpn", depth=6, width=8).fit(images(8, 1, 28), np.arange(8) % 2)
    duals = [layer for layer in model._network.layers
             if isinstance(layer, BranchMerge) and layer.mode == "dual"]
    assert [d.residual_channels for d in duals] == [16, 16, 32, 32, 64, 64]
    grouped = [layer for layer in model._network.layers
               if isinstance(layer, Conv2D) and layer.groups > 1]
    assert len(grouped) == 6 and all(layer.groups == 4 for layer in grouped)
    # residual 16 + dense 2 x 4 (projection), + 4 per block
    rows = model.summary()
    assert "(24, 28, 28)" in rows and "(28, 28, 28)" in rows and "(32, 28, 28)" in rows


@pytest.mark.parametrize("depth, convs", [(11, 8), (13, 10), (16, 13), (19, 16)])
def test_vgg_depth_sets_the_number_of_convolutions(depth, convs):
    model = small("vgg", depth=depth).fit(images(8, 1, 28), np.arange(8) % 2)
    assert sum(isinstance(layer, Conv2D) for layer in model._network.layers) == convs


def test_lenet5_pads_28x28_inputs_to_the_32x32_geometry():
    for size in (28, 32):
        model = small("lenet5").fit(images(8, 1, size), np.arange(8) % 2)
        assert "(10, 5, 5)" in model.summary()  # 16 / 6 x width 4 maps of 5x5


@pytest.mark.parametrize("params, match", [
    (dict(architecture="vgg", depth=12), "depth=12 is not a VGG depth"),
    (dict(architecture="resnet", depth=21), "depth=21 is not a ResNet depth"),
    (dict(architecture="densenet", depth=20), "depth=20 is not a DenseNet-BC depth"),
    (dict(architecture="lenet5", depth=7), "depth=7"),
    (dict(architecture="inception", depth=2), "depth=2 is not an Inception depth"),
    (dict(architecture="dpn", depth=4), "depth=4 is not a DPN depth"),
])
def test_a_depth_the_preset_cannot_build_names_depth(params, match):
    with pytest.raises(ValueError, match=match):
        CNNClassifier(max_iter=1, **params).fit(images(4, 1, 28), np.arange(4) % 2)


def test_an_input_too_small_for_a_preset_names_it_and_the_smallest_size():
    with pytest.raises(ValueError, match=r"architecture='alexnet' takes images of at least 15x15"):
        small("alexnet").fit(images(4, 1, 8), np.arange(4) % 2)


SPECS = [("conv", 6, 3), "bn", "relu", ("maxpool", 3, 2),
         ("residual", [("conv", 8, 3, 2), "bn", "relu", ("conv", 8, 3), "bn"]), "relu",
         ("spatial_dropout", 0.1), ("stochasticpool", 2), ("dropout", 0.2), "gap"]


def test_a_spec_list_builds_every_kind():
    model = CNNRegressor(architecture=SPECS, hidden_layer_sizes=(), max_iter=2,
                         random_state=0).fit(images(12, 2, 16), RNG.standard_normal(12))
    labels = [row.split("  ")[0] for row in model.summary().splitlines()[4:-2]]
    assert labels[:4] == ["Conv2D 3x3", "BatchNorm", "Activation relu", "MaxPool2D 3x3 stride 2"]
    assert "Conv2D 3x3 stride 2" in labels and "ResidualAdd" in labels
    assert "SpatialDropout 0.1" in labels and "StochasticPool2D 2x2" in labels
    assert np.isfinite(model.predict(images(3, 2, 16))).all()


@pytest.mark.parametrize("spec, position, match", [
    ([("conv", 8)], r"architecture\[0\]", r"expected \('conv', filters, kernel_size"),
    ([("conv", 8, 3), "swish"], r"architecture\[1\]", "is not a layer spec"),
    ([("conv", 8, 3), ("pool", 2)], r"architecture\[1\]", "tuple starting with one of"),
    ([("dropout", 1.5)], r"architecture\[0\]", r"0 <= rate < 1"),
    ([("residual", [("conv", 8, 3), ("conv", 8, 3, 1, "valid")])], r"architecture\[0\]",
     "may change the map's size only"),
    ([("residual", ["relu", ("maxpool", 0)])], r"architecture\[0\]\[1\]\[1\]",
     "positive ints"),
    ([("residual", [("conv", 4, 3)], [("conv", 5, 1)])], r"architecture\[0\]",
     "must give the same shape"),
    ([("residual", [("conv", 4, 3)], [("conv", 4, 1), "nope"])], r"architecture\[0\]\[2\]\[1\]",
     "is not a layer spec"),
    ([("conv", 8, 30, 1, "valid")], r"architecture\[0\]", "does not fit its input"),
    ([("conv", 6, 3, 1, "same", 4)], r"architecture\[0\]", "groups=4 must divide"),
    ([("conv", 4, 3), ("dual", [("conv", 5, 1)], 6)], r"architecture\[1\]",
     "at least residual_channels=6"),
    ([("dual", [("conv", 5, 1)])], r"architecture\[0\]", r"'dual', \[spec"),
    ([("maxpool", 3, 1, 2)], r"architecture\[0\]", "more than half the window"),
    ("vgg16", None, "architecture"),
])
def test_a_bad_spec_names_its_position_and_what_was_expected(spec, position, match):
    with pytest.raises(ValueError, match=match) as error:
        CNNClassifier(architecture=spec, max_iter=1).fit(images(4, 1, 12), np.arange(4) % 2)
    if position is not None:
        assert error.match(position)


def test_architecture_is_plain_data_for_clone_pickle_and_searches():
    X, y = images(24, 1, 12), np.arange(24) % 2
    model = CNNClassifier(architecture=SPECS[:4], hidden_layer_sizes=(4,), max_iter=2,
                          random_state=0)
    assert clone(model).get_params()["architecture"] == SPECS[:4]
    search = GridSearchCV(model, {"architecture": [SPECS[:4], "vgg"], "width": [None, 2]},
                          cv=2).fit(X, y)
    assert len(search.cv_results_["params"]) == 4
    fitted = model.fit(X, y)
    again = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(again.predict_proba(X), fitted.predict_proba(X))


def test_a_preset_ignores_the_conv_block_hyperparameters():
    X, y = images(8, 1, 28), np.arange(8) % 2
    a = small("lenet5").fit(X, y)
    b = small("lenet5", filters=(3, 3, 3), kernel_size=7, pooling="stochastic").fit(X, y)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
