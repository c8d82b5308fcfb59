"""
# Fashion-MNIST with a CNN

Fashion-MNIST (Zalando's 70,000 28x28 grey images of ten kinds of clothing) is the drop-in
successor of MNIST: the same format, but a linear model or a small MLP no longer reaches 98%.
This example trains a CNN with batch norm and dropout on part of the training set, compares
it with an MLP, and shows which classes it confuses.

The data comes from local files, nothing is downloaded: on Debian or Ubuntu,
`apt-get install dataset-fashion-mnist`; elsewhere pass the directory holding the four idx
files to `load_fashion_mnist(data_home=...)`. Without the files this page only says so.
"""

import time
import warnings

import matplotlib.pyplot as plt
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import ConfusionMatrixDisplay

from skdeep import CNNClassifier, MLPClassifier
from skdeep.datasets import load_fashion_mnist

CLASSES = ["T-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker",
           "bag", "boot"]

try:
    X_train, y_train, X_test, y_test = load_fashion_mnist()
except FileNotFoundError as missing:
    print(f"Skipped: {missing}")
    X_train = None
else:
    X_train, y_train = X_train[:10_000], y_train[:10_000]  # 10,000 images keep it short
    X_train, X_test = (X_train / 255).astype("float32"), (X_test / 255).astype("float32")
    print(f"{len(X_train)} training images, {len(X_test)} test images")

# %%
# ## A CNN and an MLP, three epochs each
#
# The CNN reads each row of 784 pixels as a 1x28x28 image (`input_shape`); its two
# convolution blocks (32 and 64 filters, 3x3, batch norm, 2x2 max pooling) feed a dense layer
# of 128 units with dropout.

warnings.simplefilter("ignore", ConvergenceWarning)  # three epochs on purpose
if X_train is not None:
    models = {
        "CNN": CNNClassifier(input_shape=(1, 28, 28), filters=(32, 64), batch_norm=True,
                             hidden_layer_sizes=(128,), dropout=0.3, batch_size=128,
                             max_iter=3, random_state=0),
        "MLP (256, 128)": MLPClassifier((256, 128), batch_size=128, max_iter=3,
                                        random_state=0),
    }
    for name, model in models.items():
        start = time.perf_counter()
        model.fit(X_train, y_train)
        seconds = time.perf_counter() - start
        print(f"{name}: fit {seconds:.1f} s, test accuracy {model.score(X_test, y_test):.3f}")

# %%
# ## What the CNN confuses
#
# Rows are the true classes, columns the predicted ones. Shirts, T-shirts, pullovers and
# coats share their outline, and so do sandals, sneakers and boots: most errors are within
# these two groups.

if X_train is not None:
    fig, ax = plt.subplots(figsize=(7, 6))
    ConfusionMatrixDisplay.from_estimator(
        models["CNN"], X_test, y_test, display_labels=CLASSES, ax=ax, colorbar=False,
        xticks_rotation=45,
    )
    ax.set_title("CNN on the 10,000 test images")
    fig.tight_layout()
