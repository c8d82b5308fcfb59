"""
# The vanishing gradient: sigmoid, ReLU and batch norm by depth

Back-propagation multiplies one derivative per layer. The sigmoid's derivative is at most
0.25, so in a deep sigmoid network the gradient reaching the first layers shrinks
geometrically with depth and those layers barely learn. ReLU's derivative is 1 where a unit
is active, and batch normalization keeps every layer's inputs centred and scaled, so the
gradient keeps its size. This example trains MLPs of growing depth with each choice, the
same budget of epochs for all, and compares where they end.
"""

import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skdeep import MLPClassifier

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X / 16.0, y, test_size=0.3, stratify=y, random_state=0
)
warnings.simplefilter("ignore", ConvergenceWarning)  # a fixed budget of epochs on purpose

# %%
# ## Training loss after 30 epochs, by depth
#
# Each network has `depth` hidden layers of 32 units, the initializer each activation
# calls for (`initializer="auto"`: Xavier for sigmoid, He for ReLU), Adam at its usual rate.

depths = [1, 2, 4, 8, 12]
configurations = {
    "sigmoid": dict(activation="sigmoid"),
    "sigmoid + batch norm": dict(activation="sigmoid", batch_norm=True),
    "ReLU": dict(activation="relu"),
    "ReLU + batch norm": dict(activation="relu", batch_norm=True),
}
final_loss, test_accuracy = {}, {}
for label, params in configurations.items():
    final_loss[label], test_accuracy[label] = [], []
    for depth in depths:
        model = MLPClassifier((32,) * depth, max_iter=30, n_iter_no_change=30,
                              random_state=0, **params).fit(X_train, y_train)
        final_loss[label].append(model.loss_)
        test_accuracy[label].append(model.score(X_test, y_test))
    print(f"{label:>22}: test accuracy by depth",
          " ".join(f"{a:.3f}" for a in test_accuracy[label]))

fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.6))
for (label, losses), style in zip(final_loss.items(), ["C0--", "C0-", "C2--", "C2-"]):
    left.semilogy(depths, losses, style, marker="o", label=label)
    right.plot(depths, test_accuracy[label], style, marker="o", label=label)
left.set(xlabel="hidden layers", ylabel="training loss after 30 epochs",
         title="Deeper sigmoid networks stall")
right.set(xlabel="hidden layers", ylabel="test accuracy", title="Test accuracy",
          ylim=(0.0, 1.02))
right.legend(loc="lower left", fontsize=8)
fig.tight_layout()

# %%
# The plain sigmoid network learns less with every layer added: from 8 layers on its loss
# stays at chance (log 10 = 2.3) and it predicts one class. Batch norm rescues it; ReLU
# networks learn at every depth. Deeper is not better for free, though: at 12 layers the
# ReLU networks have not finished learning in 30 epochs (their loss rises again), a cost of
# depth that is not the vanishing gradient: more weights to fit in the same budget.
