"""名寄せ: is a new card somebody already in the contact book?

Pure rules over field dicts, so they can be tested as tables:

- **automatic merge** when the names agree and so does one more thing that belongs to one
  person: a personal e-mail, the address, the mobile number, or the company *and* its URL;
- **candidate** (the person confirms in the review form) when only the name agrees, or only a
  personal e-mail;
- a role address (``info@``, ``sales@``, 代表 ...) is never evidence that two cards are one
  person, and neither is a company's main number.

Names agree when they are equal after NFKC, without spaces, with old/variant kanji folded to
their common form (髙→高, 﨑→崎, 邊→辺 ...), or when the romanised names have the same words in
any order ("YAMADA Taro" = "Taro Yamada").

The two sides of one card read in the same ingest run are paired by :mod:`meishi.pairing`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

import jaconv
import phonenumbers

from meishi.extract.text import dash_to_hyphen, has_cjk, nfkc
from meishi.extract.vocab import LEGAL_FORMS_EN, LEGAL_FORMS_JA

Fields = Mapping[str, str | None]

# Old (旧字体) and variant (異体字) forms seen in names, folded to the common form.
# NFKC already folds the compatibility ideographs it knows; 﨑 (U+FA11) and 髙 are not among them.
_VARIANTS = {
    "髙": "高",
    "﨑": "崎",
    "嵜": "崎",
    "碕": "崎",
    "邊": "辺",
    "邉": "辺",
    "齋": "斎",
    "齊": "斎",
    "斉": "斎",
    "濵": "浜",
    "濱": "浜",
    "德": "徳",
    "槇": "槙",
    "𠮷": "吉",
    "栁": "柳",
    "澤": "沢",
    "嶋": "島",
    "嶌": "島",
    "廣": "広",
    "國": "国",
    "櫻": "桜",
    "眞": "真",
    "惠": "恵",
    "藏": "蔵",
    "龍": "竜",
    "冨": "富",
    "圓": "円",
    "會": "会",
    "條": "条",
    "實": "実",
    "壽": "寿",
    "與": "与",
    "淺": "浅",
    "瀨": "瀬",
    "黑": "黒",
    "曻": "昇",
    "﨔": "欅",
}
_VARIANT_RE = re.compile("|".join(map(re.escape, sorted(_VARIANTS, key=len, reverse=True))))

#: local parts of shared mailboxes: they belong to a company, not to a person
ROLE_MAILBOXES = frozenset(
    {
        "info",
        "information",
        "contact",
        "contacts",
        "sales",
        "support",
        "office",
        "admin",
        "hello",
        "inquiry",
        "inquiries",
        "toiawase",
        "otoiawase",
        "mail",
        "webmaster",
        "pr",
        "press",
        "recruit",
        "recruiting",
        "saiyo",
        "jinji",
        "hr",
        "desk",
        "service",
        "team",
        "general",
        "soumu",
        "somu",
        "eigyo",
        "customer",
        "cs",
        "help",
        "media",
        "marketing",
        "ir",
        "noreply",
        "no-reply",
        "reception",
        "staff",
        "enquiry",
        "enquiries",
        "jimukyoku",
        "daihyo",
        "honbu",
        "postmaster",
        "master",
        "all",
        "global",
        "international",
        "business",
        "partner",
        "partners",
    }
)

_SPACES = re.compile(r"\s+")
_BLOCK = re.compile(r"^(.*?\d+(?:-\d+)*)")
_ADDR_UNITS = re.compile(r"(\d+)\s*(?:丁目|番地|番|号|の)\s*")


def fold_variants(text: str) -> str:
    return _VARIANT_RE.sub(lambda m: _VARIANTS[m.group(0)], text)


def name_key(name: str | None) -> str | None:
    """The name as compared: NFKC, no spaces, variant kanji folded, lower-case."""
    if not name:
        return None
    key = fold_variants(_SPACES.sub("", nfkc(name))).lower()
    return key or None


def roman_key(roman: str | None) -> str | None:
    """The romanised name's words, lower-case and sorted: word order does not matter."""
    if not roman:
        return None
    words = sorted(w for w in re.split(r"[\s,.]+", nfkc(roman).lower()) if w)
    return " ".join(words) if len(words) >= 2 else None


