"""Phone numbers, e-mail, URL and postal code: the fields with a grammar."""

from __future__ import annotations

import re
from typing import NamedTuple

import phonenumbers
from phonenumbers import Leniency, PhoneNumberFormat, PhoneNumberMatcher, PhoneNumberType
from rapidfuzz.distance import Levenshtein

from meishi.charclass import CJK, KANJI, POSTAL_MARKS, POSTAL_MARKS_IN_COLUMNS
from meishi.extract import places

PHONE_LABELS: dict[str, re.Pattern[str]] = {
    "fax": re.compile(r"(FAX|Fax|fax|F|ファックス|ファクス|ファクシミリ)\W{0,3}$"),
    "mobile": re.compile(
        r"(携[帯帶]電話|携[帯帶]|Mobile|MOBILE|mobile|Mob|Cell|CELL|M|モバイル)\W{0,3}$"
    ),
    "tel": re.compile(r"(TEL|Tel|tel|T|電話|代表|直通|Phone|PHONE|Ph|ダイヤルイン)\W{0,3}$"),
}
_LABEL_ONLY = re.compile(
    r"^(TEL|Tel|FAX|Fax|T|F|M|携[帯帶]|電話|Mobile|E-?mail|Mail|URL|HP|Web|〒|住所|所在地)[.:： ]*$",
    re.IGNORECASE,
)


class Phone(NamedTuple):
    kind: str  # tel / fax / mobile
    number: str  # national format, e.g. 03-1234-5678
    labelled: bool
    start: int
    end: int


def _fix_digits(text: str) -> str:
    """OCR confusions that the grammar of a phone number makes certain (O→0, l→1)."""
    table = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1"})

    def fix(m: re.Match[str]) -> str:
        run = m.group(0)
        if sum(c.isdigit() for c in run) < 6:
            return run
        # | is a 1 between digits, a separator after a number (0266| Fax …)
        return re.sub(r"(?<=\d)\|(?=\d)", "1", run.translate(table))

    text = re.sub(r"(?<![A-Za-z])[0-9OolI|\-()]{9,}(?![A-Za-z])", fix, text)
    # eleven digits grouped 3-4-4 are a mobile or IP number, 0X0: OCR reads its 0s as 9
    # (979-…, 999-… for 070-…, 090-…)
    text = re.sub(r"(?<![\d\-+])[09]([5789])[09](?=-\d{4}-\d{4}(?![\d\-]))", r"0\g<1>0", text)
    # a Japanese number starts with 0; after a label OCR often reads that 0 as 9 (925-…)
    return re.sub(r"(?<![\d\-+])9(?=\d{1,4}-\d{1,4}-\d{3,4}(?![\d\-]))", "0", text)


#: a run of digits, maybe with gaps, that may be a phone number whose dashes were read as 1
_BARRED_RUN = re.compile(r"(?<![\d\-])0\d(?:\s?\d){9,11}(?![\d\-])")


def _valid_jp(digits: str) -> str | None:
    """``digits`` in national format (03-1234-5678) if it is a valid Japanese number."""
    try:
        number = phonenumbers.parse(digits, "JP")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return str(phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL))


def _barred_dashes(text: str) -> str:
    """A number whose dashes OCR read as 1s (a tategaki card draws them as vertical bars:
    電話 052｜491｜3852 → 05214913852): where the digits as read are no valid number, but
    taking out two 1s gives one whose own grouping has its dashes exactly there, the dashes
    are put back. The grammar decides; nothing else is guessed."""

    def mend(m: re.Match[str]) -> str:
        run = m.group(0)
        digits = re.sub(r"\s", "", run)
        if _valid_jp(digits) is not None:
            return run
        found = set()
        ones = [i for i, c in enumerate(digits) if c == "1" and 2 <= i <= len(digits) - 4]
        for a in ones:
            for b in ones:
                if b <= a + 1:
                    continue
                cand = digits[:a] + digits[a + 1 : b] + digits[b + 1 :]
                national = _valid_jp(cand)
                if national is None:
                    continue
                groups = national.split("-")
                if len(groups) == 3 and (len(groups[0]), len(groups[0]) + len(groups[1])) == (
                    a,
                    b - 1,
                ):
                    found.add(national)
        return found.pop() if len(found) == 1 else run

    return _BARRED_RUN.sub(mend, text)


