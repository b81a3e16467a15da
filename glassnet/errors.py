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
