"""Turning a card image by a quarter, a half or three quarters (clockwise degrees)."""

from __future__ import annotations

import cv2
import numpy as np

_ROTATE = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}


def rotate(img: np.ndarray, degrees: int) -> np.ndarray:
    """``img`` turned clockwise by ``degrees`` (a multiple of 90)."""
    return img if degrees % 360 == 0 else cv2.rotate(img, _ROTATE[degrees % 360])
