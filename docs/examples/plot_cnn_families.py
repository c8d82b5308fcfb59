"""
# CNN families compared: LeNet-5 to DPN

The `architecture` presets build the networks that shaped the field (see the user guide's
"CNN families" page). This example trains each on scikit-learn's digits, enlarged from 8x8
to 16x16 pixels so that every preset's pooling fits, with the same optimizer, batch size
and budget of epochs, and follows the test accuracy after each epoch.
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skdeep import CNNClassifier

X, y = load_digits(return_X_y=True)
X = np.kron(X.reshape(-1, 8, 8) / 16.0, np.ones((2, 2)))[:, None]  # (n, 1, 16, 16)
X_train, X_test, y_train, y_test = train_test_split(
    X.astype(np.float32), y, test_size=0.3, stratify=y, random_state=0
)
warnings.simplefilter("ignore", ConvergenceWarning)

# %%
# ## Seven presets, twelve epochs each
#
# Small widths and depths keep the example quick; each preset's canonical dense head:
# LeNet-5's (120, 84) with tanh, AlexNet's two dropout layers, none for the others (the
# output layer reads the pooled features).

presets = {
    "LeNet-5": dict(architecture="lenet5", hidden_layer_sizes=(120, 84),
                    activation="tanh"),
    "AlexNet": dict(architecture="alexnet", width=16, hidden_layer_sizes=(128, 128),
                    dropout=0.5),
    "VGG-11": dict(architecture="vgg", depth=11, width=8, hidden_layer_sizes=()),
    "GoogLeNet": dict(architecture="inception", depth=5, width=4,
                      hidden_layer_sizes=()),
    "ResNet-14": dict(architecture="resnet", depth=14, width=8,
                      hidden_layer_sizes=()),
    "DenseNet-BC-22": dict(architecture="densenet", depth=22, width=8,
                           hidden_layer_sizes=()),
    "DPN": dict(architecture="dpn", depth=6, width=8, hidden_layer_sizes=()),
}
epochs = 12
fig, ax = plt.subplots(figsize=(7, 4.4))
for name, params in presets.items():
    model = CNNClassifier(batch_size=64, random_state=0, **params)
    accuracy = []
    for _ in range(epochs):
        model.partial_fit(X_train, y_train, classes=np.arange(10))
        accuracy.append(model.score(X_test, y_test))
    parameters = int(model.summary().splitlines()[-1].split(":")[1].replace(",", ""))
    ax.plot(range(1, epochs + 1), accuracy, marker="o", ms=3,
            label=f"{name} ({parameters:,} parameters): {accuracy[-1]:.3f}")
    print(f"{name:>14}: {parameters:7,} parameters, test accuracy by epoch",
          " ".join(f"{a:.2f}" for a in accuracy))
ax.set(xlabel="epoch", ylabel="test accuracy", title="CNN families on digits (16x16)",
       ylim=(0, 1.0))
ax.legend(fontsize=7.5, loc="lower right")
fig.tight_layout()

# %%
# VGG, with batch norm after every convolution, learns fastest; ResNet-14 and
# DenseNet-BC-22, with a third and a quarter of VGG's parameters, start slower and end as
# high or higher; GoogLeNet and DPN, with the fewest parameters at these widths, climb
# more slowly but keep climbing; AlexNet's wide head with dropout 0.5 starts slowest and
# catches up; LeNet-5 (tanh, no batch norm) ends lowest. Twelve epochs on 1,257 small
# images say little about the families at scale: the printout above gives the numbers of
# this run. `summary()` (used here for the parameter counts) shows each network layer by
# layer.