def email_key(email: str | None) -> str | None:
    return nfkc(email).lower() if email and "@" in email else None


def is_role_address(email: str | None) -> bool:
    """``info@``, ``sales-tokyo@``, ``toiawase@`` ...: a shared mailbox."""
    key = email_key(email)
    if key is None:
        return False
    local = key.split("@", 1)[0]
    parts = [p for p in re.split(r"[._+\-]", local) if p]
    return local in ROLE_MAILBOXES or bool(parts) and parts[0] in ROLE_MAILBOXES


def personal_email(email: str | None) -> str | None:
    return None if is_role_address(email) else email_key(email)


def phone_key(phone: str | None) -> str | None:
    """The national number as phonenumbers parses it (``+81 90 …`` = ``090-…``)."""
    if not phone:
        return None
    try:
        number = phonenumbers.parse(nfkc(phone), "JP")
    except phonenumbers.NumberParseException:
        return None
    return str(number.national_number) if phonenumbers.is_possible_number(number) else None


def address_key(postal: str | None, address: str | None) -> str | None:
    """The address up to its block number (the building and floor are left out, they are
    written in too many ways), with 丁目/番地/号 as dashes and the postal code in front."""
    if not address:
        return None
    text = dash_to_hyphen(fold_variants(_SPACES.sub("", nfkc(address))))
    text = _ADDR_UNITS.sub(r"\1-", text)
    m = _BLOCK.match(text)
    if not m:
        return None
    block = m.group(1).strip("-")
    code = re.sub(r"\D", "", nfkc(postal)) if postal else ""
    return f"{code}|{block}" if code else f"|{block}"


def _addresses_agree(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    code_a, block_a = a.split("|", 1)
    code_b, block_b = b.split("|", 1)
    if code_a and code_b and code_a != code_b:
        return False
    return block_a == block_b


def company_key(company: str | None) -> str | None:
    if not company:
        return None
    text = nfkc(company)
    for form in LEGAL_FORMS_JA:
        text = text.replace(unicodedata.normalize("NFKC", form), "")
    text = LEGAL_FORMS_EN.sub("", text)
    key = re.sub(r"[\s,.・]+", "", fold_variants(text)).lower()
    return key or None


def url_key(url: str | None) -> str | None:
    if not url:
        return None
    text = nfkc(url).lower()
    if "://" not in text:
        text = "http://" + text
    host = urlsplit(text).hostname or ""
    return host.removeprefix("www.") or None


def card_lang(fields: Fields) -> Literal["ja", "en"]:
    """ "en" for an English side: nothing Japanese in its name, company, title or address."""
    texts = [fields.get(k) for k in ("name", "company", "department", "title", "address")]
    present = [t for t in texts if t]
    if not present and not fields.get("name_roman"):
        return "ja"
    return "ja" if any(has_cjk(t) for t in present) else "en"


# ---------------------------------------------------------------------------- decisions
@dataclass(frozen=True)
class Match:
    kind: Literal["merge", "candidate"]
    reason: str


def names_agree(a: Fields, b: Fields) -> bool:
    na, nb = name_key(a.get("name")), name_key(b.get("name"))
    if na and nb:
        return na == nb
    ra, rb = roman_key(a.get("name_roman")), roman_key(b.get("name_roman"))
    return bool(ra and rb and ra == rb)


def match(new: Fields, old: Fields) -> Match | None:
    """How a new card relates to an existing contact: merge, candidate, or nothing."""
    same_name = names_agree(new, old)
    mail_new, mail_old = personal_email(new.get("email")), personal_email(old.get("email"))
    same_mail = bool(mail_new and mail_new == mail_old)
    if same_name:
        if same_mail:
            return Match("merge", "same name and e-mail")
        if _addresses_agree(
            address_key(new.get("postal_code"), new.get("address")),
            address_key(old.get("postal_code"), old.get("address")),
        ):
            return Match("merge", "same name and address")
        mob_new, mob_old = phone_key(new.get("mobile")), phone_key(old.get("mobile"))
        if mob_new and mob_new == mob_old:
            return Match("merge", "same name and mobile number")
        co_new, co_old = company_key(new.get("company")), company_key(old.get("company"))
        url_new, url_old = url_key(new.get("url")), url_key(old.get("url"))
        if co_new and co_new == co_old and url_new and url_new == url_old:
            return Match("merge", "same name, company and web site")
        return Match("candidate", "same name")
    if same_mail:
        return Match("candidate", "same e-mail, another name")
    return None


# ---------------------------------------------------------------------- company-bound details
#: details that belong to the firm on the card, not to the person: they move with the company
COMPANY_BOUND: tuple[str, ...] = (
    "department",
    "title",
    "postal_code",
    "address",
    "tel",
    "fax",
    "url",
    "email",
)

#: mail domains anyone can have: an address there belongs to the person, not to a firm
FREE_MAIL = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "yahoo.co.jp",
        "ymail.ne.jp",
        "yahoo.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "outlook.com",
        "outlook.jp",
        "hotmail.com",
        "hotmail.co.jp",
        "live.jp",
        "live.com",
        "msn.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "docomo.ne.jp",
        "ezweb.ne.jp",
        "au.com",
        "softbank.ne.jp",
        "i.softbank.jp",
        "nifty.com",
        "biglobe.ne.jp",
        "ocn.ne.jp",
        "so-net.ne.jp",
        "excite.co.jp",
    }
)


