"""Helpers for the backtest tests: the test warehouse, headless Chromium, PNG pixels.

- `chromium()`: run Debian's chromium headless with a fresh profile, nothing fetched.
- `png_pixels()`: decode a PNG screenshot (8-bit RGB/RGBA, not interlaced) to pixel rows,
  so a test can check that a chart's colours were really painted.
"""
from __future__ import annotations

import os
import shutil
import struct
import subprocess
import tempfile
import zlib
from pathlib import Path

import numpy as np


CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--hide-scrollbars", "--disable-dev-shm-usage",
]


def chromium_binary() -> str | None:
    return os.environ.get("CHROMIUM_BIN") or shutil.which("chromium") or shutil.which("chromium-browser")


def chromium(args: list[str], workdir: Path, timeout: int = 90) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium with a new empty profile directory under workdir."""
    binary = chromium_binary()
    if binary is None:
        raise FileNotFoundError("chromium is not installed: run scripts/ensure_chromium.sh (apt-get install chromium)")
    profile = Path(tempfile.mkdtemp(prefix="profile_", dir=workdir))
    return subprocess.run([binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=timeout, check=False)


def png_pixels(path: Path) -> np.ndarray:
    """The pixels of an 8-bit RGB or RGBA PNG as a height x width x channels array."""
    data = path.read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path} is not a PNG")
    position, idat, header = 8, b"", None
    while position < len(data):
        (length,) = struct.unpack(">I", data[position:position + 4])
        kind = data[position + 4:position + 8]
        body = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        position += 12 + length
    if header is None:
        raise ValueError(f"{path} has no IHDR chunk")
    width, height, depth, colour_type, _, _, interlace = header
    if depth != 8 or colour_type not in (2, 6) or interlace:
        raise ValueError(f"unsupported PNG layout (depth {depth}, colour type {colour_type}, interlace {interlace})")
    bpp = 3 if colour_type == 2 else 4
    stride = width * bpp
    raw = np.frombuffer(zlib.decompress(idat), dtype=np.uint8).reshape(height, stride + 1)
    pixels = np.zeros((height, stride), dtype=np.uint8)
    previous = np.zeros(stride, dtype=np.uint8)
    for y in range(height):
        kind, line = raw[y, 0], raw[y, 1:]
        if kind == 0:
            row = line.copy()
        elif kind == 1:  # sub: a running sum along each channel
            row = (np.cumsum(line.reshape(width, bpp).astype(np.int64), axis=0) % 256).astype(np.uint8).ravel()
        elif kind == 2:  # up
            row = (line.astype(np.int64) + previous) % 256
        else:  # average or paeth: each byte depends on the one decoded before it
            row = _unfilter_sequential(int(kind), line.tolist(), previous.tolist(), bpp)
        pixels[y] = row
        previous = pixels[y]
    return pixels.reshape(height, width, bpp)


def _unfilter_sequential(kind: int, line: list[int], previous: list[int], bpp: int) -> np.ndarray:
    out = [0] * len(line)
    for i, value in enumerate(line):
        left = out[i - bpp] if i >= bpp else 0
        up = previous[i]
        if kind == 3:
            out[i] = (value + ((left + up) >> 1)) & 0xFF
            continue
        up_left = previous[i - bpp] if i >= bpp else 0
        estimate = left + up - up_left
        pa, pb, pc = abs(estimate - left), abs(estimate - up), abs(estimate - up_left)
        predictor = left if pa <= pb and pa <= pc else up if pb <= pc else up_left
        out[i] = (value + predictor) & 0xFF
    return np.array(out, dtype=np.uint8)


def count_colour(path: Path, rgb: tuple[int, int, int], tolerance: int = 4) -> int:
    """How many pixels of the PNG are within tolerance of the colour."""
    pixels = png_pixels(path)[:, :, :3].astype(np.int64)
    return int(np.all(np.abs(pixels - np.array(rgb)) <= tolerance, axis=2).sum())
