"""`meishi doctor`: is everything meishi needs installed, and if not, how to get it."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from importlib import metadata

from packaging.version import Version

from meishi.errors import MeishiError
from meishi.ocr.tesseract import REQUIRED_LANGS, TesseractEngine
from meishi.settings import Settings

APT = "sudo apt-get install tesseract-ocr tesseract-ocr-jpn tesseract-ocr-jpn-vert"
_LANG_PACKAGE = {
    "jpn": "tesseract-ocr-jpn",
    "jpn_vert": "tesseract-ocr-jpn-vert",
    "osd": "tesseract-ocr-osd",
}


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


def check_tesseract(settings: Settings) -> list[Check]:
    cmd = shutil.which(settings.tesseract_cmd)
    if cmd is None:
        return [Check("tesseract", False, f"`{settings.tesseract_cmd}` not found on PATH", APT)]
    engine = TesseractEngine(cmd=cmd, timeout_s=30)
    try:
        version = engine.version()
        missing = engine.missing_languages()
    except MeishiError as exc:
        return [Check("tesseract", False, f"{cmd} does not run: {exc.message}", APT)]
    checks = [Check("tesseract", True, f"tesseract {version} ({cmd})")]
    for lang in REQUIRED_LANGS:
        ok = lang not in missing
        checks.append(
            Check(
                f"tesseract {lang}",
                ok,
                "installed" if ok else "language data missing",
                "" if ok else f"sudo apt-get install {_LANG_PACKAGE[lang]}",
            )
        )
    if os.environ.get("OMP_THREAD_LIMIT") not in (None, "1"):
        checks.append(
            Check(
                "OMP_THREAD_LIMIT",
                False,
                f"is {os.environ['OMP_THREAD_LIMIT']}: Tesseract threads slow down parallel cards",
                "unset it or set OMP_THREAD_LIMIT=1",
            )
        )
    return checks


def check_ppocr() -> list[Check]:
    """PP-OCR: rapidocr, onnxruntime and the models its wheel carries (never downloaded)."""
    from meishi.ocr.ppocr import MODELS, PpOcrEngine

    engine = PpOcrEngine()
    try:
        version = engine.version()
        engine.check()
    except MeishiError as exc:
        return [
            Check("ppocr", False, exc.message, "./run setup (pip install rapidocr onnxruntime)")
        ]
    from meishi.ocr import variants

    shapes = variants.check()
    return [
        Check("ppocr", True, f"{version}; models {', '.join(sorted(MODELS.values()))}; {shapes}")
    ]


def check_engine(settings: Settings) -> list[Check]:
    """Which engine reads cards; only the chosen one must be there."""
    return [
        Check("ocr engine", True, f"{settings.ocr_engine} (MEISHI_OCR_ENGINE; ppocr or tesseract)")
    ]


def check_unidic() -> list[Check]:
    try:
        from meishi.extract.names import tagger, tokens

        tagger()
        toks = tokens("山田太郎")
        ok = [t.pos4 for t in toks] == ["姓", "名"]
        import unidic_lite

        return [
            Check(
                "unidic",
                ok,
                f"unidic-lite {metadata.version('unidic-lite')} ({unidic_lite.DICDIR})"
                if ok
                else "UniDic does not tag 山田太郎 as a name",
                "" if ok else "pip install --force-reinstall unidic-lite",
            )
        ]
    except Exception as exc:  # noqa: BLE001 - any failure here is the finding
        return [Check("unidic", False, str(exc), "pip install fugashi unidic-lite")]


def check_prefect() -> list[Check]:
    checks = []
    try:
        pv = metadata.version("prefect")
        fv = metadata.version("fastapi")
    except metadata.PackageNotFoundError as exc:
        return [
            Check(
                "prefect",
                False,
                f"{exc.name} is not installed",
                "reinstall the project: ./run setup",
            )
        ]
    checks.append(Check("prefect", True, f"prefect {pv}"))
    fast_ok = Version(fv) < Version("0.155")
    checks.append(
        Check(
            "fastapi",
            fast_ok,
            f"fastapi {fv}",
            ""
            if fast_ok
            else "pip install 'fastapi<0.155' (Prefect's server fails to start with newer FastAPI)",
        )
    )
    api = os.environ.get("PREFECT_API_URL")
    if not api:
        checks.append(
            Check("prefect api", True, "no PREFECT_API_URL: flows run on a temporary local server")
        )
    else:
        import httpx

        try:
            r = httpx.get(api.rstrip("/") + "/health", timeout=5)
            ok = r.status_code == 200
            checks.append(
                Check(
                    "prefect api",
                    ok,
                    f"{api} answered {r.status_code}",
                    "" if ok else "start it with `meishi serve`",
                )
            )
        except httpx.HTTPError as exc:
            checks.append(
                Check(
                    "prefect api",
                    False,
                    f"{api} unreachable: {exc}",
                    "start the server (`prefect server start`) or unset PREFECT_API_URL",
                )
            )
    return checks


def check_data(settings: Settings) -> list[Check]:
    try:
        settings.ensure_dirs()
    except OSError as exc:
        return [
            Check(
                "data folder",
                False,
                f"{settings.home}: {exc.strerror}",
                "set MEISHI_HOME to a writable folder",
            )
        ]
    mode = settings.home.stat().st_mode & 0o777
    ok = mode & 0o077 == 0
    return [
        Check(
            "data folder",
            ok,
            f"{settings.home} (mode {mode:o})",
            "" if ok else f"chmod 700 {settings.home}",
        )
    ]


def run_checks(settings: Settings) -> list[Check]:
    """Every check; an engine that is not the chosen one is reported but not required."""
    engines = {"tesseract": check_tesseract(settings), "ppocr": check_ppocr()}
    for name, checks in engines.items():
        if name != settings.ocr_engine:
            for c in checks:
                if not c.ok:
                    c.ok, c.detail, c.fix = True, f"{c.detail} (not the chosen engine)", ""
    return (
        check_engine(settings)
        + engines["ppocr"]
        + engines["tesseract"]
        + check_unidic()
        + check_prefect()
        + check_data(settings)
    )
