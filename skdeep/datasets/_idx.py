"""The idx file format of MNIST and Fashion-MNIST."""

import gzip
import os

import numpy as np

# The third byte of an idx file's magic number names the element type (big-endian).
_IDX_DTYPES = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


def load_idx(path):
    """Read an idx file (as MNIST and Fashion-MNIST are distributed) into an array.

    Parameters
    ----------
    path : str or os.PathLike
        An ``.idx`` file, or one compressed with gzip (the name ends in ``.gz``).

    Returns
    -------
    array : ndarray
        The file's array with the shape its header gives, in native byte order
        (``uint8`` for the image and label files of MNIST and Fashion-MNIST).

    Raises
    ------
    ValueError
        If the file is not an idx file or is shorter or longer than its header says.
    """
    path = os.fspath(path)
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as file:
        content = file.read()
    return _parse_idx(content, path)


def _parse_idx(content, path):
    if len(content) < 4 or content[0] != 0 or content[1] != 0 or content[2] not in _IDX_DTYPES:
        raise ValueError(
            f"{path!r} is not an idx file: it must start with two zero bytes, a type code "
            f"(one of {sorted(hex(code) for code in _IDX_DTYPES)}) and the number of dimensions."
        )
    dtype = _IDX_DTYPES[content[2]]
    ndim = content[3]
    header_size = 4 + 4 * ndim
    if len(content) < header_size:
        raise ValueError(f"{path!r} ends inside its header ({ndim} dimensions announced).")
    shape = tuple(int(size) for size in np.frombuffer(content, ">u4", count=ndim, offset=4))
    expected = header_size + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(content) != expected:
        raise ValueError(
            f"{path!r} holds {len(content)} bytes, but its header announces shape {shape} of "
            f"{dtype.name}: {expected} bytes."
        )
    array = np.frombuffer(content, dtype, offset=header_size).reshape(shape)
    return array.astype(dtype.newbyteorder("="))
