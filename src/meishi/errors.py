"""The errors meishi raises. Each message says what a user can do about it."""

from __future__ import annotations


class MeishiError(Exception):
    """Base class of every error meishi raises on purpose.

    ``transient`` tells orchestration whether a retry can help: a corrupt image will be
    corrupt again, a crashed OCR subprocess may not crash twice.
    """

    transient: bool = False
    code: str = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnreadableImageError(MeishiError):
    """The file is not an image we can decode (corrupt, empty, wrong type)."""

    code = "unreadable_image"


class ImageTooLargeError(UnreadableImageError):
    """The file or the decoded image is bigger than the configured limits."""

    code = "image_too_large"


class NoTextFoundError(MeishiError):
    """The image decoded, but OCR found nothing that looks like a business card."""

    code = "no_text"


class MissingDependencyError(MeishiError):
    """Tesseract, its language data, or the UniDic dictionary is not installed."""

    code = "missing_dependency"


class OcrError(MeishiError):
    """The OCR engine crashed or timed out on one card."""

    code = "ocr_failed"
    transient = True


class StoreError(MeishiError):
    """The contact store could not be opened or written."""

    code = "store_failed"


class SettingsError(MeishiError):
    """A setting (``MEISHI_*`` or the config file) is invalid, or the config file unreadable."""

    code = "bad_settings"