def find_phones(text: str) -> list[Phone]:
    # "7566FAX 03-…": a number runs into the next label when OCR drops the space
    fixed = re.sub(rf"(?<=\d)(?=[A-Za-z{CJK}])", " ", _barred_dashes(_fix_digits(text)))
    # ... and a label runs into its number: FAX078-…, T045-…
    fixed = re.sub(r"(?<=[A-Za-z.:])(?=0\d)", " ", fixed)
    out: list[Phone] = []
    prev_end = 0
    for match in PhoneNumberMatcher(fixed, "JP", leniency=Leniency.VALID):
        prefix = fixed[prev_end : match.start].rstrip()
        label = next((k for k, rx in PHONE_LABELS.items() if rx.search(prefix)), None)
        number = _as_printed(match.raw_string) or phonenumbers.format_number(
            match.number, PhoneNumberFormat.NATIONAL
        )
        kind = label
        if kind is None:
            ntype = phonenumbers.number_type(match.number)
            kind = "mobile" if ntype == PhoneNumberType.MOBILE else "tel"
        out.append(Phone(kind, number, label is not None, match.start, match.end))
        prev_end = match.end
    return out


def _as_printed(raw: str) -> str | None:
    """The number with the grouping the card printed (03-1234-5678, 0763-44-9998 …).

    Area codes have 1 to 4 digits, so only the card knows where the dashes go; a number
    printed without any grouping is left to phonenumbers' national format.
    """
    groups = re.split(r"[\s\-.()]+", raw.strip("() "))
    groups = [g for g in groups if g]
    if len(groups) != 3 or not all(g.isdigit() for g in groups):
        return None
    if not groups[0].startswith("0"):
        return None
    return "-".join(groups)


_EMAIL_LABEL = re.compile(r"^(E-?mail|Mail|MAIL|EMAIL|メール|e-mail)\s*[.:：]?\s*", re.IGNORECASE)
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:[.,][A-Za-z0-9\-]+)*")
# what OCR reads the ring of an @ as, alone or beside it
_AT_LOOKALIKES = "の⑳⑦©®◎"
_EMAIL_OK = re.compile(r"^[A-Za-z0-9._%+\-]+@[a-z0-9\-]+(\.[a-z0-9\-]+)*\.[a-z]{2,}$")


_TLDS = (
    "co.jp",
    "or.jp",
    "ne.jp",
    "ac.jp",
    "go.jp",
    "ed.jp",
    "lg.jp",
    "gr.jp",
    "jp",
    "com",
    "net",
    "org",
    "info",
    "biz",
    "io",
    "co",
    "tokyo",
    "osaka",
    "nagoya",
    "kyoto",
    "asia",
    "ai",
    "dev",
    "app",
    "tech",
    "inc",
    "us",
    "uk",
    "de",
    "fr",
    "cn",
    "kr",
    "tw",
    "sg",
)


#: the last label as OCR misreads it → what the grammar of a domain makes certain
_TLD_CONFUSIONS = {
    "jd": "jp",
    "jo": "jp",
    "ip": "jp",
    "corn": "com",
    "con": "com",
    "nct": "net",
    "nel": "net",
    "orq": "org",
}


