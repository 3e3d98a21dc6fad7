"""One settings model: environment variables ``MEISHI_*`` and an optional TOML config file.

Defaults need no configuration: everything lives under one private data folder in the
user's home (``~/.local/share/meishi`` on Linux), the store is an embedded SQLite file.
"""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from platformdirs import user_config_path, user_data_path
from pydantic import Field, ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from meishi.errors import SettingsError


def _default_home() -> Path:
    return user_data_path("meishi", appauthor=False)


def config_file() -> Path:
    """The config file: ``$MEISHI_CONFIG`` or ``~/.config/meishi/config.toml``."""
    env = os.environ.get("MEISHI_CONFIG")
    return Path(env) if env else user_config_path("meishi", appauthor=False) / "config.toml"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MEISHI_", extra="ignore")

    home: Path = Field(default_factory=_default_home, description="Private data folder")
    inbox: Path | None = Field(default=None, description="Folder scans are dropped into")
    database_url: str | None = Field(default=None, description="SQLAlchemy URL of the store")
    ocr_engine: Literal["ppocr", "tesseract"] = Field(
        default="ppocr", description="PP-OCR (rapidocr) or Tesseract (see `meishi doctor`)"
    )
    tesseract_cmd: str = "tesseract"
    ocr_timeout_s: float = 60.0
    max_file_bytes: int = Field(default=40 * 1024 * 1024, gt=0, description="Largest file read")
    max_pixels: int = Field(default=60_000_000, gt=0, description="Largest image decoded")
    workers: int = Field(default=2, ge=1, description="Cards read in parallel")
    settle_s: float = Field(default=2.0, ge=0, description="Age a dropped file must reach")
    # `meishi serve`: one machine, everything on 127.0.0.1
    server_port: int = Field(default=4200, description="Prefect server (UI and API)")
    image_port: int = Field(default=4201, description="Card images for the review form")
    server_start_s: float = Field(
        default=120, gt=0, description="How long a temporary Prefect server may take to start"
    )
    ingest_cron: str = Field(
        default="0 * * * *", description="When the inbox is read besides on arrival (a safety net)"
    )
    reminder_cron: str = Field(default="0 9 * * *", description="When faceless cards are listed")
    remind_after_days: int = Field(
        default=3, ge=0, description="A card faceless this long is listed"
    )
    review_timeout_days: float = Field(default=30, gt=0, description="How long a review waits")

    @property
    def image_url(self) -> str:
        return f"http://127.0.0.1:{self.image_port}"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (
            init_settings,
            env_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=config_file()),
        )

    # Derived locations -------------------------------------------------------------
    @property
    def inbox_dir(self) -> Path:
        return self.inbox or self.home / "inbox"

    @property
    def images_dir(self) -> Path:
        return self.home / "cards"

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'meishi.db'}"

    def ensure_dirs(self) -> None:
        """Create the data folders, private to the user (0700)."""
        for d in (self.home, self.inbox_dir, self.images_dir):
            d.mkdir(parents=True, exist_ok=True)
        for d in (self.home, self.images_dir):
            os.chmod(d, 0o700)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (tests build their own ``Settings``).

    Raises :class:`SettingsError` with one line saying which setting is wrong: an invalid
    value (``MEISHI_WORKERS=0``), a config file that is not TOML or cannot be read, a data
    folder or inbox that is a file.
    """
    path = config_file()
    if path.exists() and not path.is_file():
        raise SettingsError(f"the config file {path} is not a file")
    try:
        settings = Settings()
    except ValidationError as exc:
        problems = "; ".join(_problem(e, path) for e in exc.errors())
        raise SettingsError(f"invalid setting: {problems}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"the config file {path} is not valid TOML: {exc}") from exc
    except UnicodeDecodeError as exc:  # TOML is UTF-8; an editor may have saved Shift_JIS
        raise SettingsError(
            f"the config file {path} is not UTF-8 text: {exc.reason} at byte {exc.start}; "
            "save it as UTF-8"
        ) from exc
    except OSError as exc:
        raise SettingsError(f"cannot read the config file {path}: {exc.strerror}") from exc
    for name, folder in (("MEISHI_HOME", settings.home), ("MEISHI_INBOX", settings.inbox_dir)):
        if folder.exists() and not folder.is_dir():
            raise SettingsError(
                f"{name} {folder} is a file, not a folder: point {name} at a "
                "folder (or move the file away)"
            )
    return settings


def _problem(error: Any, path: Path) -> str:
    """``MEISHI_WORKERS (or workers in config.toml): Input should be ... (got '0')``."""
    key = ".".join(str(part) for part in error["loc"])
    got = f" (got {error['input']!r})" if "input" in error and error["type"] != "missing" else ""
    return f"MEISHI_{key.upper()} (or {key} in {path}): {error['msg']}{got}"
