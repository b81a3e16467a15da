"""Data: batching, preprocessing and datasets (``from glassnet import data``)."""

from glassnet.data import datasets, text, transforms
from glassnet.data.dataloader import DataLoader, Dataset
from glassnet.data.preprocessing import (
    MinMaxScaler,
    OneHotEncoder,
    StandardScaler,
    to_one_hot,
    train_test_split,
)

__all__ = [
    "DataLoader",
    "Dataset",
    "MinMaxScaler",
    "OneHotEncoder",
    "StandardScaler",
    "datasets",
    "text",
    "to_one_hot",
    "train_test_split",
    "transforms",
]
