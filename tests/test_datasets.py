"""skdeep.datasets: idx files written here, read back; Fashion-MNIST from a directory of them."""

import gzip
import struct

import numpy as np
import pytest

from skdeep.datasets import load_fashion_mnist, load_idx

TYPE_CODES = {np.uint8: 0x08, np.int8: 0x09, np.int16: 0x0B, np.int32: 0x0C,
              np.float32: 0x0D, np.float64: 0x0E}


def idx_bytes(array, type_code=None):
    """An idx file's content for ``array``, written from the format's description."""
    code = TYPE_CODES[array.dtype.type] if type_code is None else type_code
    header = bytes([0, 0, code, array.ndim]) + b"".join(struct.pack(">I", n) for n in array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def write_idx(path, array, compress=False):
    content = idx_bytes(array)
    if compress:
        with gzip.open(path, "wb") as file:
            file.write(content)
    else:
        path.write_bytes(content)
    return path


@pytest.mark.parametrize("dtype", list(TYPE_CODES))
@pytest.mark.parametrize("compress", [False, True])
def test_load_idx_round_trip(tmp_path, dtype, compress):
    rng = np.random.default_rng(0)
    array = (rng.normal(size=(3, 4, 5)) * 50).astype(dtype)
    path = write_idx(tmp_path / ("a.idx.gz" if compress else "a.idx"), array, compress)
    loaded = load_idx(path)
    assert loaded.dtype == np.dtype(dtype)
    assert loaded.dtype.isnative
    np.testing.assert_array_equal(loaded, array)
    loaded[0, 0, 0] = 1  # a writeable copy, not a view of the file's bytes


def test_load_idx_accepts_a_string_path(tmp_path):
    labels = np.arange(7, dtype=np.uint8)
    np.testing.assert_array_equal(load_idx(str(write_idx(tmp_path / "l.idx", labels))), labels)


def test_load_idx_rejects_a_file_that_is_not_idx(tmp_path):
    path = tmp_path / "x.idx"
    path.write_bytes(b"PK\x03\x04 not an idx file")
    with pytest.raises(ValueError, match="is not an idx file"):
        load_idx(path)


def test_load_idx_rejects_a_truncated_file(tmp_path):
    path = tmp_path / "x.idx"
    path.write_bytes(idx_bytes(np.zeros((4, 5), np.uint8))[:-3])
    with pytest.raises(ValueError, match=r"announces shape \(4, 5\)"):
        load_idx(path)


def test_load_idx_rejects_a_header_cut_short(tmp_path):
    path = tmp_path / "x.idx"
    path.write_bytes(bytes([0, 0, 8, 3]) + b"\x00\x00")
    with pytest.raises(ValueError, match="ends inside its header"):
        load_idx(path)


def write_fashion(directory, n_train=6, n_test=4, compress=True):
    rng = np.random.default_rng(1)
    arrays = {
        "train-images-idx3-ubyte": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "train-labels-idx1-ubyte": rng.integers(0, 10, n_train, dtype=np.uint8),
        "t10k-images-idx3-ubyte": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "t10k-labels-idx1-ubyte": rng.integers(0, 10, n_test, dtype=np.uint8),
    }
    for stem, array in arrays.items():
        write_idx(directory / (stem + (".gz" if compress else "")), array, compress)
    return arrays


@pytest.mark.parametrize("compress", [False, True])
def test_load_fashion_mnist_from_a_directory(tmp_path, compress):
    arrays = write_fashion(tmp_path, compress=compress)
    X_train, y_train, X_test, y_test = load_fashion_mnist(data_home=tmp_path)
    assert X_train.shape == (6, 784) and X_test.shape == (4, 784)
    assert X_train.dtype == np.uint8 and y_train.dtype == np.int64
    np.testing.assert_array_equal(X_train[2], arrays["train-images-idx3-ubyte"][2].ravel())
    np.testing.assert_array_equal(y_test, arrays["t10k-labels-idx1-ubyte"])


def test_load_fashion_mnist_says_how_to_get_missing_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="apt-get install dataset-fashion-mnist"):
        load_fashion_mnist(data_home=tmp_path)


def test_load_fashion_mnist_rejects_labels_that_do_not_match_images(tmp_path):
    write_fashion(tmp_path)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", np.zeros(3, np.uint8), compress=True)
    with pytest.raises(ValueError, match="test files"):
        load_fashion_mnist(data_home=tmp_path)
