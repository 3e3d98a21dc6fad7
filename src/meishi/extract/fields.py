"""OCR lines → :class:`CardFields`, each field with a confidence and its source line."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import TypeGuard

from rapidfuzz.distance import Hamming, Levenshtein

from meishi import romaji
from meishi.charclass import CJK, HIRAGANA, KANJI, KATAKANA, NAME_NEW_FORMS, variant_forms
from meishi.extract import contacts, names, places, vocab
from meishi.extract.text import (
    HIRAGANA_ONLY,
    KATAKANA_ONLY,
    has_cjk,
    is_kana_reading,
    nfkc,
    squeeze_cjk,
    to_katakana,
)
from meishi.extract.titles import compound_title, loose_katakana_title
from meishi.models import CHECK_BELOW, Box, CardFields, FieldValue, OcrLine, OcrResult, OcrWord


@dataclass
class Line:
    idx: int
    raw: str
    text: str  # NFKC; a space only where the card has a visible gap
    conf: float  # 0..1
    size: float
    center: tuple[float, float]
    box: Box
    vertical: bool
    rest: str = ""  # what is left after contact items were taken out
    used: bool = False
    taken: list[str] = field(default_factory=list)
    words: list[OcrWord] = field(default_factory=list)
    alternatives: list[str] = field(default_factory=list)  # NFKC, as OcrLine.alternatives
    ink_forms: dict[str, str] = field(default_factory=dict)  # as OcrLine.ink_forms


_ADDRESS_LABEL = re.compile(r"^(住所|所在地|本社|Address|ADDRESS|Add\.?)\s*[:：]?\s*")
_URL_LABEL = re.compile(r"(URL|HP|Web|WEB|Website|ホームページ)\s*[:：]?\s*$")
_NOISE = re.compile(r"^[\W_]+|[\W_]+$")
_ROMAN_NAME = re.compile(r"^[A-Z][A-Za-z'\-]+(?: [A-Z][A-Za-z'\-.]+){1,2}$")
# a romanised name whose space OCR dropped (KenichiSakamoto, TaroYAMADA, YAMADATaro is not
# told apart and stays whole)
_JOINED_NAME = re.compile(r"^([A-Z][a-z]+)([A-Z][A-Za-z]+)$")
# a reading starts with a full-size kana; a rule or stray mark beside it is not part of it
_KANA_EDGES = re.compile(r"^[^ァ-ヴぁ-ゔ]+|[^ァ-ヶぁ-ゖー]+$")
# what a phone line says that an address line does not
_PHONE_HINT = re.compile(r"\+81|\b(?:Tel|TEL|Phone|PHONE|Fax|FAX|Mobile|MOBILE)\b|[1lI]el:")
# a floor number whose F was read as E (8E), or whose 8 was read as B (BF: a basement is B1F)
_FLOOR_E = re.compile(r"(?<=\d)E\b")
_FLOOR_B = re.compile(r"(?<![A-Za-z0-9])B(?=F\b)")
# ... or a 0 of its number read as O (1OF, 1O階)
_FLOOR_O = re.compile(r"(?<=\d)[Oo](?=\d*(?:F\b|階))")
# a phone label left behind once its number is cut out of the line (longest first: 携帯電話
# is one label, not 携帯 and 電話)
_PHONE_LABEL_LEFT = re.compile(
    r"(携[帯帶]電話|TEL|Tel|FAX|Fax|携[帯帶]|Mobile|MOBILE|Cell|CELL|Phone|PHONE|直通|代表|電話|[TFM])"
    r"\W*(?=\s|$)"
)


def _reads_as_domain(company: str, words: list[str]) -> bool:
    """Whether a kanji word of ``company`` reads (by UniDic, voicing folded) as a word of its
    domain, or the start of one (蒼穹: soukyu; 朝凪: asanagidenki)."""
    keys = [names.voiceless_key(w) for w in [*words, "".join(words)]]
    for run in re.findall(f"[{KANJI}]{{2,}}", company):
        for form in vocab.LEGAL_FORMS_JA:
            run = run.replace(form, " ")
        for part in run.split():
            read = names.voiceless_key(names.reading(part)) if len(part) >= 2 else ""
            # the word is the domain's (or begins it), or the domain's word begins the word
            # (朝凪精工: asanagi)
            if read and any(k.startswith(read) or len(k) >= 4 and read.startswith(k) for k in keys):
                return True
    return False


# an e-mail's label just before it
_EMAIL_LABEL_BEFORE = re.compile(
    r"(?<![\w-])(E-?mail|Mail|MAIL|EMAIL|メール|✉)\s*[.:：]?\s*$", re.I
)
# a stray mark in a Japanese address: a rule, an edge or a speck read as | or /
_RULE_MARK = re.compile(r"\s*[|｜¦/]\s*(?=[\w])|\s*[|｜¦/]+$")
# a postal code's digits alone on a line, the dash between its groups lost or read as a 1
_BARE_POSTAL = re.compile(r"^\s*(\d{3})1?(\d{4})\s*$")
# 丁目 with its 目 read as 日, 曰 or 月 (a stroke lost or run together), between the numbers of
# an address's blocks or at its end, where no other word can stand
_CHOME = re.compile(r"(?<=[0-9一二三四五六七八九十])丁[日曰月](?=[0-9\s]|$)")
# a romaji word's O read as 0 (0samu, 0saka, 3-17-10 0saki), or as 0 and O both (0Okada): no
# number runs into a word but an ordinal's (10th)
_LATIN_O = re.compile(r"(?<![A-Za-z])0O?(?!(?:th|st|nd|rd)\b)(?=[a-z]{2,}\b)")
#: ... inside the word, a small o (Shimogy0-ku)
_LATIN_O_INSIDE = re.compile(r"(?<=[a-z]{2})0(?=[a-z]|-[a-z])")
# a name read as two lines (勅使河原 | 匠): the halves' sizes within this ratio, at most this
# many characters apart; split where the card's gap is, to be checked unless it reads as printed
_PAIR_SIZE = 0.6
_PAIR_GAP = 2.5
_PAIR_CERTAINTY = 0.75
# a name that reads as the card prints it is sure; one that reads otherwise is to be checked
_READS_AS_PRINTED = round(CHECK_BELOW + 0.1, 2)
_READS_OTHERWISE = round(CHECK_BELOW - 0.2, 2)
#: a name with a kanji that may be printed in a variant form OCR cannot tell from it
_MAY_BE_VARIANT = round(CHECK_BELOW - 0.1, 2)
# a town name followed by four digits or more with no dash (旭町412612 for 旭町4-26-12: a
# column's dashes read as 1s) is not a block number's grammar, unless 番地 follows
_BARE_BLOCK = re.compile(rf"[{KANJI}ヶ](\d{{4,}})(?![\d\-]|番)")
_ADDRESS_HINT = re.compile(r"(都|道|府|県|市|区|町|村|丁目|番地|番|号)")


class _Builder:
    def __init__(self, ocr: OcrResult) -> None:
        self.lines: list[Line] = []
        for i, ol in enumerate(ocr.lines):
            text = nfkc(contacts.undo_circled_at(ol.text))
            if not text or contacts.is_label_only(text):
                continue
            cx = ol.box.x + ol.box.w / 2
            cy = ol.box.y + ol.box.h / 2
            self.lines.append(
                Line(
                    i,
                    ol.text,
                    text,
                    ol.conf / 100,
                    ol.size,
                    (cx, cy),
                    ol.box,
                    ol.vertical,
                    rest=text,
                    words=ol.words,
                    alternatives=[nfkc(a) for a in ol.alternatives],
                    ink_forms=ol.ink_forms,
                )
            )
        self.out: dict[str, FieldValue] = {}
        self.name_line: Line | None = None

    def put(self, key: str, value: str, line: Line, certainty: float) -> None:
        value = value.strip()
        if not value or key in self.out:
            return
        conf = max(0.0, min(1.0, line.conf * certainty))
        self.out[key] = FieldValue(value=value, confidence=conf, source_line=line.raw)

    # ----------------------------------------------------------------- contact lines
    def contact_items(self) -> None:
        for line in self.lines:
            rest = line.text
            email = contacts.find_email(rest)
            if email:
                value = email.value
                for alt in line.alternatives:  # the line read again in English
                    value = contacts.with_separators(value, alt)
                self.put("email", value, line, 1.0)
                # its label goes with it (an address line that runs on with E-mail: …)
                label = _EMAIL_LABEL_BEFORE.search(email.text[: email.start])
                rest = _cut(email.text, label.start() if label else email.start, email.end)
            url = contacts.find_url(rest)
            if url:
                self.put(
                    "url",
                    url.value,
                    line,
                    1.0 if ("www" in url.value or "http" in url.value) else 0.8,
                )
                rest = _cut(url.text, url.start, url.end)
                rest = _URL_LABEL.sub("", rest)
            postal = contacts.find_postal(rest)
            if postal and not contacts.find_phones(rest[postal[1] : postal[2] + 8]):
                self.put("postal_code", postal[0], line, 1.0)
                after = rest[postal[2] :].strip()
                rest = rest[: postal[1]] + " " + after
                line.taken.append("postal")
            phones = contacts.find_phones(rest)
            for phone in phones:
                key = phone.kind
                if key in self.out and key == "tel" and not phone.labelled:
                    key = "fax" if "fax" not in self.out else "mobile"
                self.put(key, phone.number, line, 1.0 if phone.labelled else 0.8)
            if phones:
                rest = " ".join(
                    part
                    for part in re.split(
                        "|".join(re.escape(p.number) for p in phones), contacts._fix_digits(rest)
                    )
                )
                rest = _PHONE_LABEL_LEFT.sub(" ", rest)
            rest = re.sub(r"\s+", " ", rest).strip()
            line.rest = rest if _has_words(rest) or _FLOOR_ONLY.fullmatch(rest) else ""
            if not line.rest and rest != line.text:
                line.used = True

    # ----------------------------------------------------------------- address
    def address(self) -> None:
        start = next((ln for ln in self.lines if "postal" in ln.taken), None)
        parts: list[Line] = []
        if start is not None:
            text = _ADDRESS_LABEL.sub("", start.rest)
            if _looks_like_address(text):
                parts.append(start)
            else:
                nxt = self._next(start)
                if nxt is not None and _looks_like_address(nxt.rest):
                    parts.append(nxt)
        if not parts:
            # the address line elsewhere: with a prefecture, or, when the card has a postal
            # code, the nearest one to it (a city of a prefecture's name: 大阪市, 札幌市)
            # (a company named after its prefecture, 北海道環境教育推進機構, is no address:
            # it has a legal form and no number)
            cands = [
                ln
                for ln in self.lines
                if not ln.used
                and ln.rest
                and _looks_like_address(_ADDRESS_LABEL.sub("", ln.rest))
                and (start is not None or _prefecture_in(ln.rest))
                and not (_looks_like_company(ln.rest) and not re.search(r"\d", ln.rest))
            ]
            if cands:
                parts.append(
                    cands[0]
                    if start is None
                    else min(cands, key=lambda ln: _dist(ln.center, start.center))
                )
        if not parts:
            self.address_en()
            return
        nxt = self._next(parts[-1])
        if (
            nxt is not None
            and nxt.rest
            and vocab.BUILDING.search(nxt.rest)
            and not _looks_like_company(nxt.rest)
            and len(nxt.rest) <= 30
        ):
            parts.append(nxt)
        # the romaji name printed on the address's row, before it (Nakajima Miho 福岡県…)
        name = _NAME_BEFORE.match(parts[0].rest)
        if name is not None and not _roman_name_only(name.group(1)):
            name = None
        if name is not None:
            parts[0].rest = parts[0].rest[name.end() :]
        texts = [squeeze_cjk(_ADDRESS_LABEL.sub("", p.rest)).strip(" ,、") for p in parts]
        # a dash between block numbers read as a comma or a quote (tategaki above all)
        value = re.sub(
            r"(?<=\d)\s*[,'’.、・~\-]{1,3}\s*(?=\d)", "-", " ".join(t for t in texts if t)
        )
        # a rule or an edge read as a mark inside a Japanese address, which has none (タワー/7階)
        value = _CHOME.sub("丁目", _RULE_MARK.sub("", value))
        value = places.mend_town(places.mend_head(_mend_floor(value)))
        barred = _barred_block(value)
        if barred is not None:  # a tategaki card's vertical bars read as 1s
            value, certainty_barred = barred, 0.7  # a reading to be checked
        else:
            certainty_barred = 1.0
        conf = min(p.conf for p in parts)
        for p in parts:
            p.used = True
        if name is not None:
            parts[0].rest, parts[0].used = name.group(1), False
        certainty = (1.0 if _prefecture_in(value) else 0.7) * certainty_barred
        if _BARE_BLOCK.search(value):  # block numbers whose dashes were lost: to be checked
            certainty *= 0.7
        self.out["address"] = FieldValue(
            value=value,
            confidence=min(1.0, conf * certainty),
            source_line=" / ".join(p.raw for p in parts),
        )

    def address_en(self) -> None:
        """An English address: the lines around the one naming a ward, city, prefecture or
        building (printed in up to four lines, the postal code after the prefecture)."""

        def part(ln: Line | None) -> TypeGuard[Line]:
            return (
                ln is not None
                and not ln.used
                and bool(ln.rest)
                and not has_cjk(ln.rest)
                and not contacts.find_email(ln.rest)
                and not _PHONE_HINT.search(ln.rest)
                and not _roman_name_only(ln.rest)
                # General Manager, Osaka Branch names a prefecture and is no address
                and not vocab.TITLE_OF_FUNCTION_EN.fullmatch(ln.rest.strip())
                and not (
                    vocab.DEPARTMENT_EN.search(ln.rest)
                    and not re.search(r"\d|\b(?:Bldg|Building|Tower|Square|Plaza|Hall)\b", ln.rest)
                )
                and (
                    vocab.ADDRESS_EN.search(ln.rest) is not None
                    or re.search(r"\b\d+-\d+(?:-\d+)?\b", ln.rest) is not None
                    or _FLOOR_ONLY.fullmatch(ln.rest.strip()) is not None  # 4F, on its own
                )
            )

        seeds = [ln for ln in self.lines if part(ln) and vocab.ADDRESS_EN.search(ln.rest)]
        if not seeds:
            return
        block = [seeds[0]]
        while len(block) < 4:
            prev = self._prev(block[0])
            if not part(prev):
                break
            block.insert(0, prev)
        while len(block) < 4:
            nxt = self._next(block[-1])
            if not part(nxt):
                break
            block.append(nxt)
        value = " ".join(_ADDRESS_LABEL.sub("", ln.rest).strip() for ln in block)
        value = _mend_floor(re.sub(r"\s+,", ",", value).strip(" ,"))
        value = _LATIN_O_INSIDE.sub("o", _LATIN_O.sub("O", value))
        for ln in block:
            ln.used = True
        self.out["address"] = FieldValue(
            value=value,
            confidence=min(ln.conf for ln in block) * 0.95,
            source_line=" / ".join(ln.raw for ln in block),
        )

    def _prev(self, line: Line) -> Line | None:
        """The line that ``line`` continues (see :meth:`_next`)."""
        for ln in self.lines:
            if ln is not line and not ln.used and self._next(ln) is line:
                return ln
        return None

    def postal_without_mark(self) -> None:
        """A line of nothing but a postal code's seven digits, its 〒 lost (a tategaki card's
        column, read without its mark) and its dash lost or read as a 1, is the postal
        code where the address follows it at once: the line after it starts with a known
        place. Eight digits are a postal code only with a 1 in fourth place (the bar)."""
        if "postal_code" in self.out:
            return
        for ln in self.lines:
            # (a line of digits alone keeps no ``rest``: take its text, if nothing took it)
            m = _BARE_POSTAL.match(ln.text) if not (ln.used or ln.taken or ln.rest) else None
            nxt = self._next(ln) if m else None
            if m and nxt is not None and places.starts_with_place(nxt.rest.lstrip()):
                self.put("postal_code", f"{m.group(1)}-{m.group(2)}", ln, 0.9)
                ln.rest = ""
                ln.taken.append("postal")
                return

    def _next(self, line: Line) -> Line | None:
        """The line that continues ``line``: just below it (or, in a vertical column, just
        left of it) and aligned with its start, end or middle, if it is still unclaimed."""
        b, gap = line.box, 1.6 * line.size
        best: tuple[float, Line] | None = None
        start: tuple[float, Line] | None = None
        for ln in self.lines:
            if ln is line:
                continue
            o = ln.box
            dist = b.x - o.right if line.vertical else o.y - b.bottom
            # aligned with its start, end or middle (along the column, or the row)
            a_, o_ = (b.transposed(), o.transposed()) if line.vertical else (b, o)
            aligned = (
                min(
                    abs(o_.x - a_.x),
                    abs(o_.right - a_.right),
                    abs(o_.x + o_.w / 2 - a_.x - a_.w / 2),
                )
                < 2 * line.size
            )
            if -0.3 * line.size <= dist <= gap and aligned and (best is None or dist < best[0]):
                best = (dist, ln)
            # a line of the other column printed between (a phone number beside the address
            # of a two-column card) is passed over for one that starts where ``line`` starts
            if (
                not line.vertical
                and -0.3 * line.size <= dist <= gap
                and not ln.used
                and ln.rest
                and abs(o.x - b.x) < line.size
                and (start is None or dist < start[0])
            ):
                start = (dist, ln)
        if best is not None and (best[1].used or not best[1].rest) and start is not None:
            best = start
        if best is None or best[1].used or not best[1].rest:
            return None
        return best[1]

    # ----------------------------------------------------------------- company etc.
    def company(self) -> None:
        best: tuple[float, Line, str, str] | None = None
        for ln in self.lines:
            if ln.used or not ln.rest:
                continue
            found = _split_company(
                mend_legal_form(_spaced_by_domain(_without_logo(ln), self._domain_words()))
            )
            if found is None:
                continue
            company, remainder = found
            s = ln.size + (100 if has_cjk(company) else 0)
            if best is None or s > best[0]:
                best = (s, ln, company, remainder)
        if best is None:
            return
        _, ln, company, remainder = best
        certainty = 1.0
        if not remainder and (beside := self._name_beside_form(ln, company)) is not None:
            other, company = beside  # 株式会社 | オリオン総研 on two lines
            other.rest, other.used = "", True
            certainty = 0.9
        elif not remainder and (wrapped := self._company_wrapped(ln, company)) is not None:
            other, company = wrapped  # Yui Real | Estate K.K.: a long name run onto two lines
            other.rest, other.used = "", True
            certainty = 0.9
        self.put("company", company, ln, certainty)
        ln.rest = remainder
        if not remainder:
            ln.used = True

    def company_by_domain(self) -> None:
        """A company named in kanji is checked against its mail or web domain, which is
        often the name in romaji (朝凪電機: asanagi-denki.co.jp). When no kanji word of the
        name reads as a word of the domain and another reading of its line
        (:attr:`OcrLine.alternatives`, PP-OCR's second look: 朝瓜 | 朝凪) does, that one
        is the name."""
        company = self.out.get("company")
        words = self._domain_labels()
        if company is None or not words or not re.search(f"[{KANJI}]", company.value):
            return
        if _reads_as_domain(company.value, words):
            return
        line = next((ln for ln in self.lines if ln.raw == company.source_line), None)
        compact = company.value.replace(" ", "")
        at = line.text.replace(" ", "").find(compact) if line else -1
        if line is None or at < 0:
            return
        for alt in line.alternatives:
            alt = alt.replace(" ", "")
            if len(alt) != len(line.text.replace(" ", "")):
                continue  # not read glyph for glyph: no way to place the name in it
            candidate = alt[at : at + len(compact)]
            if _legal_form_in(candidate) and _reads_as_domain(candidate, words):
                self.out["company"] = company.model_copy(update={"value": candidate})
                return

    def _domain_labels(self) -> list[str]:
        """The words of the card's mail and web domains (asanagi, denki)."""
        out: list[str] = []
        for key in ("email", "url"):
            if key in self.out:
                m = _URL_PARTS.match(self.out[key].value.split("@")[-1])
                host = m.group(3) if m else ""
                out += [w for w in re.split(r"[-.]", host.split(".")[0]) if len(w) >= 3]
        return out

    def _company_wrapped(self, ln: Line, company: str) -> tuple[Line, str] | None:
        """An English company name that begins on the line above its legal form's, set
        close above it in the same size (Yui Real | Estate K.K.): that line, and the whole
        name. Not a person's name, a title or a department."""
        form = vocab.LEGAL_FORMS_EN.search(company)
        other = self._prev(ln)
        if form is None or other is None or ln.vertical or other.vertical:
            return None
        text = other.rest.strip()
        gap = ln.box.y - other.box.bottom
        if not (
            _LATIN_NAME.fullmatch(text)
            and not re.search(r"\d|@|:", text)
            and gap <= _WRAP_GAP * ln.size
            and 0.8 <= other.size / ln.size <= 1.25
            and not vocab.TITLES_EN.search(text)
            and not vocab.DEPARTMENT_EN.search(text)
            and not vocab.LEGAL_FORMS_EN.search(text)
            and not _PERSON_CAPS.search(text)
            and romaji.reading(text) is None  # a person's name in romaji (Yui Kato)
        ):
            return None
        return other, f"{text} {company}"

    def _name_beside_form(self, ln: Line, form: str) -> tuple[Line, str] | None:
        """A legal form set on a line of its own, smaller, above or below the company's name
        (株式会社 over オリオン総研; Inc. under Hokuto Logistics): the line of the name, and
        the company it makes. Not a person's name, a title or a contact item."""
        latin_form = vocab.LEGAL_FORMS_EN.fullmatch(form.strip()) is not None
        if not latin_form and form not in vocab.LEGAL_FORMS_JA:
            return None
        # a Japanese form goes before the name or after it; an English one after it
        sides = (
            [(self._prev(ln), False)]
            if latin_form
            else [
                (self._next(ln), True),
                (self._prev(ln), False),
            ]
        )
        for other, before in sides:
            if other is None:
                continue
            text = other.rest.strip()
            if latin_form:
                ok = (  # the name before an English form
                    _LATIN_NAME.fullmatch(text) is not None
                    and not vocab.TITLES_EN.search(text)
                    and not vocab.DEPARTMENT_EN.search(text)
                    and not _PERSON_CAPS.search(text)
                )
            else:  # a name of its own beside 株式会社, in kanji, kana or Latin letters
                compact = text.replace(" ", "")
                ok = (
                    has_cjk(compact)
                    and len(compact) <= 16
                    and all(_classify_part(p)[0] == "other" for p in [compact, *text.split()])
                    and not re.search(r"[0-9@:/〒]", compact)
                    and _legal_form_in(compact) is None
                    or _LATIN_NAME.fullmatch(text) is not None
                    and not _PERSON_CAPS.search(text)
                ) and names.person_name_score(text) < 0.5
            if ok:
                name = text.replace(" ", "") if has_cjk(text) else text
                if latin_form:
                    return other, f"{name} {form.strip()}"
                return other, (form + name) if before else (name + form)
        return None

    def _domain_words(self) -> list[str]:
        """The words of the card's mail or web domain, if it has several (kodama-estate)."""
        for key in ("email", "url"):
            if key in self.out:
                m = _URL_PARTS.match(self.out[key].value.split("@")[-1])
                words = m.group(3).split(".")[0].split("-") if m else []
                if len(words) >= 2 and all(w.isalpha() and len(w) >= 2 for w in words):
                    return words
        return []

    def department_and_title(self) -> None:
        for ln in self.lines:
            if ln.used or not ln.rest:
                continue
            if not has_cjk(ln.rest):
                self._department_and_title_en(ln)
                continue
            dept_parts: list[str] = []
            title: str | None = None
            leftovers: list[str] = []
            parts = ln.rest.split(" ")
            if any(_SEPARATOR_AFTER_KANJI.search(p) for p in parts):
                split = _SEPARATOR_AFTER_KANJI.sub(" ", ln.rest).split(" ")
                if all(_classify_part(p)[0] != "other" for p in split if p):
                    parts = split
            for part in _join_split_words(parts):
                kind, value, extra = _classify_part(part)
                if kind == "title" and (title is None or not extra):
                    # titles side by side are one (代表取締役 | 社長, 取締役 | CTO)
                    title = value if title is None else _join_titles(title, value)
                    if extra:
                        dept_parts.append(extra)
                elif kind == "dept":
                    dept_parts.append(value)
                else:
                    leftovers.append(part)
            if dept_parts and "department" not in self.out:
                self.put("department", " ".join(dept_parts), ln, 0.95)
            if title and "title" not in self.out:
                self.put("title", title, ln, 1.0)
            if dept_parts or title:
                ln.rest = " ".join(leftovers)
                ln.used = not ln.rest

    def _department_and_title_en(self, ln: Line) -> None:
        """An English line is one phrase: "International Sales Department", "Assistant
        Manager", "Sales Department Manager" (a department, then the title at its end)."""
        text = _EN_TITLE_OCR.sub(lambda m: m.group(0).replace("0", "O"), ln.rest.strip(" ,"))
        if vocab.LEGAL_FORMS_EN.search(text):
            return  # the company's English name beside its Japanese one
        if re.search(r"\s&|&\s", text):  # Director& CEO, not R&D
            text = re.sub(r"\s*&\s*", " & ", text)
        spaced = _CAMEL.sub(" ", text)  # OCR lost the spaces: SeniorConsultant
        if spaced != text and (
            vocab.TITLES_EN.fullmatch(spaced)
            or vocab.TITLE_OF_FUNCTION_EN.fullmatch(spaced)
            or vocab.DEPARTMENT_EN.search(spaced)  # Corporate PlanningOffice
        ):
            text = spaced
        of = next(
            (m for m in vocab.TITLE_OF_FUNCTION_EN.finditer(text) if m.end() == len(text)), None
        )
        before = text[: of.start()].strip(" ,") if of else ""
        if of is not None and (not before or vocab.DEPARTMENT_EN.search(before)):
            # General Manager, Sales; Digital Strategy Office Senior Analyst, Finance
            if before and "department" not in self.out:
                self.put("department", before, ln, 0.95)
            if "title" not in self.out:
                self.put("title", of.group(0), ln, 1.0)
            ln.rest, ln.used = "", True
            return
        title = next((m for m in vocab.TITLES_EN.finditer(text) if m.end() == len(text)), None)
        head = text[: title.start()].strip(" ,") if title else text
        first = vocab.TITLES_EN.match(text)
        if first and vocab.DEPARTMENT_EN.search(text[first.end() :]):  # "Engineer Sales Section"
            title, head = first, text[first.end() :].strip(" ,")
        if title is not None and head and not vocab.DEPARTMENT_EN.search(head):
            return  # a title after something that is not a department: a name, a slogan
        if (
            head
            and vocab.DEPARTMENT_EN.search(head)
            and "department" not in self.out
            and not re.search(r"\d{2,}|@|www|https?:", head)
        ):
            self.put("department", head, ln, 0.95)
        elif head:
            return
        if title is not None and "title" not in self.out:
            self.put("title", title.group(0), ln, 1.0)
        ln.rest = ""
        ln.used = True

    # ----------------------------------------------------------------- names
    def person(self) -> None:
        free = [ln for ln in self.lines if not ln.used and ln.rest]
        max_size = max((ln.size for ln in self.lines), default=1.0) or 1.0
        scored: list[tuple[float, Line]] = []
        for ln in free:
            text = ln.rest
            compact = text.replace(" ", "")
            if not (2 <= len(compact) <= 8) or not has_cjk(compact):
                continue
            if re.search(r"[0-9A-Za-z@:/]", compact) or is_kana_reading(text):
                continue
            if not re.search(f"[{KANJI}]", compact):
                continue  # a Japanese family name is written in kanji
            if _looks_like_company(compact) or _classify_part(compact)[0] != "other":
                continue
            s = ln.size / max_size + names.person_name_score(compact)
            s += 0.3 if len(text.split()) == 2 else 0.0
            scored.append((s, ln))
        # the likeliest line that splits as a name (a logo's one kanji does not)
        found = (
            (cand, names.split_name(_NOISE.sub("", cand.rest)))
            for _, cand in sorted(scored, key=lambda c: -c[0])
        )
        pick = next(((cand, sp) for cand, sp in found if sp is not None), None)
        if pick is None:
            return
        ln, split = pick
        if " " not in ln.rest.strip() and (pair := self._name_partner(ln)):
            # family and given name set far apart, read as two lines (勅使河原 | 匠): the
            # card's own gap splits them
            ln = _joined(*pair)
            split = names.NameSplit(pair[0].rest.strip(), pair[1].rest.strip(), _PAIR_CERTAINTY)
            for part in pair:
                part.used = True
        self.put("name", f"{split.family} {split.given}", ln, split.certainty)
        self.name_line = ln
        ln.used = True
        name_center = ln.center
        # the reading: the kana line nearest to the name, with its other half if the card
        # printed each half over its own name (カネコ | ミサキ)
        # (near the name's box, on a horizontal card: the name's line may run on with a
        # phone number beside the name)
        kana = [
            x
            for x in self.lines
            if not x.used
            and x.rest
            and _reading_like(x.rest)
            and (_dist(x.center, name_center) if ln.vertical else _gap(x.box, ln.box)) < 4 * ln.size
        ]
        if kana:
            k = min(kana, key=lambda x: _dist(x.center, name_center))
            row = sorted(
                [k] + [x for x in kana if x is not k and _beside(k, x)], key=lambda x: x.box.x
            )[:2]
            text = to_katakana(" ".join(_KANA_EDGES.sub("", x.rest) for x in row))
            if len(text.replace(" ", "")) >= 3 and names.may_read(text, split.family, split.given):
                reading = " ".join(text.replace("・", " ").split())
                reading = names.mend_small_kana(
                    names.space_reading(reading, split.family, split.given)
                )
                self.put("name_kana", reading, min(row, key=lambda x: x.conf), 0.95)
                for x in row:
                    x.used = True

    def _name_partner(self, ln: Line) -> tuple[Line, Line] | None:
        """The other half of a name whose family and given name the card sets so far apart
        that they were read as two lines: a piece of a name of about the same size, next in
        reading order (on the row, or down the column), before or after ``ln``. The pair,
        family first."""
        pieces = []
        for other in self.lines:
            if other is ln or other.used or other.vertical != ln.vertical:
                continue
            if not _name_piece_line(other.rest.strip()):
                continue
            if min(ln.size, other.size) < _PAIR_SIZE * max(ln.size, other.size):
                continue
            a, b = (
                (ln.box, other.box)
                if not ln.vertical
                else (ln.box.transposed(), other.box.transposed())
            )
            if not a.same_row(b, max_gap=_PAIR_GAP * max(ln.size, other.size)):
                continue
            if len(ln.rest.strip() + other.rest.strip()) > 8:
                continue
            pieces.append((abs(a.overlap_x(b)), other, b.x < a.x))
        if len(pieces) != 1:  # none, or no telling which
            return None
        _, other, before = pieces[0]
        return (other, ln) if before else (ln, other)

    def roman(self) -> None:
        cands = [
            (ln, _JOINED_NAME.sub(r"\1 \2", _LATIN_O.sub("O", ln.rest.strip())))
            for ln in self.lines
            if not ln.used and ln.rest
        ]
        cands = [
            (ln, text)
            for ln, text in cands
            if _ROMAN_NAME.match(text)
            and not vocab.LEGAL_FORMS_EN.search(text)
            and not vocab.TITLES_EN.search(text)
            and not vocab.DEPARTMENT_EN.search(text)
        ]
        if not cands:
            return
        ref = self.name_line.center if self.name_line else None
        ln, text = (
            min(cands, key=lambda c: _dist(c[0].center, ref))
            if ref
            else max(cands, key=lambda c: c[0].size)
        )
        self.put("name_roman", text, ln, 0.9)
        ln.used = True

    def name_by_reading(self) -> None:
        """Check the name's kanji against the readings the card prints (kana, romaji, the
        e-mail's local part). Tesseract misreads a name's kanji consistently (葵 as 壮) but
        not at every size: when the name does not read as printed and another reading of
        its line (:attr:`OcrLine.alternatives`) does, that one is the name. A name that
        reads as printed is sure; one that does not, and has no alternative that does, is
        flagged for review. See :meth:`mend_kana` for the kana line."""
        name, ln = self.out.get("name"), self.name_line
        if name is None or ln is None or " " not in name.value:
            return
        kana = self.out.get("name_kana")
        latin = [v.value.split() for v in [self.out.get("name_roman")] if v]
        if email := self.out.get("email"):
            latin.append([p for p in re.split(r"[._\-\d]+", email.value.split("@")[0]) if p])
        printed = ([kana.value.split()] if kana else []) + latin
        family, given = name.value.split(" ", 1)
        fits = names.reads_as(family, given, printed)
        if fits is None and not printed:
            return
        if fits:
            self.out["name"] = name.model_copy(
                update={"confidence": max(name.confidence, _READS_AS_PRINTED)}
            )
            self.mend_kana(family, given, latin)
            return
        for alt in ln.alternatives:
            runs = re.findall(f"[{CJK}]+", alt)
            for cand in runs + [f"{a} {b}" for a, b in zip(runs, runs[1:], strict=False)]:
                split = names.split_name(cand) if re.search(f"[{KANJI}]", cand) else None
                if split and names.reads_as(split.family, split.given, printed):
                    self.out["name"] = FieldValue(
                        value=f"{split.family} {split.given}",
                        confidence=_READS_AS_PRINTED,
                        source_line=ln.raw,
                    )
                    self.mend_kana(split.family, split.given, latin)
                    return
        if fits is None:  # UniDic cannot read the name as it was read: nothing to compare
            return
        self.out["name"] = name.model_copy(
            update={"confidence": min(name.confidence, _READS_OTHERWISE)}
        )

    def name_variants(self) -> None:
        """A name with a kanji that cards often print in a variant form (崎 for 﨑, 吉 for
        𠮷, 辺 for 邉: :data:`meishi.charclass.NAME_VARIANTS`) is flagged for its owner to check:
        no recogniser here has the variants, and a reading printed on the card fits both. Where
        the ink clearly shows the other form (``OcrLine.ink_forms``), the name takes it."""
        name = self.out.get("name")
        if name is None:
            return
        value = "".join(NAME_NEW_FORMS.get(c, c) for c in name.value)
        # the form the ink shows where it is clearly another (山崎 → 山﨑), from the name's
        # own line: flagged all the same
        forms = {
            c: f for ln in self.lines if ln.raw == name.source_line for c, f in ln.ink_forms.items()
        } | {c: f for ln in [self.name_line] if ln is not None for c, f in ln.ink_forms.items()}
        value = "".join(forms.get(c, c) for c in value)
        if variant_forms(value):
            self.out["name"] = name.model_copy(
                update={"value": value, "confidence": min(name.confidence, _MAY_BE_VARIANT)}
            )

    def mend_kana(self, family: str, given: str, latin: list[list[str]]) -> None:
        """The kana line mended to the name's reading when the card's romaji or e-mail
        confirms that reading and OCR's kana is a character or so off it (a dakuten lost:
        ヤマクチ for ヤマグチ; a glyph split: サトツウ for サトウ)."""
        kana = self.out.get("name_kana")
        if kana is None or not names.reads_as(family, given, latin, voicing=False):
            return
        fam, giv = names.reading(family), names.reading(given)
        read = kana.value.replace(" ", "")
        # confirmed by an initial only (y.hayashi), UniDic's reading of the other part may
        # be wrong (柚希: ユズマレ for ユズキ): then only one glyph is mended, in place
        whole = names.reads_as(family, given, latin, initials=False, voicing=False)
        if whole:
            near = Levenshtein.distance(read, fam + giv) <= (1 if len(read) < 6 else 2)
        else:
            near = len(read) == len(fam + giv) and Hamming.distance(read, fam + giv) <= 1
        if read != fam + giv and near:
            self.out["name_kana"] = kana.model_copy(update={"value": f"{fam} {giv}"})

    def agree_domains(self) -> None:
        """The e-mail's domain and the web site's host, read as one where OCR read the
        same domain two ways (:func:`contacts.agreed_domain`)."""
        email, url = self.out.get("email"), self.out.get("url")
        if email is None or url is None:
            return
        local, _, domain = email.value.partition("@")
        m = _URL_PARTS.match(url.value)
        if m is None:
            return
        agreed = contacts.agreed_domain(domain, m.group(3), email.confidence >= url.confidence)
        if agreed is not None:
            self.out["email"] = email.model_copy(update={"value": f"{local}@{agreed}"})
            self.out["url"] = url.model_copy(
                update={"value": (m.group(1) or "") + (m.group(2) or "") + agreed + m.group(4)}
            )

    def build(self) -> CardFields:
        self.contact_items()
        self.postal_without_mark()
        self.agree_domains()
        self.address()
        self.company()
        self.company_by_domain()
        self.department_and_title()
        self.person()
        self.roman()
        self.name_by_reading()
        self.name_variants()
        return CardFields(**self.out)


# what an English address line has and a romaji name (Hideki Yamaguchi) does not
_EN_ADDRESS_MARK = re.compile(
    r"[\d,]|-(?:ku|shi|ken|fu|to|cho|machi|gun)\b|\b(?:Japan|Bldg|Building|Floor|Tower)\b",
    re.IGNORECASE,
)


#: a web address's parts: scheme, www., host, the rest (also an e-mail's domain's host)
_URL_PARTS = re.compile(r"(https?://)?(www\.)?([^/]+)(.*)")

#: a romaji name ahead of Japanese text on its line
_NAME_BEFORE = re.compile(r"^([A-Za-z]+ [A-Za-z]+)\s+(?=[^\x00-\x7f])")


def _roman_name_only(text: str) -> bool:
    """A romaji name, even one that names a prefecture or city (Yamaguchi, Chiba, Nagano)."""
    return _ROMAN_NAME.match(text.strip()) is not None and not _EN_ADDRESS_MARK.search(text)


def _reading_like(text: str) -> bool:
    """Kana that can be a name's reading: not a loanword, job title or building name."""
    t = _KANA_EDGES.sub("", text)
    compact = t.replace(" ", "")
    return (
        len(compact) >= 2
        and (KATAKANA_ONLY.match(t) is not None or HIRAGANA_ONLY.match(t) is not None)
        and not names.is_common_word(t)
        and not vocab.BUILDING.search(compact)
        and not any(len(w) >= 4 and w in compact for w in vocab.TITLES_JA)
    )


def _name_piece_line(text: str) -> bool:
    """A line that may be one half of a name set apart (匠, 惠理子, 河原): a few CJK
    characters with a kanji, not a reading, a title, a department or a company."""
    return (
        1 <= len(text) <= 5
        and " " not in text
        and re.fullmatch(f"[{CJK}]+", text) is not None
        and re.search(f"[{KANJI}]", text) is not None
        and not _looks_like_company(text)
        and _classify_part(text)[0] == "other"
    )


def _joined(first: Line, second: Line) -> Line:
    """One name line out of its two halves (as :class:`OcrLine` would read them at once)."""
    box = Box.union([first.box, second.box])
    return Line(
        first.idx,
        f"{first.raw} {second.raw}",
        f"{first.rest.strip()} {second.rest.strip()}",
        min(first.conf, second.conf),
        max(first.size, second.size),
        (box.x + box.w / 2, box.y + box.h / 2),
        box,
        first.vertical,
        rest=f"{first.rest.strip()} {second.rest.strip()}",
        used=True,
        words=first.words + second.words,
        alternatives=[f"{a} {second.text}" for a in first.alternatives]
        + [f"{first.text} {b}" for b in second.alternatives],
        ink_forms={**first.ink_forms, **second.ink_forms},
    )


def _beside(a: Line, b: Line) -> bool:
    """``b`` is on ``a``'s row, a few characters away (horizontal lines only)."""
    return not (a.vertical or b.vertical) and a.box.same_row(b.box, max_gap=4 * max(a.size, b.size))


#: the block numbers after the town, without a dash: where a tategaki card's vertical bars
#: were read as 1s (研究学園918123 for 9-8-23); not a 番地 printed as one number
_BLOCK_RUN = re.compile(rf"(?<=[{CJK}])(\d{{5,7}})(?![\d\-]|番|号|F|階)")


def _barred_block(address: str) -> str | None:
    """``address`` with its block numbers' dashes put back where they were read as 1s and
    only one reading fits: 丁目 and then 番-号, or else 丁目-番-号, each of one or two
    digits (3126113 → 3-26-13; 818119, 8-8-19 or 8-81-9, stays as it is)."""
    m = _BLOCK_RUN.search(address)
    if m is None:
        return None
    run = m.group(1)
    groups = 2 if address[: m.start()].endswith("丁目") else 3
    ones = [i for i, c in enumerate(run) if c == "1" and 0 < i < len(run) - 1]
    fits = set()
    for cut in itertools.combinations(ones, groups - 1):
        bounds = [-1, *cut, len(run)]
        parts = [run[a + 1 : b] for a, b in itertools.pairwise(bounds)]
        if all(1 <= len(p) <= 2 and not p.startswith("0") for p in parts):
            fits.add("-".join(parts))
    if len(fits) != 1:
        return None
    return address[: m.start()] + fits.pop() + address[m.end() :]


def _mend_floor(address: str) -> str:
    """A floor whose F was read as E (8E), its 8 as B (BF) or its 0 as O (1OF)."""
    return _FLOOR_O.sub("0", _FLOOR_B.sub("8", _FLOOR_E.sub("F", address)))


def _dist(a: tuple[float, float], b: tuple[float, float] | None) -> float:
    if b is None:
        return 0.0
    return ((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5


def _gap(a: Box, b: Box) -> float:
    """How far apart two boxes are (0 when they touch or overlap)."""
    return float(max(0, -a.overlap_x(b)) ** 2 + max(0, -a.overlap_y(b)) ** 2) ** 0.5


def _cut(text: str, start: int, end: int) -> str:
    return (text[:start] + " " + text[end:]).strip()


def _has_words(text: str) -> bool:
    # C00: a title with its O read as 0 (see _EN_TITLE_OCR)
    return bool(
        re.search(rf"[A-Za-z]{{2,}}|[{KANJI}{HIRAGANA}{KATAKANA}]", text)
        or _EN_TITLE_OCR.search(text)
    )


#: a ward of a designated city (大阪市中央区, 札幌市北区): cards there often leave the
#: prefecture out
_CITY_WARD = re.compile(rf"[{KANJI}]{{1,4}}市[{KANJI}]{{1,4}}区")


def _looks_like_address(text: str) -> bool:
    t = squeeze_cjk(text)
    if _prefecture_in(t):
        return True
    if not re.search(r"\d", t):
        return False
    return bool(
        _CITY_WARD.search(t) or _ADDRESS_HINT.search(t) and names.place_name_share(t) > 0.15
    )


def _prefecture_in(text: str) -> bool:
    return any(p in text for p in vocab.PREFECTURES)


def _legal_form_in(text: str) -> str | None:
    """The first Japanese legal form (of :data:`vocab.LEGAL_FORMS_JA`) that ``text`` holds."""
    return next((f for f in vocab.LEGAL_FORMS_JA if f in text), None)


def _without_logo(ln: Line) -> str:
    """The line's text without a logo before it: the first word or two set apart by a gap
    and either taller than the text after them (the logo's shape, or the letter in it) or
    read with almost no confidence (a shape read as a character: 呈, 人Q, (0))."""
    words = ln.words
    for k in (1, 2):
        if len(words) <= k:
            break
        head, rest = words[:k], words[k:]
        if sum(len(w.text) for w in head) > 3 or sum(len(w.text) for w in rest) < 3:
            break
        if ln.vertical:
            sizes = sorted(w.box.w for w in rest)
            gap = rest[0].box.y - max(w.box.y + w.box.h for w in head)
            size = max(w.box.w for w in head)
        else:
            sizes = sorted(w.box.h for w in rest)
            gap = rest[0].box.x - max(w.box.x + w.box.w for w in head)
            size = max(w.box.h for w in head)
        usual = sizes[len(sizes) // 2]
        logo = nfkc("".join(w.text for w in head))
        form = _legal_form_in(ln.rest)
        if (
            gap >= 0.35 * usual
            and (size >= 1.25 * usual or min(w.conf for w in head) < 40)
            and _legal_form_in(logo) is None
            # nor the first glyph of a legal form the line starts with (合 | 同会社)
            and (form is None or ln.rest.find(form) >= len(logo))
            and ln.rest.startswith(logo)
        ):
            return ln.rest[len(logo) :].lstrip()
    return ln.rest


#: a logo before a company's English name, read as a glyph or two (上昌Kodama Estate K.K.)
_LOGO_BEFORE_LATIN = re.compile(r"^[^\x00-\x7f]{1,3}\s*(?=[A-Za-z])")


def _spaced_by_domain(text: str, words: list[str]) -> str:
    """A company's English name with the spaces OCR lost between its words put back where
    the card's domain has hyphens between the same letters (KodamaEstateK.K. and
    kodama-estate.net: Kodama Estate K.K.); a legal form run on after them is set apart."""
    joined = "".join(words)
    latin = _LOGO_BEFORE_LATIN.sub("", text.strip())
    if not words or has_cjk(latin):
        return text
    text = latin
    for m in re.finditer(r"[A-Za-z]+", text):
        run = m.group()
        if not run.lower().startswith(joined):
            continue
        cut, pieces = 0, []
        for w in words:
            pieces.append(run[cut : cut + len(w)])
            cut += len(w)
        tail = run[cut:] + text[m.end() :]
        if run[cut:] and not vocab.LEGAL_FORMS_EN.match(tail):
            return text  # the name runs on past the domain's words: not the same words
        return text[: m.start()] + " ".join(pieces) + (" " if run[cut:] else "") + tail
    return text


def _looks_like_company(text: str) -> bool:
    t = squeeze_cjk(text)
    return _legal_form_in(t) is not None or bool(vocab.LEGAL_FORMS_EN.search(text))


def _split_company(text: str) -> tuple[str, str] | None:
    """(company, what else the line says) if the line names a company."""
    latin = _LOGO_BEFORE_LATIN.sub("", text.strip())
    if vocab.LEGAL_FORMS_EN.search(latin) and not has_cjk(latin):
        return _mend_co(_LOGO_BRACKET.sub("", latin)), ""
    parts = text.split(" ")
    for i, part in enumerate(parts):
        form = _legal_form_in(part)
        if form is None:
            continue
        lo, hi = i, i + 1
        prefix = (
            part.startswith(form)
            and i + 1 < len(parts)
            and (part != form or i == 0 or _classify_part(parts[i - 1])[0] != "other")
        )
        if prefix:  # 株式会社 ミドリ 精機: the name follows the form
            if part == form:
                hi += 1
            while hi < len(parts) and _name_piece(parts[hi]):
                hi += 1
        elif not part.startswith(form) or (part == form and i > 0):  # ミドリ 精機株式会社
            if part == form:
                lo -= 1
            while lo > 0 and _name_piece(parts[lo - 1]):
                lo -= 1
        # a logo beside the name is often read as symbols or digits
        company = _clean_company("".join(parts[lo:hi]))
        remainder = " ".join(parts[:lo] + parts[hi:])
        return company, remainder
    return None


_LEGAL_FORM_MISREADS = [
    # 株 dropped (式会社 is only ever part of 株式会社), 会 read as 全, 社 as 杜, gaps inside
    (re.compile(r"株?\s*式\s*[会全]\s*[社杜]"), "株式会社"),
    (re.compile(r"(有|合)\s*(限|同)\s*[会全]\s*[社杜]"), r"\1\2会社"),
    # English: the space before the form lost (TradingCo.), Inc read as lnc, a last dot lost
    (re.compile(r"(?<![A-Za-z])lnc\b"), "Inc"),
    (re.compile(r"(?<=[a-z])lnc\.(?=\s|$)"), "Inc."),
    (re.compile(r"(?<=[a-z])(?=(?:Co\.|Inc\.|Corporation\b|K\.K\.?))"), " "),
    (re.compile(r"\b(K\.K|Ltd|Inc|Co\., Ltd)$"), r"\1."),
    # a gap OCR saw after the first dot (K. K., G. K.)
    (re.compile(r"\b([KG])\.\s+K\.(?=\s|$|,)"), r"\1.K."),
]


# a gap OCR saw inside a legal form of several kanji (特定非 営利活動法人)
_LEGAL_FORM_GAPS = [
    (re.compile(r"\s*".join(map(re.escape, form))), form)
    for form in vocab.LEGAL_FORMS_JA
    if len(form) >= 4 and form.isalnum()
]


def mend_legal_form(text: str) -> str:
    """A legal form as OCR misreads it, put right where its grammar is certain."""
    for rx, repl in _LEGAL_FORM_MISREADS + _LEGAL_FORM_GAPS:
        text = rx.sub(repl, text)
    return text


def _name_piece(part: str) -> bool:
    """A piece of a Japanese company name that OCR split off at a gap (ミドリ | 精機), not a
    department, title, slogan (人と街の明日を描く) or contact item."""
    return (
        has_cjk(part)
        and len(part) <= 12
        and _classify_part(part)[0] == "other"
        and not re.search(r"[0-9@:/]", part)
        and not (re.search(f"[{HIRAGANA}]", part) and re.search(f"[{KANJI}]", part))
        and _legal_form_in(part) is None
    )


# no Japanese word starts with a small kana or a long-vowel mark
_BAD_START = re.compile(r"^[ァィゥェォッャュョヮヵヶぁぃぅぇぉっゃゅょゎーｰ]+")
# what a logo before a leading legal form is read as: symbols, stray hiragana or digits, or
# one character (no name is one character before its legal form and more after it: 人株式会社…)
_LOGO_JUNK = re.compile(rf"^(?:[^\w]|[{HIRAGANA}ー0-9]){{1,3}}$|^.?[^\w\s].?$|^.$")


# a logo read as a character or two, cut off from the name by a rule or a mark: 回|燈電子,
# A)青葉物産 (a closing bracket with no opening one)
_LOGO_CUT = re.compile(r"^[^\s(]{0,2}?[|｜¦!,，.、。:;'\"`)\]】」』〉》>]+\s*")


# a logo read as digits, marks or a letter in brackets: (0)ハルカネットワークス, (515) Sorano
# (not (株), (一社): legal forms)
_LOGO_BRACKET = re.compile(r"^[(（](?:[^\w)）]|[\d_]){1,4}[)）]\s*|^[(（][A-Za-z][)）]\s*")


def _clean_company(company: str) -> str:
    """Drop what the grammar of a company name rules out: a slogan after 。, a logo read as a
    few symbols or stray hiragana before a leading legal form (…株式会社東雲運輸) or cut off
    by a mark (回|燈電子株式会社), and a small kana at the very start."""
    company = re.sub(r"^(?:[^\w(]|[\d_])+", "", _LOGO_CUT.sub("", company)).split("。", 1)[0]
    bracket = _LOGO_BRACKET.match(company)
    if bracket and company[bracket.end() :]:
        company = company[bracket.end() :]
    for form in vocab.LEGAL_FORMS_JA:
        k = company.find(form)
        if k > 0 and k + len(form) < len(company):  # the legal form leads the name
            if _LOGO_JUNK.match(company[:k]):
                company = company[k:]
            break
    company = _mend_co(company)
    return _BAD_START.sub("", company) or company


#: "Co." of "Co., Ltd." with its o read as 0 (C0., CO0.)
_CO_MISREAD = re.compile(r"\bC(?:[Oo]?0[Oo0]?)(?=\.,?\s*(LTD|Ltd)\b)")


def _mend_co(company: str) -> str:
    """ "Co., Ltd." as printed where OCR read its o as 0, in the case of its "Ltd"."""
    return _CO_MISREAD.sub(lambda m: "CO" if m.group(1).isupper() else "Co", company)


# a title in capitals with O read as 0: CT0, C0O
#: a floor on a line of its own, the head of an English address
_FLOOR_ONLY = re.compile(r"(?:B?\d{1,2}F|\d{1,2}(?:st|nd|rd|th) Floor),?", re.IGNORECASE)
#: a company's name in Latin letters, without a form (Hokuto Logistics, ABC Design)
#: an English company name's second line lies at most this many line heights below its first
_WRAP_GAP = 0.5
_LATIN_NAME = re.compile(r"[A-Z][A-Za-z&'.\-]*(?: [A-Za-z&'.\-]+){0,4}")
#: a person's name as cards print it in Latin letters: the family name in capitals beside
#: the given name (Yui SASAKI, SASAKI Yui), or both in capitals (OSAMU KAI)
_PERSON_CAPS = re.compile(r"^(?:[A-Z][a-z]+ [A-Z]{2,}|[A-Z]{2,} [A-Z][a-z]+|[A-Z]{2,} [A-Z]{2,})$")
#: where OCR lost a space between two Latin words (SeniorConsultant)
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z][a-z])")
_EN_TITLE_OCR = re.compile(r"\bC[0O][0O]\b|\bC[A-Z]0\b")


#: the head of a department OCR split off at a gap is a word or two (第一 | 営業部, マー |
#: ケティンググループ); a longer piece before a department is something else
SPLIT_HEAD = 3


def _surname(text: str) -> bool:
    toks = names.tokens(text)
    return len(toks) == 1 and toks[0].pos4 == "姓"


#: a separator between a department and a title misread as ー (a long-vowel mark never
#: follows a kanji): 情報システム部ーシニアコンサルタント
_SEPARATOR_AFTER_KANJI = re.compile(rf"(?<=[{KANJI}])[ー｜|/／](?=\S)")


def _join_titles(a: str, b: str) -> str:
    return a + (" " if a.isascii() or b.isascii() else "") + b


def _bare_unit(part: str) -> bool:
    """A department word with nothing before it (グループ, 課, or the same with the glyph
    before it, where OCR put the gap one glyph early: マーケティン | ググループ): whatever
    precedes it on its line is its head, however long."""
    p = part.strip()
    return p in vocab.DEPARTMENT_SUFFIXES or (
        len(p) > 1 and p[0] == p[1] and p[1:] in vocab.DEPARTMENT_SUFFIXES
    )


def _join_split_words(parts: list[str]) -> list[str]:
    """Pieces of one CJK word OCR split at a gap joined back: where the whole is a title or
    department and the pieces are not (コンサル | タント), or a short piece is the head of
    the department after it (経営 | 企画室)."""
    out: list[str] = []
    i = 0
    while i < len(parts):
        for n in (3, 2):
            chunk = parts[i : i + n]
            if len(chunk) != n or not all(has_cjk(p) for p in chunk):
                continue
            kinds = [_classify_part(p)[0] for p in chunk]
            whole = _classify_part("".join(chunk))[0]
            if (
                whole != "other"
                and all(k == "other" for k in kinds)
                or n == 2
                and kinds == ["other", "dept"]
                and whole == "dept"
                and (len(chunk[0]) <= SPLIT_HEAD or _bare_unit(chunk[1]))
            ):
                out.append("".join(chunk))
                i += n
                break
        else:
            out.append(parts[i])
            i += 1
    return out


def _classify_part(part: str) -> tuple[str, str, str]:
    """('title'|'dept'|'other', value, department prefix of a joined 'dept+title')."""
    p = part.strip()
    if not p:
        return "other", p, ""
    if p in vocab.TITLES_JA or vocab.TITLES_EN.fullmatch(p):
        return "title", p, ""
    for t in vocab.TITLES_JA:
        if p.endswith(t) and len(p) > len(t):
            head = p[: -len(t)]
            if head.endswith(vocab.DEPARTMENT_SUFFIXES) and has_cjk(head):
                return "title", t, head
    if (
        has_cjk(p)
        and len(p) <= 20
        and p.endswith(vocab.DEPARTMENT_SUFFIXES)
        and len(p) >= 2
        and not _surname(p)  # 阿部, 長谷部, 服部: a family name, not a department
        and not p.endswith("号室")  # ヒルトップビル807号室: a room
    ):
        return "dept", p, ""
    if not has_cjk(p) and vocab.DEPARTMENT_EN.search(p):
        return "dept", p, ""
    built = compound_title(p) or loose_katakana_title(p)
    if built is not None:
        return "title", built, ""
    near = _near_title(p)
    if near is not None:
        return "title", near, ""
    return "other", p, ""


_TRAILING_MARKS = re.compile(r"[ー一\-|_.。、,]+$")


def _near_title(part: str) -> str | None:
    """The title ``part`` is as OCR misread it, where only one title can be meant: a mark
    after it (課長一), O read as 0 in a Latin title (C00), one kanji or kana misread in a
    title of three or more (執行役具, 主任研究貞), or its last one or two characters lost at
    the line's end (シニアマネージ)."""
    p = _TRAILING_MARKS.sub("", part)
    if p != part and p in vocab.TITLES_JA:
        return p
    if _EN_TITLE_OCR.fullmatch(p) and p.replace("0", "O") in vocab.TITLES_JA:
        return p.replace("0", "O")
    if len(p) < 3 or not has_cjk(p):
        return None
    near = {
        t
        for t in vocab.TITLES_JA
        if len(t) >= 3
        and (
            len(t) == len(p)
            and Hamming.distance(t, p) == 1
            or len(p) >= 4
            and t.startswith(p)
            and len(t) - len(p) <= 2
        )
    }
    return near.pop() if len(near) == 1 else None


def extract_fields(ocr: OcrResult) -> CardFields:
    """Read the contact fields off one card's OCR lines."""
    return _Builder(ocr).build()


def lines_for_test(texts: list[tuple[str, int] | tuple[str, int, int]]) -> OcrResult:
    """Build an OCR result from (text, glyph height[, right edge]) tuples, top to bottom,
    left-aligned unless a right edge is given (for tests)."""
    lines = []
    y = 10
    for text, h, *right in texts:
        w = max(1, len(text)) * h
        box = Box(x=right[0] - w if right else 10, y=y, w=w, h=h)
        lines.append(
            OcrLine(text=text, conf=95.0, box=box, words=[OcrWord(text=text, conf=95.0, box=box)])
        )
        y += h + 10
    return OcrResult(lines=lines, rotation=0)