def _trim_tld(domain: str) -> str:
    """Mend the end of a domain OCR damaged: ``co.jpd``/``co.jd`` → ``co.jp``,
    ``cojp``/``cojjp`` (the dot read as j, i, l or 1) → ``co.jp``."""
    domain = re.sub(r"(?<=[a-z0-9.-])(co|or|ne|ac|go)[jil1]?j[pd]$", r".\1.jp", domain)
    domain = domain.replace("..", ".")
    # an O read as 0 inside a word (kazane-shuz0.jp): host names are words
    domain = re.sub(r"(?<=[a-z])0(?=[a-z]|[.\-][a-z])", "o", domain)
    labels = domain.split(".")
    if len(labels) == 1 or (len(labels) == 2 and labels[0] == "www"):
        for tld in ("jp", "com", "net", "org"):  # the last dot was lost: monozukurijp
            if labels[-1].endswith(tld) and len(labels[-1]) > len(tld) + 1:
                labels[-1:] = [labels[-1][: -len(tld)], tld]
                domain = ".".join(labels)
                break
    labels = domain.split(".")
    confused = len(labels) >= 2 and labels[-1] in _TLD_CONFUSIONS
    if confused:
        labels[-1] = _TLD_CONFUSIONS[labels[-1]]
    if len(labels) >= 3 and labels[-1] == "jp":  # c0.jp, cc0.jp → co.jp
        labels[-2] = {"c0": "co", "cc0": "co", "cco": "co", "0r": "or", "n e": "ne"}.get(
            labels[-2], labels[-2]
        )
    domain = ".".join(labels)
    if confused:
        return domain
    if len(labels) >= 2 and labels[-1] not in _TLDS:
        for tld in _TLDS:
            last = tld.split(".")[-1]
            if labels[-1].startswith(last) and len(labels[-1]) <= len(last) + 2:
                return ".".join(labels[:-1] + [last])
    return domain


# circled numbers: NFKC turns them into digits, so they are looked at before it
_CIRCLED = "\u2460-\u2473"


def undo_circled_at(text: str) -> str:
    """A line as OCR read it (before NFKC), with an @ it read as a circled number (②, ⑦, ⑳)
    put back: between the e-mail's local part and its domain, or beside the @ itself."""
    t = re.sub(rf"@[{_CIRCLED}]+|[{_CIRCLED}]+@", "@", text)
    if "@" not in t:
        t = re.sub(rf"(?<=[A-Za-z0-9._\-])[{_CIRCLED}](?=[A-Za-z])", "@", t, count=1)
    return t


def mend_email_text(text: str) -> str:
    """An e-mail line with what OCR makes of an address undone: spaces around '@' and '.',
    the @ read as の or ⑳ (or one of those beside it), 」p for jp."""
    t = re.sub(r"\s*([@.])\s*", r"\1", text)
    t = re.sub(rf"[{_AT_LOOKALIKES}]*@[{_AT_LOOKALIKES}]*", "@", t)
    if "@" not in t:
        t = re.sub(rf"(?<=[A-Za-z0-9])\s*[{_AT_LOOKALIKES}]\s*(?=[A-Za-z])", "@", t, count=1)
    return re.sub(r"[」｣](?=p\b)", "j", t)


class Found(NamedTuple):
    """A value found in a line, and where: ``start``/``end`` index ``text``, the line as
    mended for that value's grammar (so the caller can cut it out without mending again)."""

    value: str
    start: int
    end: int
    text: str


