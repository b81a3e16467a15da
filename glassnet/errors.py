"""The exceptions glassnet raises, so users can catch them by kind."""


class ShapeError(ValueError):
    """A shape that does not fit: operands that cannot broadcast, a matmul whose inner sizes
    differ, a gradient of the wrong shape. The message names the op and both shapes.

    Examples:
        >>> import glassnet as gn
        >>> try:
        ...     gn.ones(2, 3) @ gn.ones(4, 5)
        ... except gn.ShapeError as e:
        ...     print("caught")
        caught
    """


class GraphFreedError(RuntimeError):
    """A backward pass through a graph whose saved arrays were already released."""


class ExportError(ValueError):
    """A model that cannot be exported: the message names the first layer without an ONNX form."""


class FileFormatError(ValueError):
    """A file that is not a glassnet file, is corrupt, truncated or edited, or is of a newer
    version. The message names the file and what is wrong.

    Examples:
        >>> import pathlib, tempfile
        >>> import glassnet as gn
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "model.safetensors"
        >>> _ = path.write_bytes(b"not a model")
        >>> try:
        ...     gn.load(path)
        ... except gn.FileFormatError as error:
        ...     print(str(error).endswith("not a glassnet file (neither safetensors nor .npz)"))
        True
    """


class IndexOutOfRangeError(IndexError):
    """An index outside the range of what it indexes (an Embedding's rows, a Sequential's
    layers); the message names the container, the bad index and the valid range.

    Examples:
        >>> from glassnet import nn
        >>> try:
        ...     nn.Embedding(3, 2)(np.array([0, 5]))
        ... except IndexError as e:
        ...     print(e)
        Embedding(3, 2) got index 5 at position (1,): indices must be in [0, 3)
    """
