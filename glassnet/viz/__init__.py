"""Pictures: computation graphs (graphviz) and training plots (matplotlib). The third-party
libraries load only when a picture is made (the ``viz`` extra)."""

from glassnet.viz.graph import draw_graph
from glassnet.viz.plots import (
    plot_confusion_matrix,
    plot_decision_boundary,
    plot_history,
    show_images,
)

__all__ = [
    "draw_graph",
    "plot_confusion_matrix",
    "plot_decision_boundary",
    "plot_history",
    "show_images",
]
