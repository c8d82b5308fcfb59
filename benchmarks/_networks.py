"""The benchmark networks (shared by bench_cnn.py and bench_fashion.py) and PyTorch's
copies of them. Imports nothing but PyTorch, inside its functions: a PyTorch worker process
that builds its model from here holds no skdeep, scikit-learn or Numba imports."""

NETWORKS = {
    "a": dict(title="(a) LeNet-5", epochs=5,
              params=dict(filters=(6, 16), kernel_size=5, padding="same", pooling="max",
                          pool_size=2, hidden_layer_sizes=(120, 84))),
    "b": dict(title="(b) 32/64 channels, batch norm, dropout", epochs=2,
              params=dict(filters=(32, 64), kernel_size=3, padding="same", pooling="max",
                          pool_size=2, batch_norm=True, hidden_layer_sizes=(128,), dropout=0.5)),
    "c": dict(title="(c) ResNet-20", epochs=1,
              params=dict(architecture="resnet", depth=20, hidden_layer_sizes=())),
    "d": dict(title="(d) DenseNet-BC-40, k = 12", epochs=1,
              params=dict(architecture="densenet", depth=40, hidden_layer_sizes=())),
}


def torch_resnet20():
    """ResNet-20 as skdeep's preset builds it (strided 1x1 projections with batch norm)."""
    from torch import nn

    class Block(nn.Module):
        def __init__(self, c_in, c_out, stride):
            super().__init__()
            self.body = nn.Sequential(
                nn.Conv2d(c_in, c_out, 3, stride, 1), nn.BatchNorm2d(c_out), nn.ReLU(),
                nn.Conv2d(c_out, c_out, 3, 1, 1), nn.BatchNorm2d(c_out))
            self.shortcut = (nn.Identity() if c_in == c_out and stride == 1 else
                             nn.Sequential(nn.Conv2d(c_in, c_out, 1, stride),
                                           nn.BatchNorm2d(c_out)))

        def forward(self, x):
            return (self.body(x) + self.shortcut(x)).relu()

    layers, channels = [nn.Conv2d(1, 16, 3, 1, 1), nn.BatchNorm2d(16), nn.ReLU()], 16
    for stage, width in enumerate((16, 32, 64)):
        for block in range(3):
            layers.append(Block(channels, width, 2 if stage and not block else 1))
            channels = width
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10))


def torch_densenet_bc40(k=12):
    """DenseNet-BC-40 as skdeep's preset builds it (convolutions with biases)."""
    import torch
    from torch import nn

    class DenseLayer(nn.Module):
        def __init__(self, c_in):
            super().__init__()
            self.new_maps = nn.Sequential(
                nn.BatchNorm2d(c_in), nn.ReLU(), nn.Conv2d(c_in, 4 * k, 1),
                nn.BatchNorm2d(4 * k), nn.ReLU(), nn.Conv2d(4 * k, k, 3, 1, 1))

        def forward(self, x):
            return torch.cat([x, self.new_maps(x)], 1)

    layers, channels = [nn.Conv2d(1, 2 * k, 3, 1, 1)], 2 * k
    for block in range(3):
        for _ in range(6):
            layers.append(DenseLayer(channels))
            channels += k
        if block < 2:
            layers += [nn.BatchNorm2d(channels), nn.ReLU(),
                       nn.Conv2d(channels, channels // 2, 1), nn.AvgPool2d(2)]
            channels //= 2
    layers += [nn.BatchNorm2d(channels), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
               nn.Linear(channels, 10)]
    return nn.Sequential(*layers)


def torch_model(spec, seed):
    import torch
    from torch import nn

    torch.manual_seed(seed)
    p = spec["params"]
    if p.get("architecture") == "resnet":
        return _he_init(torch_resnet20())
    if p.get("architecture") == "densenet":
        return _he_init(torch_densenet_bc40())
    layers, channels, size = [], 1, 28
    for filters in p["filters"]:
        layers.append(nn.Conv2d(channels, filters, p["kernel_size"], padding="same"))
        if p.get("batch_norm"):
            layers.append(nn.BatchNorm2d(filters))
        layers += [nn.ReLU(), nn.MaxPool2d(p["pool_size"])]
        channels, size = filters, size // p["pool_size"]
    layers.append(nn.Flatten())
    width = channels * size * size
    for units in p["hidden_layer_sizes"]:
        layers += [nn.Linear(width, units), nn.ReLU()]
        if p.get("dropout"):
            layers.append(nn.Dropout(p["dropout"]))
        width = units
    layers.append(nn.Linear(width, 10))
    model = nn.Sequential(*layers)
    return _he_init(model)


def _he_init(model):
    """skdeep's initialization (He normal over fan-in, zero biases) instead of PyTorch's
    default, so that both fits start from the same distribution."""
    from torch import nn

    for layer in model.modules():
        if isinstance(layer, (nn.Conv2d, nn.Linear)):
            nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
            nn.init.zeros_(layer.bias)
    return model
