"""examples/train_gpt.py runs end to end on a tiny configuration (the full run is by hand)."""

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "tinyshakespeare"


def test_train_gpt_example_trains_saves_and_samples(tmp_path, capsys):
    folder = Path(os.environ.get("GLASSNET_SHAKESPEARE_DIR") or SHARED)
    if not (folder / "input.txt").exists():
        pytest.skip(f"tiny shakespeare input.txt not found in {folder}")
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        import train_gpt
    finally:
        sys.path.remove(str(ROOT / "examples"))
    out = tmp_path / "gpt.safetensors"
    args = "--iters 3 --n-layer 1 --n-head 2 --n-embd 16 --block-size 16 --batch-size 2 "
    args += "--eval-interval 2 --eval-iters 1 --final-eval-iters 2 --sample-tokens 20"
    result = train_gpt.main([*args.split(), "--data-dir", str(folder), "--out", str(out)])
    assert result["final_val_loss"] < 4.3  # about log(65) = 4.17 at the start
    printed = capsys.readouterr().out
    assert "65 distinct" in printed and "ROMEO:" in printed and out.exists()
    from glassnet.models import load_gpt

    model, tokenizer = load_gpt(out)
    assert tokenizer.vocab_size == 65 and model.config.n_embd == 16
    assert train_gpt.learning_rate(0, train_gpt.parse([])) == pytest.approx(1e-3 / 101)
    assert train_gpt.learning_rate(2000, train_gpt.parse([])) == pytest.approx(1e-4)