def find_email(text: str) -> Found | None:
    compact = mend_email_text(text)
    m = _EMAIL.search(compact)
    if not m:
        return None
    local, _, domain = m.group(0).partition("@")
    domain = domain.replace(",", ".").lower()
    last = domain.split(".")[-1]
    # the line ends in "co." or "or": a Japanese second-level domain lost its ".jp" (.co and
    # .ac are top-level domains too, so they need the trailing dot as a trace)
    if last in ("or", "ne", "go", "ed") or (
        compact[m.end() : m.end() + 1] == "." and last in ("co", "ac")
    ):
        domain += ".jp"
    domain = _trim_tld(domain.strip("."))
    local = _EMAIL_LABEL.sub("", local)
    # an underscore OCR read as a gap: "harada shota@…" (the label is not part of it)
    # (lower case only: a label misread, "MATIL", is in capitals)
    before = re.search(r"(?:^|\s)([a-z][a-z0-9]*)\s$", compact[: m.start()])
    if (
        before
        and not _EMAIL_LABEL.fullmatch(before.group(1))
        and not local.startswith(".")
        and _EMAIL_LABEL.sub("", before.group(1))
    ):
        local = f"{before.group(1)}_{local}"
    start = before.start(1) if before and local.startswith(before.group(1) + "_") else m.start()
    email = f"{local}@{domain}"
    return Found(email, start, m.end(), compact) if _EMAIL_OK.match(email) else None


def with_separators(email: str, other: str) -> str:
    """``email`` with its local part's separators (``_ . -``) taken from ``other``, another
    reading of its line, when that reading has the same letters before its @ and more
    separators among them (OCR drops the underscore of nakamura_ryo more easily in one
    reading than another; the rest of the other reading may be worse: momij i-denki)."""
    local, _, domain = email.partition("@")
    m = re.search(r"([A-Za-z0-9][\w.\-]*)\s*@", other)
    if m is None:
        return email
    theirs = _EMAIL_LABEL.sub("", m.group(1))  # a label run into it: MAILa.nakano

    def bare(part: str) -> str:
        return re.sub(r"[._\-]", "", part).lower()

    if bare(theirs) == bare(local) and len(re.findall(r"[._\-]", theirs)) > len(
        re.findall(r"[._\-]", local)
    ):
        return f"{theirs.lower()}@{domain}"
    return email


def _domain_doubt(domain: str) -> int:
    """Traces of an OCR misread in a domain: a digit inside a word (minat0), a top-level
    label that does not exist (jdp), a Japanese second-level one that does not (cco.jp)."""
    labels = domain.split(".")
    doubt = sum(1 for label in labels if re.search(r"[a-z]\d|\d[a-z]", label))
    doubt += labels[-1] not in _TLDS
    if len(labels) >= 3 and labels[-1] == "jp" and f"{labels[-2]}.jp" not in _TLDS:
        doubt += 1
    return doubt


def agreed_domain(email_domain: str, host: str, email_surer: bool) -> str | None:
    """The one domain that a card's e-mail and web site both print, when OCR read it
    differently in the two (minat0-seisakusho.net / minato-seisakusho.net, kogyo.co /
    kogyo.co.jp): the reading with fewer traces of a misread, else the complete one, else
    the surer line's. None when they are two domains (a group's mail on its own domain)."""
    if email_domain == host:
        return None
    if host.startswith(email_domain + ".") or email_domain.startswith(host + "."):
        return max(email_domain, host, key=len)  # the other lost its last label
    if Levenshtein.distance(email_domain, host) > 2 or min(len(email_domain), len(host)) < 8:
        return None
    a, b = _domain_doubt(email_domain), _domain_doubt(host)
    if a != b:
        return email_domain if a < b else host
    return email_domain if email_surer else host


_URL = re.compile(
    r"(?:(?:https?://)?(?:www\.)[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+|"
    r"https?://[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+|"
    r"(?<![@\w.\-])[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.(?:co\.jp|or\.jp|ne\.jp|ac\.jp|go\.jp|jp|com|net|org|io|biz|info|tokyo))"
    r"(?:/[\w\-./?%&=#~]*)?",
)


