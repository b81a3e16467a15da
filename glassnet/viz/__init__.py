"""Pictures: training plots (matplotlib). Imported lazily: matplotlib loads when a plot is made."""

from glassnet.viz.plots import plot_history

__all__ = ["plot_history"]
