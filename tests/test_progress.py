"""The progress line: fitted to the terminal (epoch, loss and validation metrics stay), never
blank, plain lines when the output is not a terminal."""

import io
import os

import pytest

from glassnet.train import progress as progress_module
from glassnet.train.progress import Progress, fit_line, terminal_columns

LOGS = {
    "loss": 0.123456,
    "accuracy": 0.9512,
    "precision": 0.9411,
    "recall": 0.9377,
    "val_loss": 0.2345,
    "val_accuracy": 0.9301,
}


class Terminal(io.StringIO):
    def isatty(self):
        return True


def lines_of(stream):
    """What the terminal shows: each carriage return starts the line again."""
    return [line.split("\r")[-1].replace("\x1b[2K", "") for line in stream.getvalue().split("\n")]


def run_epoch(stream, verbose=1, epochs=12):
    progress = Progress(verbose, epochs, stream=stream)
    progress.epoch_begin(9, batches=3)
    for loss in (0.3, 0.2, 0.1):
        progress.batch_end(loss)
    progress.epoch_end(9, LOGS)
    return progress


@pytest.mark.parametrize("columns", [80, 50, 0])
def test_a_narrow_or_zero_size_terminal_keeps_epoch_loss_and_validation_metrics(
    columns, monkeypatch
):
    monkeypatch.setattr(
        progress_module.shutil, "get_terminal_size", lambda fallback: os.terminal_size((columns, 0))
    )
    terminal = Terminal()
    run_epoch(terminal)
    final = lines_of(terminal)[-2]
    for kept in ("epoch 10/12", "loss 0.1235", "val_loss 0.2345", "val_accuracy 0.9301"):
        assert kept in final, final
    width = columns or 80  # a zero-size terminal is drawn as 80 columns, never blank
    if columns == 80:
        assert len(final) < width
        assert "precision 0.9411" not in final.replace("val_precision", "")  # dropped first
    assert all(line.strip() for line in lines_of(terminal)[:-1])


def test_not_a_terminal_prints_one_plain_line_per_epoch():
    out = io.StringIO()
    run_epoch(out)
    text = out.getvalue()
    assert "\r" not in text and "\x1b" not in text and text.count("\n") == 1
    assert text.startswith("epoch 10/12 - ") and "precision 0.9411" in text  # nothing dropped


def test_quiet_prints_nothing_and_verbose_2_prints_plain_lines_even_on_a_terminal():
    out = Terminal()
    run_epoch(out, verbose=0)
    assert out.getvalue() == ""
    run_epoch(out, verbose=2)
    assert "\r" not in out.getvalue() and out.getvalue().startswith("epoch 10/12 - ")


def test_epochs_are_integers():
    out = io.StringIO()
    run_epoch(out, epochs=12.0)
    assert out.getvalue().startswith("epoch 10/12 ")


def test_fit_line_drops_the_lowest_priority_first_and_never_the_highest():
    parts = [(3, "a" * 10), (0, "b" * 10), (1, "c" * 10), (3, "d" * 10)]
    assert fit_line(parts, 100) == " - ".join(["a" * 10, "b" * 10, "c" * 10, "d" * 10])
    assert fit_line(parts, 40) == " - ".join(["a" * 10, "c" * 10, "d" * 10])
    assert fit_line(parts, 5) == " - ".join(["a" * 10, "d" * 10])


def test_terminal_columns_falls_back_to_80(monkeypatch):
    monkeypatch.setattr(
        progress_module.shutil, "get_terminal_size", lambda fallback: os.terminal_size((0, 0))
    )
    assert terminal_columns() == 80