def mend_url_text(text: str) -> str:
    """A web address as OCR misreads it, mended where its grammar is certain: spaces around
    dots, a label run into it (URLhttps://), WWW or wwww, www run into the host."""
    t = re.sub(r"(?<=[\w/:])\s*([./:])\s*(?=[\w/])", r"\1", text)
    t = re.sub(r"(?i)\b(URL|HP|Web)(?=https?:|www)", r"\1 ", t)
    t = re.sub(r"(?i)(?<![a-z])w{3,4}\.", "www.", t)
    t = re.sub(r"(?<![a-z/.])www(?=[a-z0-9-]{3,}\.)", "www.", t)
    # https://aoba-seikijp: a host without any dot gets one before its top-level domain
    return re.sub(
        r"(?i)(?<=https://)([a-z0-9-]+)(?=[\s/]|$)|(?<=http://)([a-z0-9-]+)(?=[\s/]|$)",
        lambda m: _trim_tld(m.group(0).lower()),
        t,
    )


def find_url(text: str) -> Found | None:
    compact = mend_url_text(text)
    for m in _URL.finditer(compact):
        end = m.end()
        if end < len(compact) and compact[end] == "@":
            continue  # the domain part of an e-mail address
        if "@" in compact[max(0, m.start() - 1) : m.start() + 1]:
            continue
        url = m.group(0).rstrip("./")
        scheme = re.match(r"^https?://", url, re.IGNORECASE)
        prefix = scheme.group(0).lower() if scheme else ""
        host, _, path = url[len(prefix) :].partition("/")
        if re.search(r"\d{3,}", host) and not re.search(r"[a-z]{2,}", host, re.IGNORECASE):
            continue  # numbers with dots, not a host
        url = prefix + _trim_tld(host.lower()) + (f"/{path}" if path else "")
        return Found(url, m.start(), m.end(), compact)
    return None


_POSTAL = re.compile(rf"(?:[{POSTAL_MARKS}]|= ?)?\s*(?<![\d\-])(\d{{3}})\s?-\s?(\d{{4}})(?![\d\-])")
# after the 〒 mark the grammar is certain, so a dash OCR misread (a sideways "-" in
# vertical text reads as 」 ' | , . ・ ー) still separates the two groups
_POSTAL_MARKED = re.compile(r"〒\s*(\d{3})\s?[-‐−ー」'|,.・]?\s?(\d{4})(?!\d)")


# a line that is nothing but the mark and seven digits is a postal code however OCR read the
# mark (〒 as T, 干, テ), the dash between the groups (~-, !, or lost: a tategaki 〒 column
# laid out as a line, or read as a 1 when eight digits follow) and a 0 (O)
_POSTAL_ALONE = re.compile(
    rf"^\s*[{POSTAL_MARKS_IN_COLUMNS}]\s*([\dO]{{3}})\s*(?:[^\w\s]{{1,2}}|1)?\s*([\dO]{{4}})\s*$"
)


# seven digits and the dash read as a 1 between them (a tategaki card's vertical bar), the
# mark maybe misread: certain only where the address's place follows at once
_POSTAL_BARRED = re.compile(
    rf"^\s*[{POSTAL_MARKS_IN_COLUMNS}]?\s*(\d{{3}})(?:1(?=\d{{4}}(?!\d)))?(\d{{4}})(?=\s*[{KANJI}])"
)


# a line that begins with a mark and a postal code: the mark as a column reads it too (亍)
_POSTAL_LEAD = re.compile(rf"^\s*[{POSTAL_MARKS_IN_COLUMNS}]\s*(\d{{3}})\s?-\s?(\d{{4}})(?![\d\-])")


def find_postal(text: str) -> tuple[str, int, int] | None:
    m = (
        _POSTAL_MARKED.search(text)
        or _POSTAL_LEAD.search(text)
        or _POSTAL.search(text)
        or _POSTAL_ALONE.search(text)
    )
    if not m:
        barred = _POSTAL_BARRED.search(text)
        if barred and places.starts_with_place(text[barred.end() :].lstrip()):
            m = barred
    if not m:
        return None
    code = f"{m.group(1)}-{m.group(2)}".replace("O", "0")
    return code, m.start(), m.end()


def is_label_only(text: str) -> bool:
    return _LABEL_ONLY.match(text.strip()) is not None