def is_company_bound(key: str, value: str | None) -> bool:
    """Whether ``key`` (with this value) belongs to the firm: a mail address does unless it
    is at a free-mail provider (gmail.com, docomo.ne.jp …)."""
    if key != "email":
        return key in COMPANY_BOUND
    mail = email_key(value)
    return mail is None or mail.rsplit("@", 1)[1] not in FREE_MAIL


def other_company(a: str | None, b: str | None) -> bool:
    """Two cards name different firms (a card without a company says nothing)."""
    ka, kb = company_key(a), company_key(b)
    return bool(ka and kb and ka != kb)


def absorb(
    current: Fields,
    new: Fields,
    confidence: Mapping[str, float | None],
    *,
    newer: bool,
    fields: tuple[str, ...],
    replace: tuple[str, ...],
    sure: float,
) -> dict[str, str | None]:
    """What a card changes on the contact it joins: {field: new value, None to clear}.

    - an empty field is filled, a different value replaced only from a newer card read
      surely (``confidence`` ≥ ``sure``), for the fields in ``replace``;
    - **company-bound details move together**: a newer card that surely names another
      company brings its firm's department, title, address, phone, fax, web site and company
      mail, and the old firm's are cleared even where the new card prints none (the caller
      keeps them as history); a card of another firm that does not replace the company
      (older, or its company unsure) fills and replaces none of them. So one firm's number
      never stands under another firm's name. The name, the reading, the mobile number and
      a free-mail address belong to the person and follow the usual rule.
    """
    changes: dict[str, str | None] = {}
    firm_differs = other_company(current.get("company"), new.get("company"))
    moved = (
        firm_differs and newer and "company" in replace and (confidence.get("company") or 0) >= sure
    )
    for key in fields:
        value, now = new.get(key) or None, current.get(key) or None
        if firm_differs and key in COMPANY_BOUND:
            if not moved:
                continue
            if key == "email" and not value and not is_company_bound(key, now):
                continue  # a personal address stays with the person
            if value != now:  # even an unsure reading of the new firm's: it is flagged to check
                changes[key] = value
            continue
        if not value:
            continue
        if not now or (
            key in replace and (confidence.get(key) or 0) >= sure and _folded(now) != _folded(value)
        ):
            changes[key] = value
    return changes


def _folded(text: str) -> str:
    """As compared: NFKC, no spaces, variant kanji folded, katakana as hiragana."""
    return jaconv.kata2hira(name_key(text) or "")
