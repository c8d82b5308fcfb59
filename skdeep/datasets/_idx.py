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
        dtype, shape = _read_header(file, path)
        # Read straight into the array: no second copy of a large file in memory.
        array = np.empty(shape, dtype)
        filled = _read_into(file, memoryview(array.reshape(-1)).cast("B"))
        trailing = len(file.read(1))
    expected = array.nbytes
    if filled != expected or trailing:
        size = 4 + 4 * len(shape) + filled + trailing
        raise ValueError(
            f"{path!r} holds {size}{'+' if trailing else ''} bytes, but its header announces "
            f"shape {shape} of {dtype.name}: {4 + 4 * len(shape) + expected} bytes."
        )
    return array if dtype.isnative else array.astype(dtype.newbyteorder("="))


def _read_header(file, path):
    magic = file.read(4)
    if len(magic) < 4 or magic[0] != 0 or magic[1] != 0 or magic[2] not in _IDX_DTYPES:
        raise ValueError(
            f"{path!r} is not an idx file: it must start with two zero bytes, a type code "
            f"(one of {sorted(hex(code) for code in _IDX_DTYPES)}) and the number of dimensions."
        )
    ndim = magic[3]
    sizes = file.read(4 * ndim)
    if len(sizes) < 4 * ndim:
        raise ValueError(f"{path!r} ends inside its header ({ndim} dimensions announced).")
    shape = tuple(int(size) for size in np.frombuffer(sizes, ">u4"))
    return _IDX_DTYPES[magic[2]], shape


def _read_into(file, buffer):
    """Fill ``buffer`` from ``file``; returns the number of bytes read (less at EOF)."""
    filled = 0
    while filled < len(buffer):
        count = file.readinto(buffer[filled:])
        if not count:
            break
        filled += count
    return filled
