import shutil
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import glassnet as gn
from glassnet import metrics, nn
from glassnet.scalar import Value
from glassnet.viz import (
    draw_graph,
    plot_confusion_matrix,
    plot_decision_boundary,
    plot_history,
    show_images,
)

needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None, reason="the graphviz 'dot' program is not installed"
)
SVG = "{http://www.w3.org/2000/svg}"


def svg_counts(dot, tmp_path):
    path = dot.render(tmp_path / "graph", format="svg", cleanup=True)
    root = ET.parse(path).getroot()
    groups = [g.get("class") for g in root.iter(f"{SVG}g")]
    return groups.count("node"), groups.count("edge"), ET.tostring(root, encoding="unicode")


@needs_dot
def test_scalar_graph_has_a_node_per_value_and_operation(tmp_path):
    x1, w1, b = Value(2.0, "x1"), Value(-3.0, "w1"), Value(6.88, "b")
    o = (x1 * w1 + b).tanh()
    o.backward()
    nodes, edges, text = svg_counts(draw_graph(o), tmp_path)
    # values: x1, w1, x1*w1, b, sum, o = 6; operations: *, +, tanh = 3
    assert nodes == 9
    assert edges == 3 + 3 + 2  # each op: its inputs in, its result out
    assert "grad" in text and "tanh" in text and "x1" in text


@needs_dot
def test_tensor_graph_labels_parameters_by_module_name(tmp_path):
    model = nn.Sequential(nn.Linear(3, 4, rng=0), nn.ReLU(), nn.Linear(4, 2, rng=1))
    loss = model(np.ones((5, 3))).sum()
    loss.backward()
    nodes, edges, text = svg_counts(draw_graph(loss, names=model), tmp_path)
    # tensors: x, 0.weight, 0.bias, h, relu(h), 2.weight, 2.bias, out, loss = 9; ops: 2 Linear, ReLU, Sum = 4
    assert nodes == 13 and edges == (3 + 1) + (1 + 1) + (3 + 1) + (1 + 1)
    assert "0.weight" in text and "2.bias" in text and "Linear" in text and "grad norm" in text


def test_the_max_nodes_guard():
    y = gn.ones(2, requires_grad=True)
    for _ in range(50):
        y = y * 1.0
    with pytest.raises(ValueError, match="max_nodes=20"):
        draw_graph(y.sum(), max_nodes=20)


def png(figure, tmp_path, name):
    import matplotlib.image

    path = tmp_path / f"{name}.png"
    figure.savefig(path, dpi=50)
    return matplotlib.image.imread(path)


def test_plots_have_the_expected_size_and_are_not_blank(tmp_path):
    history = {"loss": [1.0, 0.5, 0.3], "val_loss": [1.1, 0.7, 0.6], "accuracy": [0.5, 0.8, 0.9]}
    image = png(plot_history(history), tmp_path, "history")
    assert (
        image.shape[:2] == (180, 500) and image.std() > 0.05
    )  # 2 panels of 5 x 3.6 inches at 50 dpi
    X, y = gn.data.datasets.make_moons(100, rng=0)
    model = nn.Sequential(nn.Dense(2, 8, "tanh", rng=0), nn.Dense(8, 2, rng=1))
    image = png(plot_decision_boundary(model, X, y, resolution=50), tmp_path, "boundary")
    assert image.shape[:2] == (250, 250) and image.std() > 0.05
    digits, labels = gn.data.datasets.load_digits()
    image = png(show_images(digits, labels, predictions=labels[::-1], n=10), tmp_path, "digits")
    assert image.shape[:2] == (160, 560) and image.std() > 0.05
    cm = metrics.confusion_matrix(labels[:100], labels[:100][::-1])
    image = png(plot_confusion_matrix(cm), tmp_path, "cm")
    assert (
        image.shape[:2] == (int(50 * (0.6 * 10 + 1.5)), int(50 * (0.6 * 10 + 2)))
        and image.std() > 0.05
    )


def test_history_plot_from_fit(tmp_path):
    model = nn.Sequential(nn.Dense(2, 3, rng=0))
    model.compile("sgd", "cross_entropy", ["accuracy"])
    history = model.fit(np.ones((8, 2)), np.zeros(8, dtype=np.int64), epochs=2, verbose=0)
    assert png(history.plot(), tmp_path, "fit").std() > 0.05


@pytest.mark.parametrize(
    "backend, display, switched",
    [
        ("module://matplotlib_inline.backend_inline", None, False),  # headless Jupyter kernel
        ("agg", None, False),
        ("tkagg", None, True),  # a window where none can open: draw to files instead
        ("tkagg", ":0", False),
    ],
)
def test_plots_keep_a_notebooks_inline_backend_and_avoid_windows_without_a_display(
    backend, display, switched, monkeypatch
):
    matplotlib = pytest.importorskip("matplotlib")
    from glassnet.viz import plots

    used = []
    monkeypatch.setattr(matplotlib, "get_backend", lambda: backend)
    monkeypatch.setattr(matplotlib, "use", lambda name: used.append(name))
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    if display is None:
        monkeypatch.delenv("DISPLAY", raising=False)
    else:
        monkeypatch.setenv("DISPLAY", display)
    plots._pyplot()
    assert used == (["Agg"] if switched else [])
