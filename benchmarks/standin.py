"""A fast stand-in for the OCR, for runs where reading accuracy is irrelevant (concurrency,
crashes, memory): the file is still read (bounded, regular files only), decoded, cleaned and
its card image encoded by the real code; only OCR and field extraction are replaced by the
fields of the card's number in its file name (``card_007.png`` → person 7).

Set ``MEISHI_STANDIN_LOG`` to a file to get one line ``<pid> <source>`` per read, and
``MEISHI_STANDIN_DELAY_S`` to make each read take that much longer (a slow OCR).
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from meishi import imaging, pipeline
from meishi.models import CardFields, CardRead, FieldValue, OcrResult
from meishi.settings import Settings, get_settings

FAMILY = [
    "佐藤",
    "鈴木",
    "高橋",
    "田中",
    "伊藤",
    "渡辺",
    "山本",
    "中村",
    "小林",
    "加藤",
    "吉田",
    "山田",
    "佐々木",
    "山口",
    "松本",
    "井上",
    "木村",
    "林",
    "斎藤",
    "清水",
]
GIVEN = [
    "太郎",
    "花子",
    "健一",
    "美咲",
    "大輔",
    "陽子",
    "翔太",
    "直美",
    "拓也",
    "由美",
    "誠",
    "恵",
    "亮",
    "彩",
    "学",
    "舞",
    "剛",
    "愛",
    "洋平",
    "優子",
]


def person(i: int) -> dict[str, str]:
    """The fields of person ``i`` (0..399): every one a different name, phone and mail."""
    return {
        "name": f"{FAMILY[i % 20]} {GIVEN[(i // 20) % 20]}",
        "company": f"株式会社テスト{i:03d}",
        "tel": f"03-5{i:03d}-{7000 + i:04d}",
        "email": f"p{i:03d}@example{i:03d}.co.jp",
    }


def read_cards(
    path: Path | str,
    *,
    source: str | None = None,
    settings: Settings | None = None,
    engine: object = None,
) -> list[CardRead]:
    settings = settings or get_settings()
    source = source or str(path)
    data = pipeline.read_file(Path(path), settings, source)
    cards = imaging.clean(data, source, settings)
    log = os.environ.get("MEISHI_STANDIN_LOG")
    if log:
        fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, f"{os.getpid()} {source}\n".encode())
        finally:
            os.close(fd)
    time.sleep(float(os.environ.get("MEISHI_STANDIN_DELAY_S", "0")))
    found = re.findall(r"\d+", Path(source).stem)
    i = int(found[-1]) if found else 0
    reads = []
    for card in cards:
        values = person(i + (card.part or 1) - 1)
        fields = CardFields(**{k: FieldValue(value=v, confidence=0.95) for k, v in values.items()})
        reads.append(
            CardRead(
                source=card.source,
                sha256=card.sha256,
                fields=fields,
                ocr=OcrResult(lines=[]),
                card_image=imaging.encode_card(card.color),
                region=card.region,
                part=card.part,
                taken_at=card.taken_at,
                seconds=0.0,
            )
        )
    return reads


def install() -> None:
    """Replace the OCR of every later ``pipeline.read_cards`` (the ingest flow's task)."""
    pipeline.read_cards = read_cards  # type: ignore[assignment]
