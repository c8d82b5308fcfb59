"""
# Transfer learning: pretrain on digits 0-4, reuse on 5-9

A network trained on one task has learned features that another task can reuse. Here a
CNN learns digits 0-4; then three CNNs of the same shape learn digits 5-9 from a growing
number of training images: one from scratch, one that keeps the pretrained conv layers
frozen and trains only its dense head (`init_from=..., freeze="features"`), and one that
starts from the pretrained weights and fine-tunes all of them (`init_from=...`).
"""

import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning

from skdeep import CNNClassifier

warnings.simplefilter("ignore", ConvergenceWarning)
X, y = load_digits(return_X_y=True)
X = (X / 16.0).reshape(-1, 1, 8, 8)
first, second = y < 5, y >= 5
X_new, y_new = X[second], y[second]
X_test, y_test = X_new[400:], y_new[400:]  # 500 held-out images of digits 5-9

settings = dict(filters=(8, 16), batch_norm=True, hidden_layer_sizes=(32,),
                random_state=0)
pretrained = CNNClassifier(max_iter=30, **settings).fit(X[first], y[first])
accuracy = pretrained.score(X[first], y[first])
print(f"pretrained on digits 0-4: training accuracy {accuracy:.3f}")

# %%
# ## Accuracy against the number of training images
#
# Every model trains 40 epochs with batch size 16 on the first n images of digits 5-9.

sizes = [20, 50, 100, 200, 400]
strategies = {
    "from scratch": {},
    "frozen features": dict(init_from=pretrained, freeze="features"),
    "fine-tuned": dict(init_from=pretrained),
}
fig, ax = plt.subplots(figsize=(7, 3.8))
for (name, transfer), marker in zip(strategies.items(), "osD"):
    accuracy = []
    for n in sizes:
        model = CNNClassifier(max_iter=40, batch_size=16, **settings,
                              **transfer)
        accuracy.append(model.fit(X_new[:n], y_new[:n]).score(X_test, y_test))
    ax.plot(sizes, accuracy, marker=marker, label=name)
    print(f"{name:>15}:", " ".join(f"{a:.3f}" for a in accuracy))
ax.set(xscale="log", xticks=sizes, xticklabels=map(str, sizes), ylim=(0, 1),
       xlabel="training images of digits 5-9", ylabel="test accuracy",
       title="Reusing a network trained on digits 0-4")
ax.minorticks_off()
ax.legend(loc="lower right")
fig.tight_layout()

# %%
# Starting from the pretrained weights and fine-tuning all of them is as good as or better
# than training from scratch at every size, with the clearest gain around 50 images (the
# printout above gives this run's numbers): the pretrained conv layers already detect the
# strokes digits 5-9 are made of. Frozen features help as much around 50 images, but fall
# behind as the training set grows: conv layers that learned only digits 0-4 cannot adapt
# to what 5-9 need, while training from scratch catches up. Frozen features are also the
# cheapest to train: no gradient is computed for the frozen layers.
