"""CharTokenizer, the train/validation split and random windows."""

import json

import numpy as np
import pytest

from glassnet.data.text import CharTokenizer, WindowSampler, random_windows, train_val_split


def test_round_trip_and_sorted_vocabulary():
    text = "First Citizen:\nBefore we proceed, hear me speak.\n"
    tok = CharTokenizer(text)
    assert tok.chars == "".join(sorted(set(text))) and tok.vocab_size == len(set(text))
    ids = tok.encode(text)
    assert ids.dtype == np.int64 and ids.shape == (len(text),)
    assert tok.decode(ids) == text
    assert tok.encode("").shape == (0,) and tok.decode([]) == ""
    assert tok.encode("\n").tolist() == [0]  # "\n" sorts first


def test_non_ascii_characters():
    tok = CharTokenizer("héllo wörld ☃")
    assert tok.decode(tok.encode("wörld ☃")) == "wörld ☃"


def test_unknown_characters_and_ids_are_named():
    tok = CharTokenizer("abc")
    with pytest.raises(KeyError, match=r"'z' at position 2"):
        tok.encode("abz")
    with pytest.raises(KeyError, match="'é' at position 0"):
        tok.encode("é")
    with pytest.raises(IndexError, match="id 3"):
        tok.decode([0, 3])
    with pytest.raises(IndexError, match=">= 0"):
        tok.decode([-1])
    with pytest.raises(TypeError, match="str"):
        tok.encode(["a"])
    with pytest.raises(ValueError, match="empty"):
        CharTokenizer("")


def test_save_and_load_as_json(tmp_path):
    tok = CharTokenizer("to be or not to be\n")
    tok.save(tmp_path / "vocab.json")
    assert json.loads((tmp_path / "vocab.json").read_text())["chars"] == tok.chars
    assert CharTokenizer.load(tmp_path / "vocab.json") == tok
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(ValueError, match="not JSON"):
        CharTokenizer.load(tmp_path / "bad.json")
    with pytest.raises(ValueError, match="distinct"):
        CharTokenizer.from_dict({"type": "char", "chars": "aa"})


def test_train_val_split_keeps_order():
    train, val = train_val_split(np.arange(100))
    assert train.tolist() == list(range(90)) and val.tolist() == list(range(90, 100))
    with pytest.raises(ValueError, match="train_fraction"):
        train_val_split(np.arange(3), 1.5)


def test_windows_are_shifted_by_one_and_reproducible():
    data = np.arange(1000) * 3
    x, y = random_windows(data, batch_size=5, block_size=7, rng=0)
    assert x.shape == y.shape == (5, 7) and x.dtype == np.int64
    np.testing.assert_array_equal(y[:, :-1], x[:, 1:])
    np.testing.assert_array_equal(np.diff(x, axis=1), 3)  # consecutive ids
    x2, _ = random_windows(data, batch_size=5, block_size=7, rng=0)
    np.testing.assert_array_equal(x, x2)


def test_windows_reach_both_ends():
    data = np.arange(6)
    x, y = random_windows(data, batch_size=200, block_size=5, rng=1)
    assert x.min() == 0 and y.max() == 5  # the only window is the whole array


def test_sampler_and_bad_arguments():
    sampler = WindowSampler(np.arange(20), 2, 4, rng=3)
    first, second = next(sampler), next(sampler)
    assert first[0].shape == (2, 4) and not np.array_equal(first[0], second[0])
    with pytest.raises(ValueError, match="too short"):
        random_windows(np.arange(4), 1, 4)
    with pytest.raises(TypeError, match="integer ids"):
        random_windows(np.ones(10), 1, 4)
    with pytest.raises(ValueError, match="batch_size"):
        WindowSampler(np.arange(10), 0, 4)
