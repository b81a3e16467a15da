"""Regression on the diabetes data: linear regression against a deeper network with early stopping.

Run:
    python examples/diabetes_regression.py

With 442 patients and 10 features, a network easily overfits: early stopping on a validation
split keeps the weights of its best epoch. Does depth beat a straight line here? Run and see.
"""

import numpy as np

import glassnet as gn
from glassnet import data, metrics, nn
from glassnet.train import EarlyStopping

X, y = data.datasets.load_diabetes()
X_train, X_test, y_train, y_test = data.train_test_split(X, y, test_size=0.2, rng=0)
features = data.StandardScaler().fit(X_train)
target = data.StandardScaler().fit(y_train.reshape(-1, 1))
X_train, X_test = features(X_train), features(X_test)
y_train_scaled = target(y_train.reshape(-1, 1)).astype(np.float32)


def train(model, epochs, learning_rate):
    model.compile(optimizer="adam", loss="mse", lr=learning_rate)
    stop = EarlyStopping(monitor="val_loss", patience=20, restore_best_weights=True)
    history = model.fit(X_train, y_train_scaled, epochs=epochs, batch_size=32, validation_split=0.2,
                        callbacks=[stop], rng=0, verbose=0)  # fmt: skip
    predictions = target.inverse_transform(model.predict(X_test))
    return history, metrics.r2(y_test, predictions), metrics.rmse(y_test, predictions)


gn.manual_seed(0)
models = {
    "linear regression": nn.Sequential(nn.Dense(10, 1)),
    "deeper network": nn.Sequential(
        nn.Dense(10, 32, "relu"), nn.Dense(32, 16, "relu"), nn.Dense(16, 1)
    ),
}
for name, model in models.items():
    history, r2, rmse = train(
        model, epochs=1000, learning_rate=1e-2 if name.startswith("linear") else 1e-3
    )
    epochs = len(history.epoch)
    print(f"{name:>17}: test R^2 {r2:.3f}, RMSE {rmse:.1f} (stopped after {epochs} epochs)")
