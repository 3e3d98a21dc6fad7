#!/usr/bin/env python3
"""Render synthetic Japanese business cards (名刺) of FICTITIOUS people, with ground truth.

    python sample_cards/generate.py --set demo --out sample_cards/demo --count 10 --seed 1
    python sample_cards/generate.py --set eval --out sample_cards/eval --count 300 --seed 2024
    python sample_cards/generate.py --set flatbed --out sample_cards/flatbed --count 12 --seed 7
    python sample_cards/generate.py --set wide --out sample_cards/wide --count 120 --seed 2025

Every card is written as ``<id>.jpg`` (or ``<id>.png``) plus ``<id>.json`` holding the ground
truth: exactly the strings printed on the card, normalised as documented in README.md.

All people, companies, addresses, phone numbers, e-mail addresses and URLs are invented.
Prefecture / city / ward names are real, block numbers, buildings and numbers are random.

Output is deterministic for a given (set, seed, count): all randomness comes from
``random.Random`` and ``numpy.random.Generator`` instances derived from the seed, never from
global random state. Fonts are rendered with Pillow's BASIC layout engine so results do not
depend on whether libraqm is installed. Needs Pillow, numpy, opencv-python(-headless) and the
Debian packages fonts-noto-cjk, fonts-ipafont-gothic and fonts-ipafont-mincho.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import random
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

PX_PER_MM = 12
CARD_MM = (91, 55)
MAX_BYTES = 250_000
FLATBED_MAX_BYTES = 700_000  # a scan of 2–4 cards

# --------------------------------------------------------------------------------------------
# Vocabulary. Everything here is used to build FICTITIOUS people and companies.
# --------------------------------------------------------------------------------------------

# (kanji, katakana reading, Hepburn romaji)
SURNAMES = [
    ("佐藤", "サトウ", "Sato"),
    ("鈴木", "スズキ", "Suzuki"),
    ("高橋", "タカハシ", "Takahashi"),
    ("田中", "タナカ", "Tanaka"),
    ("伊藤", "イトウ", "Ito"),
    ("渡辺", "ワタナベ", "Watanabe"),
    ("山本", "ヤマモト", "Yamamoto"),
    ("中村", "ナカムラ", "Nakamura"),
    ("小林", "コバヤシ", "Kobayashi"),
    ("加藤", "カトウ", "Kato"),
    ("吉田", "ヨシダ", "Yoshida"),
    ("山田", "ヤマダ", "Yamada"),
    ("佐々木", "ササキ", "Sasaki"),
    ("松本", "マツモト", "Matsumoto"),
    ("井上", "イノウエ", "Inoue"),
    ("木村", "キムラ", "Kimura"),
    ("林", "ハヤシ", "Hayashi"),
    ("清水", "シミズ", "Shimizu"),
    ("山口", "ヤマグチ", "Yamaguchi"),
    ("森", "モリ", "Mori"),
    ("池田", "イケダ", "Ikeda"),
    ("橋本", "ハシモト", "Hashimoto"),
    ("石川", "イシカワ", "Ishikawa"),
    ("前田", "マエダ", "Maeda"),
    ("藤田", "フジタ", "Fujita"),
    ("岡田", "オカダ", "Okada"),
    ("長谷川", "ハセガワ", "Hasegawa"),
    ("村上", "ムラカミ", "Murakami"),
    ("近藤", "コンドウ", "Kondo"),
    ("後藤", "ゴトウ", "Goto"),
    ("坂本", "サカモト", "Sakamoto"),
    ("遠藤", "エンドウ", "Endo"),
    ("青木", "アオキ", "Aoki"),
    ("藤井", "フジイ", "Fujii"),
    ("西村", "ニシムラ", "Nishimura"),
    ("福田", "フクダ", "Fukuda"),
    ("太田", "オオタ", "Ota"),
    ("三浦", "ミウラ", "Miura"),
    ("藤原", "フジワラ", "Fujiwara"),
    ("松田", "マツダ", "Matsuda"),
    ("原田", "ハラダ", "Harada"),
    ("中島", "ナカジマ", "Nakajima"),
    ("小川", "オガワ", "Ogawa"),
    ("中野", "ナカノ", "Nakano"),
    ("岡本", "オカモト", "Okamoto"),
    ("竹内", "タケウチ", "Takeuchi"),
    ("金子", "カネコ", "Kaneko"),
    ("和田", "ワダ", "Wada"),
    ("石井", "イシイ", "Ishii"),
    ("上田", "ウエダ", "Ueda"),
    ("森田", "モリタ", "Morita"),
    ("原", "ハラ", "Hara"),
    ("堀", "ホリ", "Hori"),
    ("関", "セキ", "Seki"),
    ("辻", "ツジ", "Tsuji"),
    ("泉", "イズミ", "Izumi"),
    ("菊地", "キクチ", "Kikuchi"),
    ("宮崎", "ミヤザキ", "Miyazaki"),
    ("久保田", "クボタ", "Kubota"),
    ("五十嵐", "イガラシ", "Igarashi"),
    ("大久保", "オオクボ", "Okubo"),
    ("小野寺", "オノデラ", "Onodera"),
    ("宇都宮", "ウツノミヤ", "Utsunomiya"),
    ("佐野", "サノ", "Sano"),
    ("千葉", "チバ", "Chiba"),
    ("桜井", "サクライ", "Sakurai"),
]

GIVEN_NAMES = [
    ("太郎", "タロウ", "Taro"),
    ("花子", "ハナコ", "Hanako"),
    ("健太", "ケンタ", "Kenta"),
    ("美咲", "ミサキ", "Misaki"),
    ("大輔", "ダイスケ", "Daisuke"),
    ("由美", "ユミ", "Yumi"),
    ("翔太", "ショウタ", "Shota"),
    ("陽菜", "ヒナ", "Hina"),
    ("誠", "マコト", "Makoto"),
    ("愛", "アイ", "Ai"),
    ("拓也", "タクヤ", "Takuya"),
    ("直樹", "ナオキ", "Naoki"),
    ("恵", "メグミ", "Megumi"),
    ("浩二", "コウジ", "Koji"),
    ("彩", "アヤ", "Aya"),
    ("剛", "ツヨシ", "Tsuyoshi"),
    ("修", "オサム", "Osamu"),
    ("聡子", "サトコ", "Satoko"),
    ("裕子", "ユウコ", "Yuko"),
    ("達也", "タツヤ", "Tatsuya"),
    ("和也", "カズヤ", "Kazuya"),
    ("真由美", "マユミ", "Mayumi"),
    ("亮", "リョウ", "Ryo"),
    ("千尋", "チヒロ", "Chihiro"),
    ("結衣", "ユイ", "Yui"),
    ("蓮", "レン", "Ren"),
    ("悠斗", "ユウト", "Yuto"),
    ("颯太", "ソウタ", "Sota"),
    ("葵", "アオイ", "Aoi"),
    ("美穂", "ミホ", "Miho"),
    ("健一", "ケンイチ", "Kenichi"),
    ("雄一郎", "ユウイチロウ", "Yuichiro"),
    ("慎太郎", "シンタロウ", "Shintaro"),
    ("由紀子", "ユキコ", "Yukiko"),
    ("智子", "トモコ", "Tomoko"),
    ("隆", "タカシ", "Takashi"),
    ("明美", "アケミ", "Akemi"),
    ("学", "マナブ", "Manabu"),
    ("秀樹", "ヒデキ", "Hideki"),
    ("香織", "カオリ", "Kaori"),
    ("大樹", "ダイキ", "Daiki"),
    ("舞", "マイ", "Mai"),
    ("翼", "ツバサ", "Tsubasa"),
    ("浩", "ヒロシ", "Hiroshi"),
    ("直美", "ナオミ", "Naomi"),
    ("陽介", "ヨウスケ", "Yosuke"),
    ("七海", "ナナミ", "Nanami"),
    ("優子", "ユウコ", "Yuko"),
    ("正人", "マサト", "Masato"),
    ("沙織", "サオリ", "Saori"),
]

# Invented company "cores" (display, romaji used for domains, English spelling).
COMPANY_CORES = [
    ("ミドリ", "midori"),
    ("さくら", "sakura"),
    ("アオバ", "aoba"),
    ("ヒカリ", "hikari"),
    ("カザネ", "kazane"),
    ("ツバサ", "tsubasa"),
    ("青葉", "aoba"),
    ("東雲", "shinonome"),
    ("白樺", "shirakaba"),
    ("若葉", "wakaba"),
    ("北斗", "hokuto"),
    ("ミナト", "minato"),
    ("コハク", "kohaku"),
    ("あすなろ", "asunaro"),
    ("ハルカ", "haruka"),
    ("こだま", "kodama"),
    ("湘南", "shonan"),
    ("瀬戸内", "setouchi"),
    ("武蔵野", "musashino"),
    ("ソラノ", "sorano"),
    ("ルリ", "ruri"),
    ("燈", "akari"),
    ("イロハ", "iroha"),
    ("ナギ", "nagi"),
    ("みらい", "mirai"),
    ("シズク", "shizuku"),
    ("紅葉", "momiji"),
    ("ユズリハ", "yuzuriha"),
    ("カナデ", "kanade"),
    ("朝凪", "asanagi"),
]

# (display, romaji, English word)
BUSINESS_TYPES = [
    ("精機", "seiki", "Precision"),
    ("商事", "shoji", "Trading"),
    ("物産", "bussan", "Products"),
    ("工業", "kogyo", "Industries"),
    ("電機", "denki", "Electric"),
    ("製作所", "seisakusho", "Works"),
    ("建設", "kensetsu", "Construction"),
    ("不動産", "fudosan", "Estate"),
    ("運輸", "unyu", "Logistics"),
    ("食品", "shokuhin", "Foods"),
    ("印刷", "insatsu", "Printing"),
    ("設計", "sekkei", "Architects"),
    ("ラボ", "lab", "Lab"),
    ("システムズ", "systems", "Systems"),
    ("テック", "tech", "Tech"),
    ("デザイン", "design", "Design"),
    ("コンサルティング", "consulting", "Consulting"),
    ("ソリューションズ", "solutions", "Solutions"),
    ("化学", "kagaku", "Chemical"),
    ("技研", "giken", "Engineering"),
    ("通信", "tsushin", "Networks"),
    ("産業", "sangyo", "Industry"),
    ("総研", "soken", "Research"),
    ("企画", "kikaku", "Planning"),
    ("電子", "denshi", "Electronics"),
    ("水産", "suisan", "Seafoods"),
    ("酒造", "shuzo", "Brewery"),
    ("ネットワークス", "networks", "Networks"),
]

# Associations: (prefix display, prefix romaji), (theme display, theme romaji), suffixes.
ASSOC_PREFIX = [
    ("日本", "nihon"),
    ("全国", "zenkoku"),
    ("湘南", "shonan"),
    ("瀬戸内", "setouchi"),
    ("北海道", "hokkaido"),
    ("関西", "kansai"),
]
ASSOC_THEME = [
    ("サンプル", "sample"),
    ("データ活用", "data"),
    ("地域交流", "chiiki"),
    ("観光振興", "kanko"),
    ("環境教育", "kankyo"),
    ("子ども読書", "dokusho"),
    ("ものづくり", "monozukuri"),
    ("防災研究", "bosai"),
]
ASSOC_SUFFIX = ["協会", "協議会", "推進機構", "研究会"]
ASSOC_FORMS = ["一般社団法人", "一般社団法人", "公益財団法人", "特定非営利活動法人"]

DEPARTMENTS = [
    "営業部",
    "第一営業部",
    "営業本部 営業二課",
    "技術本部 開発課",
    "経営企画室",
    "マーケティンググループ",
    "総務部",
    "人事部",
    "経理部",
    "広報室",
    "情報システム部",
    "品質保証部",
    "製造部 生産管理課",
    "研究開発センター",
    "海外事業部",
    "カスタマーサクセス部",
    "事業開発部",
    "設計部 第二設計課",
    "法務部",
    "購買部",
    "営業企画課",
    "システム開発部",
]
ASSOC_DEPARTMENTS = ["事務局", "企画部", "総務課", "事業推進部"]
TITLES = [
    "部長",
    "課長",
    "係長",
    "主任",
    "マネージャー",
    "シニアマネージャー",
    "エンジニア",
    "リーダー",
    "次長",
    "室長",
    "担当",
    "チーフ",
    "デザイナー",
    "コンサルタント",
    "プロデューサー",
    "営業担当",
    "主任研究員",
    "シニアエンジニア",
]
EXEC_TITLES = [
    "代表取締役社長",
    "代表取締役",
    "取締役",
    "専務取締役",
    "常務取締役",
    "執行役員",
    "CTO",
    "CEO",
    "COO",
    "取締役副社長",
]
ASSOC_TITLES = ["理事長", "事務局長", "理事", "主任研究員", "担当"]
LLC_EXEC_TITLES = ["代表社員", "CEO", "CTO", "代表"]

TAGLINES = [
    "ものづくりで未来をつなぐ",
    "暮らしに、ひかりを。",
    "地域とともに歩む",
    "技術で笑顔をつくる",
    "確かな品質をお届けします",
    "人と街の明日を描く",
]

# Locations: prefecture, city/ward, towns, postal prefixes, area code, subscriber first digits,
# exchange length. Postal prefixes and area codes are the real ones for the place; the
# remaining digits and block numbers are random.
LOCATIONS = [
    (
        "東京都",
        "千代田区",
        ["丸の内", "神田錦町", "九段北", "麹町", "有楽町"],
        ["100", "101", "102"],
        "03",
        "3456",
        4,
    ),
    (
        "東京都",
        "中央区",
        ["日本橋", "銀座", "京橋", "八丁堀", "新川"],
        ["103", "104"],
        "03",
        "3456",
        4,
    ),
    (
        "東京都",
        "港区",
        ["芝浦", "虎ノ門", "赤坂", "六本木", "港南"],
        ["105", "106", "107", "108"],
        "03",
        "3456",
        4,
    ),
    ("東京都", "新宿区", ["西新宿", "四谷", "高田馬場", "新宿"], ["160", "169"], "03", "3456", 4),
    ("東京都", "渋谷区", ["渋谷", "恵比寿", "神宮前", "代々木"], ["150", "151"], "03", "3456", 4),
    ("東京都", "品川区", ["大崎", "東五反田", "西品川", "北品川"], ["140", "141"], "03", "3456", 4),
    ("東京都", "文京区", ["本郷", "後楽", "小石川"], ["112", "113"], "03", "3456", 4),
    ("東京都", "台東区", ["上野", "浅草橋", "東上野"], ["110", "111"], "03", "3456", 4),
    ("東京都", "江東区", ["豊洲", "有明", "亀戸"], ["135", "136"], "03", "3456", 4),
    ("東京都", "武蔵野市", ["吉祥寺本町", "中町"], ["180"], "0422", "2457", 2),
    ("東京都", "八王子市", ["旭町", "明神町"], ["192"], "042", "6", 3),
    ("神奈川県", "横浜市西区", ["みなとみらい", "北幸", "高島"], ["220"], "045", "2345678", 3),
    ("神奈川県", "横浜市港北区", ["新横浜", "日吉"], ["222", "223"], "045", "2345678", 3),
    ("神奈川県", "川崎市中原区", ["小杉町", "新丸子町"], ["211"], "044", "2345678", 3),
    ("埼玉県", "さいたま市大宮区", ["桜木町", "大門町"], ["330"], "048", "2345678", 3),
    ("千葉県", "千葉市中央区", ["富士見", "中央"], ["260"], "043", "2345678", 3),
    ("大阪府", "大阪市北区", ["梅田", "中之島", "天満"], ["530"], "06", "46", 4),
    ("大阪府", "大阪市中央区", ["本町", "北浜", "難波"], ["540", "541", "542"], "06", "46", 4),
    ("大阪府", "大阪市淀川区", ["西中島", "宮原"], ["532"], "06", "46", 4),
    ("愛知県", "名古屋市中区", ["栄", "錦", "丸の内"], ["460"], "052", "2345678", 3),
    ("愛知県", "名古屋市中村区", ["名駅", "椿町"], ["450", "453"], "052", "2345678", 3),
    ("北海道", "札幌市中央区", ["北1条西", "大通西", "南2条西"], ["060"], "011", "235678", 3),
    ("北海道", "札幌市北区", ["北7条西", "北8条西"], ["001", "060"], "011", "235678", 3),
    ("福岡県", "福岡市博多区", ["博多駅前", "博多駅東", "中洲"], ["812"], "092", "2345678", 3),
    ("福岡県", "福岡市中央区", ["天神", "大名", "赤坂"], ["810"], "092", "2345678", 3),
    ("京都府", "京都市下京区", ["東塩小路町", "中堂寺町"], ["600"], "075", "2345678", 3),
    ("兵庫県", "神戸市中央区", ["三宮町", "加納町", "港島"], ["650", "651"], "078", "2345678", 3),
    ("宮城県", "仙台市青葉区", ["中央", "一番町", "本町"], ["980"], "022", "2345678", 3),
    ("広島県", "広島市中区", ["紙屋町", "基町", "大手町"], ["730"], "082", "2345678", 3),
    ("新潟県", "新潟市中央区", ["万代", "東大通"], ["950"], "025", "2345678", 3),
    ("静岡県", "静岡市葵区", ["呉服町", "紺屋町"], ["420"], "054", "2345678", 3),
    ("岡山県", "岡山市北区", ["駅前町", "本町"], ["700"], "086", "2345678", 3),
    ("熊本県", "熊本市中央区", ["手取本町", "花畑町"], ["860"], "096", "2345678", 3),
    ("沖縄県", "那覇市", ["久茂地", "泉崎", "おもろまち"], ["900"], "098", "2345678", 3),
    ("石川県", "金沢市", ["広岡", "本町"], ["920"], "076", "2345678", 3),
    ("長野県", "長野市", ["南長野", "鶴賀"], ["380"], "026", "2345678", 3),
    ("茨城県", "つくば市", ["竹園", "吾妻"], ["305"], "029", "8", 3),
]
# Cities whose cards sometimes omit the prefecture (designated cities).
OMIT_PREF_OK = ("市",)

BUILDING_WORDS = [
    "サンプル",
    "青空",
    "若葉",
    "駅前第一",
    "中央第二",
    "テスト",
    "みどり",
    "桜通",
    "ひばり",
    "第3みなと",
    "スカイ",
    "あおい",
]
BUILDING_KINDS = ["ビル", "ビル", "ビルディング", "タワー", "センタービル", "会館"]

# Label styles for (tel, fax, mobile).
PHONE_LABELS = [
    ("TEL ", "FAX ", "携帯 "),
    ("TEL: ", "FAX: ", "Mobile: "),
    ("Tel: ", "Fax: ", "Mobile: "),
    ("T. ", "F. ", "M. "),
    ("T ", "F ", "M "),
    ("電話 ", "FAX ", "携帯 "),
    ("TEL. ", "FAX. ", "MOBILE. "),
    ("TEL ", "FAX ", "Mobile "),
    ("Tel ", "Fax ", "携帯 "),
    ("TEL ", "FAX ", "携帯電話 "),
]
EMAIL_LABELS = ["", "", "E-mail ", "E-mail: ", "Mail ", "Email: ", "MAIL "]
URL_LABELS = ["", "", "", "URL ", "Web "]

# --------------------------------------------------------------------------------------------
# Colours and fonts
# --------------------------------------------------------------------------------------------

PAPERS = [
    (255, 255, 255),
    (255, 255, 255),
    (252, 250, 245),
    (250, 247, 238),
    (246, 245, 241),
    (248, 250, 252),
    (251, 248, 243),
    (245, 241, 231),
]
INKS = [(20, 20, 20), (34, 34, 38), (28, 36, 58), (45, 45, 48), (30, 30, 30)]
ACCENTS = [
    (31, 58, 110),
    (0, 112, 120),
    (170, 30, 45),
    (46, 125, 50),
    (222, 115, 20),
    (80, 60, 140),
    (0, 90, 160),
    (110, 110, 110),
    (150, 105, 40),
    (190, 55, 105),
]

FONT_FAMILIES = {
    # family: (regular file, bold file or None -> stroke-emboldened regular)
    "noto_sans": ("NotoSansCJK-Regular.ttc", "NotoSansCJK-Bold.ttc"),
    "noto_serif": ("NotoSerifCJK-Regular.ttc", "NotoSerifCJK-Bold.ttc"),
    "ipa_gothic": ("ipag.ttf", None),
    "ipa_mincho": ("ipam.ttf", None),
}
FONT_SEARCH_DIRS = ["/usr/share/fonts", "/usr/local/share/fonts", os.path.expanduser("~/.fonts")]


class Fonts:
    """Locates font files once and caches FreeTypeFont objects (index 0 = JP for .ttc)."""

    def __init__(self) -> None:
        wanted = {f for pair in FONT_FAMILIES.values() for f in pair if f}
        extra = os.environ.get("MEISHI_FONT_DIR")
        dirs = ([extra] if extra else []) + FONT_SEARCH_DIRS
        self.paths: dict[str, str] = {}
        for d in dirs:
            for root, _dirs, files in sorted(os.walk(d)):
                for f in sorted(files):
                    if f in wanted and f not in self.paths:
                        self.paths[f] = os.path.join(root, f)
        missing = sorted(wanted - set(self.paths))
        if missing:
            sys.exit(
                f"missing fonts {missing}: install fonts-noto-cjk fonts-ipafont-gothic "
                f"fonts-ipafont-mincho (or point MEISHI_FONT_DIR at them)"
            )
        self.cache: dict[tuple[str, int], ImageFont.FreeTypeFont] = {}

    def get(self, name: str, px: float) -> ImageFont.FreeTypeFont:
        key = (name, int(round(px)))
        if key not in self.cache:
            self.cache[key] = ImageFont.truetype(
                self.paths[name], key[1], index=0, layout_engine=ImageFont.Layout.BASIC
            )
        return self.cache[key]


# --------------------------------------------------------------------------------------------
# Ground-truth sampling
# --------------------------------------------------------------------------------------------


@dataclass
class CardData:
    fields: dict
    family: tuple
    given: tuple
    company_core: str  # first character of the company core, drawn in logos
    company_letter: str  # its romaji initial, drawn in some logos
    company_en_line: str | None  # English rendering of a Japanese company name (distractor)
    address1: str | None
    building: str | None
    postal: str | None
    roman_caps: bool = False
    lang: str = "ja"  # "en": English-only card (romaji name is the main name)
    printed: dict = field(default_factory=dict)  # printed form of a field if not its truth
    addr_parts: list | None = None  # English address, printed as ", "-joined parts


def _digits(rng: random.Random, n: int) -> str:
    return "".join(str(rng.randrange(10)) for _ in range(n))


def sample_landline(rng: random.Random, loc) -> tuple[str, str]:
    """Return (tel, fax) for a location: same exchange, different line numbers."""
    code, first, ex_len = loc[4], loc[5], loc[6]
    exchange = rng.choice(first) + _digits(rng, ex_len - 1)
    line = rng.randrange(1000, 9999)
    fax_line = line + rng.choice([1, 1, 2, 10, 100, 500]) if line < 9000 else line - 1
    return f"{code}-{exchange}-{line:04d}", f"{code}-{exchange}-{fax_line:04d}"


def sample_mobile(rng: random.Random) -> str:
    return f"{rng.choice(['090', '090', '080', '080', '070'])}-{rng.randrange(1, 10)}{_digits(rng, 3)}-{_digits(rng, 4)}"


def sample_company(rng: random.Random) -> dict:
    r = rng.random()
    core, core_r = rng.choice(COMPANY_CORES)
    btype, btype_r, btype_en = rng.choice(BUSINESS_TYPES)
    while (core_r, btype_r) in {("sakura", "bussan"), ("hikari", "tsushin")}:  # avoid look-alikes
        btype, btype_r, btype_en = rng.choice(BUSINESS_TYPES)
    slug = rng.choice([f"{core_r}-{btype_r}", f"{core_r}-{btype_r}", f"{core_r}{btype_r}"])
    en_form = rng.choice(["Co., Ltd.", "Inc.", "Corporation"])
    en_line = f"{core_r.capitalize()} {btype_en} {en_form}"
    if rng.random() < 0.5:
        en_line = en_line.upper()
    if r < 0.10:  # English-named company
        form = rng.choice(["Inc.", "Co., Ltd.", "Co., Ltd.", "LLC", "Corporation", "K.K."])
        name = f"{core_r.capitalize()} {btype_en} {form}"
        tld = rng.choice([".com", ".com", ".co.jp", ".jp", ".net"])
        kind = "llc" if form == "LLC" else "corp"
        return dict(
            name=name,
            slug=f"{core_r}-{btype_en.lower()}",
            tld=tld,
            kind=kind,
            core=core_r[0].upper(),
            letter=core_r[0].upper(),
            en_line=None,
        )
    if r < 0.17:  # association
        (pd, pr), (td, tr) = rng.choice(ASSOC_PREFIX), rng.choice(ASSOC_THEME)
        form = rng.choice(ASSOC_FORMS)
        name = f"{form}{pd}{td}{rng.choice(ASSOC_SUFFIX)}"
        return dict(
            name=name,
            slug=f"{pr}-{tr}",
            tld=rng.choice([".or.jp", ".or.jp", ".jp"]),
            kind="assoc",
            core=td[0],
            letter=tr[0].upper(),
            en_line=None,
        )
    if r < 0.27:
        name = f"合同会社{core}{btype}" if rng.random() < 0.8 else f"{core}{btype}合同会社"
        return dict(
            name=name,
            slug=slug,
            tld=rng.choice([".jp", ".com", ".co.jp", ".net"]),
            kind="llc",
            core=core[0],
            letter=core_r[0].upper(),
            en_line=en_line.replace("Co., Ltd.", "LLC"),
        )
    if r < 0.33:
        name = f"有限会社{core}{btype}" if rng.random() < 0.5 else f"{core}{btype}有限会社"
        return dict(
            name=name,
            slug=slug,
            tld=rng.choice([".co.jp", ".jp", ".com"]),
            kind="corp",
            core=core[0],
            letter=core_r[0].upper(),
            en_line=en_line,
        )
    name = f"株式会社{core}{btype}" if rng.random() < 0.55 else f"{core}{btype}株式会社"
    return dict(
        name=name,
        slug=slug,
        tld=rng.choice([".co.jp", ".co.jp", ".co.jp", ".com", ".jp", ".net"]),
        kind="corp",
        core=core[0],
        letter=core_r[0].upper(),
        en_line=en_line,
    )


def sample_address(rng: random.Random, loc) -> tuple[str, str, str | None]:
    pref, city, towns = loc[0], loc[1], loc[2]
    town = rng.choice(towns)
    n = rng.random()
    if n < 0.6:
        block = f"{rng.randint(1, 5)}-{rng.randint(1, 28)}-{rng.randint(1, 20)}"
    elif n < 0.9:
        block = f"{rng.randint(1, 5)}-{rng.randint(1, 28)}"
    else:
        block = f"{rng.randint(1, 5)}丁目{rng.randint(1, 28)}-{rng.randint(1, 20)}"
    show_pref = not (city.endswith("区") and "市" in city and rng.random() < 0.2)
    line1 = f"{pref if show_pref else ''}{city}{town}{block}"
    building = None
    if rng.random() < 0.65:
        bname = rng.choice(BUILDING_WORDS) + rng.choice(BUILDING_KINDS)
        floor = rng.randint(2, 12)
        fmt = rng.random()
        if fmt < 0.45:
            building = f"{bname}{floor}F"
        elif fmt < 0.7:
            building = f"{bname} {floor}F"
        elif fmt < 0.9:
            building = f"{bname}{floor}階"
        else:
            building = f"{bname} {floor}0{rng.randint(1, 9)}"
    postal = f"{rng.choice(loc[3])}-{_digits(rng, 4)}"
    return line1, building, postal


def sample_role(
    rng: random.Random, kind: str, *, no_title: float, exec_below: float, english: bool = False
) -> tuple[str | None, str | None]:
    """(title, department) for a company of ``kind``; executives rarely print a department."""
    if english:
        assoc_t, assoc_d, execs, llc_execs, titles, depts = (
            ASSOC_TITLES_EN,
            ASSOC_DEPARTMENTS_EN,
            EXEC_TITLES_EN,
            LLC_EXEC_TITLES_EN,
            TITLES_EN,
            DEPARTMENTS_EN,
        )
    else:
        assoc_t, assoc_d, execs, llc_execs, titles, depts = (
            ASSOC_TITLES,
            ASSOC_DEPARTMENTS,
            EXEC_TITLES,
            LLC_EXEC_TITLES,
            TITLES,
            DEPARTMENTS,
        )
    if kind == "assoc":
        title = rng.choice(assoc_t) if rng.random() < 0.85 else None
        dept = rng.choice(assoc_d) if rng.random() < 0.6 else None
        return title, dept
    tr = rng.random()
    if tr < no_title:
        title = None
    elif tr < exec_below:
        title = rng.choice(llc_execs if kind == "llc" else execs)
    else:
        title = rng.choice(titles)
    is_exec = title in execs or title in llc_execs
    dept = None if (is_exec and rng.random() < 0.85) or rng.random() < 0.15 else rng.choice(depts)
    return title, dept


def roman_name(family: str, given: str, fmt: str) -> str:
    """A romanised name in one of the orders and cases cards print it in."""
    return {
        "GF": f"{given} {family}",
        "FG_caps": f"{family.upper()} {given}",
        "GF_caps": f"{given} {family.upper()}",
        "FG": f"{family} {given}",
        "ALL": f"{given.upper()} {family.upper()}",
    }[fmt]


def sample_card_data(
    rng: random.Random, *, force_roman: bool = False, short_contacts: bool = False
) -> CardData:
    fam = rng.choice(SURNAMES)
    giv = rng.choice(GIVEN_NAMES)
    comp = sample_company(rng)
    if short_contacts:  # tategaki cards: Japanese company name, e-mail/url short enough for 45 mm
        for _ in range(50):
            if len(comp["slug"]) + len(comp["tld"]) <= 18 and not comp["name"].isascii():
                break
            comp = sample_company(rng)
    loc = rng.choice(LOCATIONS)

    title, dept = sample_role(rng, comp["kind"], no_title=0.15, exec_below=0.33)

    address1 = building = postal = None
    if rng.random() < 0.9:
        address1, building, postal = sample_address(rng, loc)
    address = None if address1 is None else (f"{address1} {building}" if building else address1)

    tel = fax = None
    if rng.random() < 0.95:
        if rng.random() < 0.04:
            tel = f"0120-{rng.randint(1, 9)}{_digits(rng, 2)}-{_digits(rng, 3)}"
            fax = sample_landline(rng, loc)[1] if rng.random() < 0.5 else None
        else:
            tel, fax = sample_landline(rng, loc)
            if rng.random() < 0.4:
                fax = None
    mobile = sample_mobile(rng) if (tel is None or rng.random() < 0.6) else None

    fr, gr = fam[2].lower(), giv[2].lower()
    domain = comp["slug"] + comp["tld"]
    email = None
    if rng.random() < 0.95:
        locals_ = [
            f"{gr[0]}.{fr}",
            f"{gr[0]}.{fr}",
            f"{gr}.{fr}",
            f"{fr}",
            f"{fr}-{gr[0]}",
            f"{fr}.{gr}",
            f"{gr[0]}{fr}",
            f"{fr}_{gr}",
        ]
        if short_contacts:
            locals_ = [lp for lp in locals_ if len(lp) + len(domain) <= 27] or [fr[:8]]
        email = f"{rng.choice(locals_)}@{domain}"
    url = None
    if rng.random() < 0.65:
        forms = [
            f"https://www.{domain}",
            f"www.{domain}",
            f"https://{domain}",
            f"http://www.{domain}/",
            f"https://www.{domain}/",
        ]
        if short_contacts:
            forms = [u for u in forms if len(u) <= 30] or [f"www.{domain}"]
        url = rng.choice(forms)

    name_kana = f"{fam[1]} {giv[1]}" if rng.random() < 0.5 else None
    roman_caps = False
    name_roman = None
    if force_roman or rng.random() < 0.5:
        F, G = fam[2], giv[2]
        fmt = rng.choice(["GF", "GF", "FG_caps", "GF_caps", "FG", "ALL"])
        name_roman = roman_name(F, G, fmt)
        roman_caps = fmt == "ALL"

    fields = {
        "name": f"{fam[0]} {giv[0]}",
        "name_kana": name_kana,
        "name_roman": name_roman,
        "company": comp["name"],
        "department": dept,
        "title": title,
        "postal_code": postal,
        "address": address,
        "tel": tel,
        "fax": fax,
        "mobile": mobile,
        "email": email,
        "url": url,
    }
    return CardData(
        fields=fields,
        family=fam,
        given=giv,
        company_core=comp["core"],
        company_letter=comp["letter"],
        company_en_line=comp["en_line"],
        address1=address1,
        building=building,
        postal=postal,
        roman_caps=roman_caps,
    )


# --------------------------------------------------------------------------------------------
# Visual style (sampled once per card, before any layout attempt)
# --------------------------------------------------------------------------------------------


@dataclass
class Style:
    family: str
    name_bold: bool
    company_bold: bool
    paper: tuple
    ink: tuple
    accent: tuple
    name_mm: float
    company_mm: float
    dept_mm: float
    detail_mm: float
    small_mm: float
    margin_mm: float
    lh: float
    name_style: str
    name_gap: float
    kana_style: str
    kana_above: bool
    postal_space: bool
    addr_pref: int
    phone_pref: int
    web_same_line: bool
    phones_first: bool
    labels: tuple
    label_accent: bool
    email_label: str
    url_label: str
    dept_title_one_line: bool
    logo: str | None
    logo_letter: bool
    band_dark: bool
    band_side: str
    tagline: str | None
    contact_align: str
    v_name_offset: float
    extras: dict = field(default_factory=dict)

    @property
    def regular_file(self) -> str:
        return FONT_FAMILIES[self.family][0]

    @property
    def bold_file(self) -> str:
        return FONT_FAMILIES[self.family][1] or FONT_FAMILIES[self.family][0]

    @property
    def name_file(self) -> str:
        return self.bold_file if self.name_bold else self.regular_file


def sample_style(rng: random.Random) -> Style:
    family = rng.choices(list(FONT_FAMILIES), weights=[0.36, 0.22, 0.22, 0.20])[0]
    has_bold = FONT_FAMILIES[family][1] is not None
    return Style(
        family=family,
        name_bold=rng.random() < (0.55 if has_bold else 0.3),
        company_bold=rng.random() < (0.6 if has_bold else 0.25),
        paper=rng.choice(PAPERS),
        ink=rng.choice(INKS),
        accent=rng.choice(ACCENTS),
        name_mm=rng.uniform(6.0, 7.2),
        company_mm=rng.uniform(3.6, 4.3),
        dept_mm=rng.uniform(3.0, 3.3),
        detail_mm=rng.uniform(2.7, 3.0),
        small_mm=rng.uniform(2.6, 2.9),
        margin_mm=rng.uniform(4.0, 5.2),
        lh=rng.uniform(1.32, 1.48),
        name_style=rng.choice(["gap", "gap", "fullwidth", "none", "spaced"]),
        name_gap=rng.uniform(0.45, 1.0),
        kana_style=rng.choice(["space", "space", "fullwidth", "spaced"]),
        kana_above=rng.random() < 0.6,
        postal_space=rng.random() < 0.25,
        addr_pref=rng.randrange(4),
        phone_pref=rng.randrange(3),
        web_same_line=rng.random() < 0.3,
        phones_first=rng.random() < 0.25,
        labels=rng.choice(PHONE_LABELS),
        label_accent=rng.random() < 0.35,
        email_label=rng.choice(EMAIL_LABELS),
        url_label=rng.choice(URL_LABELS),
        dept_title_one_line=rng.random() < 0.55,
        logo=rng.choice([None, "circle", "ring", "rsquare", "diamond", "bars", "dots"]),
        logo_letter=rng.random() < 0.5,
        band_dark=rng.random() < 0.6,
        band_side=rng.choice(["left", "left", "right"]),
        tagline=rng.choice(TAGLINES) if rng.random() < 0.35 else None,
        contact_align=rng.choice(["l", "r"]),
        v_name_offset=rng.uniform(0.04, 0.16),
    )


# --------------------------------------------------------------------------------------------
# English-only cards: the English side a Japanese professional hands to foreign partners.
# Everything is romanised from the same fictitious vocabulary as the Japanese cards.
# --------------------------------------------------------------------------------------------

PREF_EN = {
    "東京都": "Tokyo",
    "神奈川県": "Kanagawa",
    "埼玉県": "Saitama",
    "千葉県": "Chiba",
    "大阪府": "Osaka",
    "愛知県": "Aichi",
    "北海道": "Hokkaido",
    "福岡県": "Fukuoka",
    "京都府": "Kyoto",
    "兵庫県": "Hyogo",
    "宮城県": "Miyagi",
    "広島県": "Hiroshima",
    "新潟県": "Niigata",
    "静岡県": "Shizuoka",
    "岡山県": "Okayama",
    "熊本県": "Kumamoto",
    "沖縄県": "Okinawa",
    "石川県": "Ishikawa",
    "長野県": "Nagano",
    "茨城県": "Ibaraki",
}
# city/ward of LOCATIONS -> (ward romaji or None, city romaji or None). Tokyo's special wards
# have no city; cities that are not designated cities have no ward.
CITY_EN = {
    "千代田区": ("Chiyoda", None),
    "中央区": ("Chuo", None),
    "港区": ("Minato", None),
    "新宿区": ("Shinjuku", None),
    "渋谷区": ("Shibuya", None),
    "品川区": ("Shinagawa", None),
    "文京区": ("Bunkyo", None),
    "台東区": ("Taito", None),
    "江東区": ("Koto", None),
    "武蔵野市": (None, "Musashino"),
    "八王子市": (None, "Hachioji"),
    "横浜市西区": ("Nishi", "Yokohama"),
    "横浜市港北区": ("Kohoku", "Yokohama"),
    "川崎市中原区": ("Nakahara", "Kawasaki"),
    "さいたま市大宮区": ("Omiya", "Saitama"),
    "千葉市中央区": ("Chuo", "Chiba"),
    "大阪市北区": ("Kita", "Osaka"),
    "大阪市中央区": ("Chuo", "Osaka"),
    "大阪市淀川区": ("Yodogawa", "Osaka"),
    "名古屋市中区": ("Naka", "Nagoya"),
    "名古屋市中村区": ("Nakamura", "Nagoya"),
    "札幌市中央区": ("Chuo", "Sapporo"),
    "札幌市北区": ("Kita", "Sapporo"),
    "福岡市博多区": ("Hakata", "Fukuoka"),
    "福岡市中央区": ("Chuo", "Fukuoka"),
    "京都市下京区": ("Shimogyo", "Kyoto"),
    "神戸市中央区": ("Chuo", "Kobe"),
    "仙台市青葉区": ("Aoba", "Sendai"),
    "広島市中区": ("Naka", "Hiroshima"),
    "新潟市中央区": ("Chuo", "Niigata"),
    "静岡市葵区": ("Aoi", "Shizuoka"),
    "岡山市北区": ("Kita", "Okayama"),
    "熊本市中央区": ("Chuo", "Kumamoto"),
    "那覇市": (None, "Naha"),
    "金沢市": (None, "Kanazawa"),
    "長野市": (None, "Nagano"),
    "つくば市": (None, "Tsukuba"),
}
TOWN_EN = {
    "丸の内": "Marunouchi",
    "神田錦町": "Kanda-Nishikicho",
    "九段北": "Kudankita",
    "麹町": "Kojimachi",
    "有楽町": "Yurakucho",
    "日本橋": "Nihonbashi",
    "銀座": "Ginza",
    "京橋": "Kyobashi",
    "八丁堀": "Hatchobori",
    "新川": "Shinkawa",
    "芝浦": "Shibaura",
    "虎ノ門": "Toranomon",
    "赤坂": "Akasaka",
    "六本木": "Roppongi",
    "港南": "Konan",
    "西新宿": "Nishi-Shinjuku",
    "四谷": "Yotsuya",
    "高田馬場": "Takadanobaba",
    "新宿": "Shinjuku",
    "渋谷": "Shibuya",
    "恵比寿": "Ebisu",
    "神宮前": "Jingumae",
    "代々木": "Yoyogi",
    "大崎": "Osaki",
    "東五反田": "Higashi-Gotanda",
    "西品川": "Nishi-Shinagawa",
    "北品川": "Kita-Shinagawa",
    "本郷": "Hongo",
    "後楽": "Koraku",
    "小石川": "Koishikawa",
    "上野": "Ueno",
    "浅草橋": "Asakusabashi",
    "東上野": "Higashi-Ueno",
    "豊洲": "Toyosu",
    "有明": "Ariake",
    "亀戸": "Kameido",
    "吉祥寺本町": "Kichijoji-Honcho",
    "中町": "Nakacho",
    "旭町": "Asahicho",
    "明神町": "Myojincho",
    "みなとみらい": "Minatomirai",
    "北幸": "Kitasaiwai",
    "高島": "Takashima",
    "新横浜": "Shin-Yokohama",
    "日吉": "Hiyoshi",
    "小杉町": "Kosugicho",
    "新丸子町": "Shinmarukocho",
    "桜木町": "Sakuragicho",
    "大門町": "Daimoncho",
    "富士見": "Fujimi",
    "中央": "Chuo",
    "梅田": "Umeda",
    "中之島": "Nakanoshima",
    "天満": "Tenma",
    "本町": "Honmachi",
    "北浜": "Kitahama",
    "難波": "Namba",
    "西中島": "Nishinakajima",
    "宮原": "Miyahara",
    "栄": "Sakae",
    "錦": "Nishiki",
    "名駅": "Meieki",
    "椿町": "Tsubakicho",
    "北1条西": "Kita 1-jo Nishi",
    "大通西": "Odori Nishi",
    "南2条西": "Minami 2-jo Nishi",
    "北7条西": "Kita 7-jo Nishi",
    "北8条西": "Kita 8-jo Nishi",
    "博多駅前": "Hakataekimae",
    "博多駅東": "Hakataekihigashi",
    "中洲": "Nakasu",
    "天神": "Tenjin",
    "大名": "Daimyo",
    "東塩小路町": "Higashishiokojicho",
    "中堂寺町": "Chudojicho",
    "三宮町": "Sannomiyacho",
    "加納町": "Kanocho",
    "港島": "Minatojima",
    "一番町": "Ichibancho",
    "紙屋町": "Kamiyacho",
    "基町": "Motomachi",
    "大手町": "Otemachi",
    "万代": "Bandai",
    "東大通": "Higashi-Odori",
    "呉服町": "Gofukucho",
    "紺屋町": "Konyamachi",
    "駅前町": "Ekimaecho",
    "手取本町": "Tetorihoncho",
    "花畑町": "Hanabatacho",
    "久茂地": "Kumoji",
    "泉崎": "Izumizaki",
    "おもろまち": "Omoromachi",
    "広岡": "Hirooka",
    "南長野": "Minaminagano",
    "鶴賀": "Tsuruga",
    "竹園": "Takezono",
    "吾妻": "Azuma",
}
TOWN_EN_BY_CITY = {("仙台市青葉区", "本町"): "Honcho"}  # same kanji, local reading
BUILDING_WORDS_EN = [
    "Sample",
    "Aozora",
    "Wakaba",
    "Ekimae Daiichi",
    "Chuo Daini",
    "Test",
    "Midori",
    "Sakuradori",
    "Hibari",
    "No.3 Minato",
    "Sky",
    "Aoi",
]
BUILDING_KINDS_EN = ["Bldg.", "Bldg.", "Building", "Tower", "Center Bldg.", "Kaikan"]

# Japanese legal forms as they appear in English company names.
EN_FORMS = {
    "kk": ["Co., Ltd.", "Co., Ltd.", "Co., Ltd.", "Inc.", "Corporation", "K.K."],
    "yk": ["Co., Ltd.", "Ltd."],
    "llc": ["LLC", "LLC", "G.K."],
}
ASSOC_PREFIX_EN = {
    "日本": "Japan",
    "全国": "National",
    "湘南": "Shonan",
    "瀬戸内": "Setouchi",
    "北海道": "Hokkaido",
    "関西": "Kansai",
}
ASSOC_THEME_EN = {
    "サンプル": "Sample",
    "データ活用": "Data Utilization",
    "地域交流": "Community Exchange",
    "観光振興": "Tourism Promotion",
    "環境教育": "Environmental Education",
    "子ども読書": "Children's Reading",
    "ものづくり": "Monozukuri",
    "防災研究": "Disaster Prevention Research",
}
ASSOC_SUFFIX_EN = ["Association", "Council", "Promotion Organization", "Society"]

DEPARTMENTS_EN = [
    "Sales Department",
    "Sales Department 1",
    "Sales Division, Sales Section 2",
    "Development Section, Engineering Division",
    "Corporate Planning Office",
    "Marketing Group",
    "General Affairs Department",
    "Human Resources Department",
    "Accounting Department",
    "Public Relations Office",
    "Information Systems Department",
    "Quality Assurance Department",
    "Production Control Section",
    "R&D Center",
    "Overseas Business Division",
    "International Sales Department",
    "Customer Success Department",
    "Business Development Department",
    "Design Section 2",
    "Legal Department",
    "Purchasing Department",
    "Sales Planning Section",
    "System Development Department",
]
ASSOC_DEPARTMENTS_EN = ["Secretariat", "Planning Department", "General Affairs Section"]
TITLES_EN = [
    "General Manager",
    "Manager",
    "Assistant Manager",
    "Supervisor",
    "Senior Manager",
    "Engineer",
    "Senior Engineer",
    "Team Leader",
    "Deputy General Manager",
    "Chief",
    "Designer",
    "Consultant",
    "Producer",
    "Sales Representative",
    "Senior Researcher",
    "Account Manager",
]
EXEC_TITLES_EN = [
    "President & CEO",
    "President",
    "Representative Director",
    "Director",
    "Senior Managing Director",
    "Managing Director",
    "Executive Officer",
    "CTO",
    "CEO",
    "COO",
    "Executive Vice President",
]
ASSOC_TITLES_EN = ["Chairperson", "Secretary General", "Director", "Senior Researcher"]
LLC_EXEC_TITLES_EN = ["Representative Partner", "CEO", "CTO", "Founder"]
TAGLINES_EN = [
    "Crafting the future, together",
    "Bringing light to everyday life",
    "Growing with our community",
    "Technology that makes people smile",
    "Quality you can rely on",
    "Designing tomorrow's cities",
]
PHONE_LABELS_EN = [
    ("Tel: ", "Fax: ", "Mobile: "),
    ("Tel ", "Fax ", "Mobile "),
    ("TEL ", "FAX ", "MOBILE "),
    ("T: ", "F: ", "M: "),
    ("T. ", "F. ", "M. "),
    ("Phone: ", "Fax: ", "Mobile: "),
    ("Tel ", "Fax ", "Cell "),
    ("Phone ", "Fax ", "Mobile "),
]


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def sample_company_en(rng: random.Random) -> dict:
    """An invented company (or association) as named on its English cards."""
    r = rng.random()
    core, core_r = rng.choice(COMPANY_CORES)
    btype, btype_r, btype_en = rng.choice(BUSINESS_TYPES)
    letter = core_r[0].upper()
    if r < 0.08:  # association
        (pd, pr), (td, tr) = rng.choice(ASSOC_PREFIX), rng.choice(ASSOC_THEME)
        name = f"{ASSOC_PREFIX_EN[pd]} {ASSOC_THEME_EN[td]} {rng.choice(ASSOC_SUFFIX_EN)}"
        return dict(
            name=name,
            slug=f"{pr}-{tr}",
            tld=rng.choice([".or.jp", ".jp"]),
            kind="assoc",
            letter=tr[0].upper(),
        )
    kind = "llc" if r < 0.2 else ("yk" if r < 0.27 else "kk")
    # "Midori Seiki" (romanised) or "Midori Precision" (translated business type)
    romanised = rng.random() < 0.55
    word = btype_r.capitalize() if romanised else btype_en
    name = f"{core_r.capitalize()} {word} {rng.choice(EN_FORMS[kind])}"
    if rng.random() < 0.3:
        name = name.upper()
    slug = (
        rng.choice([f"{core_r}-{btype_r}", f"{core_r}{btype_r}"])
        if romanised
        else f"{core_r}-{btype_en.lower()}"
    )
    tld = rng.choice([".co.jp", ".co.jp", ".com", ".jp"] if kind != "llc" else [".jp", ".com"])
    return dict(
        name=name, slug=slug, tld=tld, kind="llc" if kind == "llc" else "corp", letter=letter
    )


def sample_address_en(rng: random.Random, loc) -> tuple[list[str], str | None, str, str]:
    """Printed parts of an English address (joined with ", "; lines break only between parts),
    the building part (or None), the ground-truth address (the printed text without the postal
    code) and the postal code."""
    pref, city, towns = loc[0], loc[1], loc[2]
    town = rng.choice(towns)
    town_en = TOWN_EN_BY_CITY.get((city, town), TOWN_EN[town])
    if rng.random() < 0.65:
        block = f"{rng.randint(1, 5)}-{rng.randint(1, 28)}-{rng.randint(1, 20)}"
    else:
        block = f"{rng.randint(1, 5)}-{rng.randint(1, 28)}"
    street = f"{town_en} {block}" if town_en.endswith("Nishi") else f"{block} {town_en}"
    parts = [street]
    building = None
    if rng.random() < 0.6:
        bname = f"{rng.choice(BUILDING_WORDS_EN)} {rng.choice(BUILDING_KINDS_EN)}"
        floor = rng.randint(2, 12)
        fmt = rng.random()
        if fmt < 0.4:
            building = f"{bname} {floor}F"
        elif fmt < 0.65:
            building = f"{floor}F {bname}"
        elif fmt < 0.85:
            building = f"{_ordinal(floor)} Floor, {bname}"
        else:
            building = f"{bname} {floor}0{rng.randint(1, 9)}"
        parts = [building] + parts
    ward, city_en = CITY_EN[city]
    pref_en = PREF_EN[pref]
    locality = []
    if ward:
        locality.append(f"{ward}-ku")
    if city_en:
        if not ward:
            locality.append(rng.choice([f"{city_en}-shi", city_en]))
        elif city_en != pref_en or rng.random() < 0.5:
            locality.append(rng.choice([city_en, city_en, f"{city_en}-shi"]))
    postal = f"{rng.choice(loc[3])}-{_digits(rng, 4)}"
    tail = ["Japan"] if rng.random() < 0.45 else []
    printed = parts + locality + [f"{pref_en} {postal}"] + tail
    truth = ", ".join(parts + locality + [pref_en] + tail)
    return printed, building, truth, postal


def international(national: str, style: str) -> str:
    """03-5210-7788 -> +81-3-5210-7788 / +81 3 5210 7788 / +81 (0)3-5210-7788."""
    rest = national[1:]
    if style == "space":
        return "+81 " + rest.replace("-", " ")
    if style == "paren":
        return "+81 (0)" + rest
    return "+81-" + rest


def sample_card_data_en(rng: random.Random) -> CardData:
    """An English-only card of a Japanese company: romaji name, English company, department,
    title and address, phones in international format. Ground truth phones are in national
    format, the form the extractor normalises +81 numbers to."""
    import phonenumbers  # only English cards need it (to keep truth == national format)

    def national_ok(num: str) -> bool:
        n = phonenumbers.parse(num, "JP")
        fmt = phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.NATIONAL)
        return phonenumbers.is_valid_number(n) and fmt == num

    fam = rng.choice(SURNAMES)
    giv = rng.choice(GIVEN_NAMES)
    comp = sample_company_en(rng)
    loc = rng.choice(LOCATIONS)
    title, dept = sample_role(rng, comp["kind"], no_title=0.12, exec_below=0.3, english=True)

    parts = building = postal = address = None
    if rng.random() < 0.92:
        parts, building, address, postal = sample_address_en(rng, loc)

    tel = fax = None
    for _ in range(20):  # numbers whose national grouping phonenumbers agrees with
        tel, fax = sample_landline(rng, loc)
        if national_ok(tel) and national_ok(fax):
            break
    else:
        tel, fax = sample_landline(rng, LOCATIONS[0])
    if rng.random() < 0.45:
        fax = None
    if rng.random() < 0.05:
        tel = None
    mobile = sample_mobile(rng) if (tel is None or rng.random() < 0.65) else None
    style = rng.choice(["dash", "dash", "dash", "space", "paren"])
    printed = {
        k: international(v, style) for k, v in (("tel", tel), ("fax", fax), ("mobile", mobile)) if v
    }

    fr, gr = fam[2].lower(), giv[2].lower()
    domain = comp["slug"] + comp["tld"]
    email = None
    if rng.random() < 0.97:
        email = (
            rng.choice(
                [
                    f"{gr[0]}.{fr}",
                    f"{gr}.{fr}",
                    f"{fr}",
                    f"{fr}-{gr[0]}",
                    f"{gr[0]}{fr}",
                    f"{gr}_{fr}",
                ]
            )
            + f"@{domain}"
        )
    url = None
    if rng.random() < 0.75:
        url = rng.choice(
            [
                f"https://www.{domain}",
                f"www.{domain}",
                f"https://{domain}",
                f"https://www.{domain}/",
            ]
        )

    F, G = fam[2], giv[2]
    fmt = rng.choice(["GF", "GF", "GF_caps", "GF_caps", "FG_caps", "ALL", "FG"])
    name_roman = roman_name(F, G, fmt)

    fields = {
        "name": None,
        "name_kana": None,
        "name_roman": name_roman,
        "company": comp["name"],
        "department": dept,
        "title": title,
        "postal_code": postal,
        "address": address,
        "tel": tel,
        "fax": fax,
        "mobile": mobile,
        "email": email,
        "url": url,
    }
    return CardData(
        fields=fields,
        family=fam,
        given=giv,
        company_core=comp["letter"],
        company_letter=comp["letter"],
        company_en_line=None,
        address1=None,
        building=building,
        postal=postal,
        roman_caps=fmt == "ALL",
        lang="en",
        printed=printed,
        addr_parts=parts,
    )


def english_style(s: Style, rng: random.Random) -> Style:
    """Adapt a sampled style to an English-only card (no Japanese labels or taglines)."""
    s.labels = rng.choice(PHONE_LABELS_EN)
    s.tagline = rng.choice(TAGLINES_EN) if s.tagline else None
    s.name_mm *= 0.85  # a romaji name is wider than a kanji one
    s.extras["title_first"] = rng.random() < 0.6
    return s


# --------------------------------------------------------------------------------------------
# Canvas and text primitives
# --------------------------------------------------------------------------------------------


@dataclass
class Seg:
    text: str
    font: ImageFont.FreeTypeFont
    fill: tuple
    track: float = 0.0  # extra px between characters
    after: float = 0.0  # extra px after the segment
    stroke: int = 0


@dataclass
class Line:
    segs: list

    @property
    def size(self) -> float:
        return max(s.font.size for s in self.segs)

    @property
    def width(self) -> float:
        w = sum(seg_width(s) for s in self.segs)
        return w - self.segs[-1].after


def seg_width(s: Seg) -> float:
    if s.track:
        w = sum(s.font.getlength(c) for c in s.text) + s.track * (len(s.text) - 1)
    else:
        w = s.font.getlength(s.text)
    return w + s.after + 2 * s.stroke


def union(a, b):
    if a is None:
        return b
    if b is None:
        return a
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


class Canvas:
    def __init__(self, w: int, h: int, paper: tuple) -> None:
        self.w, self.h = w, h
        self.img = Image.new("RGB", (w, h), paper)
        self.draw = ImageDraw.Draw(self.img)
        self.text_boxes: list[tuple] = []
        self.deco_boxes: list[tuple] = []  # text must not overlap these (logos, rules)
        self.fail = ""
        # minimum horizontal clearance between separate text boxes on the same rows
        self.pad_x = 24 if w > h else 6

    # -- horizontal text
    def draw_seg(self, x: float, base: float, s: Seg):
        bb = None
        kw = dict(font=s.font, fill=s.fill, anchor="ls")
        if s.stroke:
            kw.update(stroke_width=s.stroke, stroke_fill=s.fill)
        if s.track:
            for i, ch in enumerate(s.text):
                if ch.strip():
                    self.draw.text((x, base), ch, **kw)
                    bb = union(
                        bb,
                        self.draw.textbbox(
                            (x, base), ch, font=s.font, anchor="ls", stroke_width=s.stroke
                        ),
                    )
                x += s.font.getlength(ch) + (s.track if i < len(s.text) - 1 else 0)
        else:
            if s.text.strip():
                self.draw.text((x, base), s.text, **kw)
                bb = self.draw.textbbox(
                    (x, base), s.text, font=s.font, anchor="ls", stroke_width=s.stroke
                )
            x += s.font.getlength(s.text)
        return x + s.after + 2 * s.stroke, bb

    def draw_line(self, x: float, base: float, line: Line, align: str = "l", record: bool = True):
        w = line.width
        x0 = x if align == "l" else (x - w / 2 if align == "c" else x - w)
        bb = None
        for s in line.segs:
            x0, b = self.draw_seg(x0, base, s)
            bb = union(bb, b)
        if record and bb:
            self.text_boxes.append(bb)
        return bb

    def draw_block(self, lines: list, x: float, top: float, align: str, lh: float) -> float:
        y = top
        for ln in lines:
            if not isinstance(ln, Line):
                y += ln
                continue
            h = ln.size * lh
            base = y + (h - ln.size) / 2 + ln.size * 0.88
            self.draw_line(x, base, ln, align)
            y += h
        return y

    # -- vertical text (tategaki), glyph by glyph
    def draw_vertical(
        self, cx: float, top: float, parts: list, font, fill, track: float = 0.0, stroke: int = 0
    ) -> tuple:
        """parts: list of (text, extra_gap_after). Returns (bbox, y_end)."""
        y = top
        bb = None
        size = font.size
        for text, gap in parts:
            for ch in text:
                adv = vadvance(ch, size)
                b = self.vglyph(ch, font, cx, y + adv / 2, fill, stroke)
                bb = union(bb, b)
                y += adv + track
            y += gap
        if bb:
            self.text_boxes.append(bb)
        return bb, y

    def vglyph(self, ch, font, cx, cy, fill, stroke=0):
        if not ch.strip():
            return None
        x0, y0, x1, y1 = font.getbbox(ch, anchor="ls", stroke_width=stroke)
        if x1 <= x0 or y1 <= y0:
            return None
        m = Image.new("L", (x1 - x0 + 4, y1 - y0 + 4), 0)
        ImageDraw.Draw(m).text(
            (2 - x0, 2 - y0),
            ch,
            font=font,
            fill=255,
            anchor="ls",
            stroke_width=stroke,
            stroke_fill=255,
        )
        if ch in V_ROTATE:
            m = m.rotate(-90, expand=True)
        if ch in V_SMALL:
            cx += font.size * 0.12
            cy -= font.size * 0.12
        px, py = int(round(cx - m.width / 2)), int(round(cy - m.height / 2))
        self.img.paste(fill, (px, py, px + m.width, py + m.height), m)
        return (px + 2, py + 2, px + m.width - 2, py + m.height - 2)

    # -- checks
    def valid(self, min_margin: float) -> bool:
        W, H = self.w, self.h
        for b in self.text_boxes:
            if (
                b[0] < min_margin
                or b[1] < min_margin
                or b[2] > W - min_margin
                or b[3] > H - min_margin
            ):
                self.fail = f"outside margin {tuple(int(v) for v in b)}"
                return False
        boxes = self.text_boxes
        for i in range(len(boxes)):
            for j in range(i + 1, len(boxes)):
                if overlap(boxes[i], boxes[j], 3, self.pad_x):
                    self.fail = f"overlap {tuple(int(v) for v in boxes[i])} {tuple(int(v) for v in boxes[j])}"
                    return False
            for d in self.deco_boxes:
                if overlap(boxes[i], d, 2):
                    self.fail = (
                        f"deco overlap {tuple(int(v) for v in boxes[i])} {tuple(int(v) for v in d)}"
                    )
                    return False
        return True


V_ROTATE = set("ー－-‐—―〜～…‥（）()「」『』【】［］[]〔〕<>＜＞:：=＝|｜_→")
V_SMALL = set("ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ")


def vadvance(ch: str, size: float) -> float:
    if ch == " ":
        return 0.45 * size
    if ch in "-‐":
        return 0.6 * size
    if ord(ch) < 128:
        return 0.8 * size
    return 1.02 * size


def overlap(a, b, pad=0, pad_x=None) -> bool:
    px = pad if pad_x is None else pad_x
    return not (a[2] + px <= b[0] or b[2] + px <= a[0] or a[3] + pad <= b[1] or b[3] + pad <= a[1])


# --------------------------------------------------------------------------------------------
# Building text lines from ground truth
# --------------------------------------------------------------------------------------------


@dataclass
class FontSet:
    name: ImageFont.FreeTypeFont
    company: ImageFont.FreeTypeFont
    dept: ImageFont.FreeTypeFont
    body: ImageFont.FreeTypeFont
    small: ImageFont.FreeTypeFont
    name_stroke: int
    company_stroke: int


def make_fontset(fonts: Fonts, s: Style, scale: float) -> FontSet:
    def px(mm, floor):
        return max(floor, mm * PX_PER_MM * scale)

    reg, bold = s.regular_file, s.bold_file
    synth_bold = FONT_FAMILIES[s.family][1] is None
    return FontSet(
        name=fonts.get(s.name_file, px(s.name_mm, 62)),
        company=fonts.get(bold if s.company_bold else reg, px(s.company_mm, 40)),
        dept=fonts.get(reg, px(s.dept_mm, 33)),
        body=fonts.get(reg, px(s.detail_mm, 30)),
        small=fonts.get(reg, px(s.small_mm, 30)),
        name_stroke=1 if (synth_bold and s.name_bold) else 0,
        company_stroke=1 if (synth_bold and s.company_bold) else 0,
    )


def name_parts(d: CardData, s: Style, size: float) -> list:
    """[(text, gap_after, track)] for the printed name (also used for vertical text)."""
    fam, giv = d.family[0], d.given[0]
    if s.name_style == "none":
        return [(fam + giv, 0.0, 0.0)]
    if s.name_style == "fullwidth":
        return [(fam + "　" + giv, 0.0, 0.0)]
    if s.name_style == "gap":
        return [(fam, size * s.name_gap, 0.0), (giv, 0.0, 0.0)]
    tr = size * 0.16
    return [(fam, size * 0.75, tr), (giv, 0.0, tr)]


def name_line(d: CardData, s: Style, fs: FontSet, fill) -> Line:
    if d.lang == "en":  # the romaji name is the name
        r = d.fields["name_roman"]
        track = fs.name.size * 0.04 if d.roman_caps else 0.0
        return Line([Seg(r, fs.name, fill, track=track, stroke=fs.name_stroke)])
    segs = [
        Seg(t, fs.name, fill, track=tr, after=g, stroke=fs.name_stroke)
        for t, g, tr in name_parts(d, s, fs.name.size)
    ]
    return Line(segs)


def kana_parts(d: CardData, s: Style, size: float) -> list:
    fk, gk = d.family[1], d.given[1]
    if s.kana_style == "space":
        return [(fk + " " + gk, 0.0, 0.0)]
    if s.kana_style == "fullwidth":
        return [(fk + "　" + gk, 0.0, 0.0)]
    return [(fk, size * 0.9, size * 0.22), (gk, 0.0, size * 0.22)]


def kana_line(d: CardData, s: Style, fs: FontSet, fill) -> Line | None:
    if not d.fields["name_kana"]:
        return None
    return Line(
        [Seg(t, fs.small, fill, track=tr, after=g) for t, g, tr in kana_parts(d, s, fs.small.size)]
    )


def roman_line(d: CardData, s: Style, fs: FontSet, fill) -> Line | None:
    r = d.fields["name_roman"]
    if not r or d.lang == "en":
        return None
    return Line([Seg(r, fs.small, fill, track=fs.small.size * 0.06 if d.roman_caps else 0.0)])


def name_block(d: CardData, s: Style, fs: FontSet, ink, sub_fill) -> list:
    out = []
    k, r = kana_line(d, s, fs, sub_fill), roman_line(d, s, fs, sub_fill)
    if k and s.kana_above:
        out += [k, -fs.small.size * 0.15 * s.lh]
    out.append(name_line(d, s, fs, ink))
    if k and not s.kana_above:
        out += [-fs.small.size * 0.1, k]
    if r:
        out += [-fs.small.size * 0.1, r]
    return out


def dept_title_lines(
    d: CardData, s: Style, fs: FontSet, fill, max_w: float, force_two=False
) -> list:
    dept, title = d.fields["department"], d.fields["title"]
    if s.extras.get("title_first"):  # English cards: "Manager" above "Sales Department"
        dept, title = title, dept
    if dept and title:
        one = Line([Seg(dept, fs.dept, fill, after=fs.dept.size * 0.8), Seg(title, fs.dept, fill)])
        if s.dept_title_one_line and not force_two and one.width <= max_w:
            return [one]
        return [Line([Seg(dept, fs.dept, fill)]), Line([Seg(title, fs.dept, fill)])]
    if dept or title:
        return [Line([Seg(dept or title, fs.dept, fill)])]
    return []


def company_line(d: CardData, s: Style, fs: FontSet, fill) -> Line:
    return Line([Seg(d.fields["company"], fs.company, fill, stroke=fs.company_stroke)])


def contact_lines(
    d: CardData,
    s: Style,
    fs: FontSet,
    max_w: float,
    compact: bool,
    include_address: bool = True,
    include_phones: bool = True,
    include_web: bool = True,
) -> list | None:
    """Lines for postal/address/phones/e-mail/url, or None if something cannot fit max_w."""
    F = d.fields
    ink = s.ink
    lab_fill = s.accent if s.label_accent else ink
    body = fs.body
    gap = body.size * 0.9

    def item(label, value, after=0.0):
        segs = [Seg(label, body, lab_fill)] if label else []
        segs.append(Seg(value, body, ink, after=after))
        return segs

    addr_lines: list = []
    if include_address and F["address"] and d.addr_parts:
        p = d.addr_parts
        n = len(p)
        k = n - 2 if p[-1] == "Japan" else n - 1  # index of "<Prefecture> <postal>"
        st = 2 if d.building else 1  # first locality part (after building and street)
        cuts = [[0, n], [0, st, n]]
        if d.building:
            cuts += [[0, 1, n], [0, 1, st, n]]
        cuts += [[0, k, n], [0, st, k, n]]  # "<Prefecture> <postal>" on a line of its own
        start = 0 if compact else min(s.addr_pref, len(cuts) - 1)
        order = cuts[start:] + cuts[:start][::-1]
        for cut in dict.fromkeys(tuple(c) for c in order):
            texts = [
                ", ".join(p[a:b]) + ("," if b < n else "")
                for a, b in zip(cut, cut[1:], strict=False)
                if b > a
            ]
            lines = [Line([Seg(t, body, ink)]) for t in texts]
            if all(ln.width <= max_w for ln in lines):
                addr_lines = lines
                break
        else:
            return None
    elif include_address and F["address"]:
        pc = "〒" + (" " if s.postal_space else "") + F["postal_code"]
        a1, b = d.address1, d.building
        if b:
            options = [[f"{pc} {a1} {b}"], [f"{pc} {a1}", b], [pc, f"{a1} {b}"], [pc, a1, b]]
        else:
            options = [[f"{pc} {a1}"], [pc, a1]]
        start = 0 if compact else min(s.addr_pref, len(options) - 1)
        order = options[start:] + options[:start][::-1]
        for opt in order:
            lines = [Line([Seg(t, body, ink)]) for t in opt]
            if all(ln.width <= max_w for ln in lines):
                addr_lines = lines
                break
        else:
            return None

    phone_lines: list = []
    if include_phones:
        items = [
            (lab, d.printed.get(k, F[k]))
            for lab, k in zip(s.labels, ("tel", "fax", "mobile"), strict=True)
            if F[k]
        ]
        groupings = []
        n = len(items)
        if n:
            groupings.append([items])  # all on one line
            if n == 3:
                groupings.append([items[:2], items[2:]])
            if n >= 2:
                groupings.append([[it] for it in items])
        if groupings:
            start = 0 if compact else min(s.phone_pref, len(groupings) - 1)
            order = groupings[start:] + groupings[:start][::-1]
            for grp in order:
                lines = []
                for row in grp:
                    segs = []
                    for i, (lab, val) in enumerate(row):
                        segs += item(lab, val, gap if i < len(row) - 1 else 0.0)
                    lines.append(Line(segs))
                if all(ln.width <= max_w for ln in lines):
                    phone_lines = lines
                    break
            else:
                return None

    web_lines: list = []
    if include_web:
        items = []
        if F["email"]:
            items.append((s.email_label, F["email"]))
        if F["url"]:
            items.append((s.url_label, F["url"]))
        if items:
            same = Line(
                sum((item(lab, v, gap if i == 0 else 0.0) for i, (lab, v) in enumerate(items)), [])
            )
            if len(items) == 2 and (s.web_same_line or compact) and same.width <= max_w:
                web_lines = [same]
            else:
                web_lines = [Line(item(lab, v)) for lab, v in items]
                if any(ln.width > max_w for ln in web_lines):
                    return None

    if s.phones_first:
        return phone_lines + addr_lines + web_lines
    return addr_lines + phone_lines + web_lines


def block_height(lines: list, lh: float) -> float:
    return sum(ln.size * lh if isinstance(ln, Line) else ln for ln in lines)


def block_width(lines: list) -> float:
    return max((ln.width for ln in lines if isinstance(ln, Line)), default=0.0)


# --------------------------------------------------------------------------------------------
# Decorations
# --------------------------------------------------------------------------------------------


def tint(c, t):
    return tuple(int(round(ch + (255 - ch) * t)) for ch in c)


def draw_logo(cv: Canvas, fonts: Fonts, s: Style, d: CardData, x, y, size, color=None, fg=None):
    kind = s.logo or "circle"
    color = color or s.accent
    fg = fg or (255, 255, 255)
    dr = cv.draw
    size = int(size)
    ch = d.company_letter if s.logo_letter else d.company_core
    draw_char = kind in ("circle", "ring", "rsquare", "diamond")
    if kind == "circle":
        dr.ellipse([x, y, x + size, y + size], fill=color)
    elif kind == "ring":
        dr.ellipse([x, y, x + size, y + size], outline=color, width=max(4, size // 12))
        fg = color
    elif kind == "rsquare":
        dr.rounded_rectangle([x, y, x + size, y + size], radius=size * 0.22, fill=color)
    elif kind == "diamond":
        c = (x + size / 2, y + size / 2)
        dr.polygon([(c[0], y), (x + size, c[1]), (c[0], y + size), (x, c[1])], fill=color)
    elif kind == "bars":
        bw = size / 4.2
        for i, hfrac in enumerate((0.45, 0.7, 1.0)):
            bx = x + i * bw * 1.5
            dr.rectangle(
                [bx, y + size * (1 - hfrac), bx + bw, y + size],
                fill=tint(color, 0.45 * (2 - i) / 2),
            )
    elif kind == "dots":
        r = size / 4.4
        for i, (ox, oy) in enumerate(((0.25, 0.25), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75))):
            cx, cy = x + ox * size, y + oy * size
            dr.ellipse([cx - r, cy - r, cx + r, cy + r], fill=tint(color, 0.15 * i))
    if draw_char:
        f = fonts.get(s.bold_file, size * (0.42 if kind == "diamond" else 0.56))
        dr.text((x + size / 2, y + size / 2), ch, font=f, fill=fg, anchor="mm")
    cv.deco_boxes.append((x, y, x + size, y + size))


# --------------------------------------------------------------------------------------------
# Horizontal designs (91 x 55 mm). Each returns False if it cannot place the text.
# --------------------------------------------------------------------------------------------


def design_classic_center(
    cv: Canvas, fonts: Fonts, d: CardData, s: Style, fs: FontSet, compact: bool
) -> bool:
    W, H, M = cv.w, cv.h, s.margin_mm * PX_PER_MM
    sub = tint(s.ink, 0.25)
    top = [company_line(d, s, fs, s.ink)]
    dt = dept_title_lines(d, s, fs, s.ink, W - 2 * M, force_two=False)
    if dt:
        top += [fs.company.size * 0.15] + dt
    contacts = contact_lines(d, s, fs, W - 2 * M, compact)
    if contacts is None:
        return False
    y_top_end = M + block_height(top, s.lh)
    if s.logo:
        lsize = fs.company.size * 1.2
        cw = top[0].width  # logo drawn left of the company name
        draw_logo(
            cv,
            fonts,
            s,
            d,
            W / 2 - cw / 2 - lsize - fs.company.size * 0.35,
            M + (fs.company.size * s.lh - lsize) / 2,
            lsize,
        )
    cv.draw_block(top, W / 2, M, "c", s.lh)
    hb = block_height(contacts, s.lh * 0.95)
    cv.draw_block(contacts, W / 2, H - M - hb, "c", s.lh * 0.95)
    nb = name_block(d, s, fs, s.ink, sub)
    hn = block_height(nb, s.lh)
    mid = (y_top_end + (H - M - hb)) / 2
    cv.draw_block(nb, W / 2, mid - hn / 2, "c", s.lh)
    # thin accent rule under the company name
    if s.logo is None:
        ry = y_top_end + 4
        cv.draw.line([(W / 2 - 60, ry), (W / 2 + 60, ry)], fill=s.accent, width=3)
    return True


def design_left_band(
    cv: Canvas, fonts: Fonts, d: CardData, s: Style, fs: FontSet, compact: bool
) -> bool:
    W, H, M = cv.w, cv.h, s.margin_mm * PX_PER_MM
    band = int(PX_PER_MM * (7 + 5 * (s.name_gap - 0.45) / 0.55))
    right = s.band_side == "right"
    bx0, bx1 = (W - band, W) if right else (0, band)
    color = s.accent if s.band_dark else tint(s.accent, 0.55)
    cv.draw.rectangle([bx0, 0, bx1, H], fill=color)
    cv.draw.rectangle(
        [bx0 - 6, 0, bx0 - 3, H] if right else [bx1 + 3, 0, bx1 + 6, H], fill=tint(s.accent, 0.5)
    )
    if s.logo:
        ls = band * 0.62
        draw_logo(cv, fonts, s, d, (bx0 + bx1 - ls) / 2, M, ls, color=(255, 255, 255), fg=s.accent)
    x0 = M if right else band + M * 0.9
    x1 = W - band - M * 0.9 if right else W - M
    mw = x1 - x0
    top = (
        [company_line(d, s, fs, s.ink)]
        + [fs.company.size * 0.2]
        + dept_title_lines(d, s, fs, s.ink, mw)
    )
    contacts = contact_lines(d, s, fs, mw, compact)
    if contacts is None:
        return False
    cv.draw_block(top, x0, M, "l", s.lh)
    y_top_end = M + block_height(top, s.lh)
    hb = block_height(contacts, s.lh * 0.95)
    cv.draw_block(contacts, x0, H - M - hb, "l", s.lh * 0.95)
    nb = name_block(d, s, fs, s.ink, tint(s.ink, 0.25))
    hn = block_height(nb, s.lh)
    cv.draw_block(nb, x0, (y_top_end + H - M - hb) / 2 - hn / 2, "l", s.lh)
    return True


def design_top_band(
    cv: Canvas, fonts: Fonts, d: CardData, s: Style, fs: FontSet, compact: bool
) -> bool:
    W, H, M = cv.w, cv.h, s.margin_mm * PX_PER_MM
    bh = int(max(fs.company.size * 1.9, 15 * PX_PER_MM))
    color = s.accent if s.band_dark else tint(s.accent, 0.72)
    fg = (255, 255, 255) if s.band_dark else s.ink
    cv.draw.rectangle([0, 0, W, bh], fill=color)
    x = M
    if s.logo:
        ls = bh * 0.6
        draw_logo(cv, fonts, s, d, M, (bh - ls) / 2, ls, color=fg, fg=color)
        x = M + ls + fs.company.size * 0.4
    cl = company_line(d, s, fs, fg)
    cv.draw_line(x, bh / 2 + fs.company.size * 0.36, cl, "l")
    if s.tagline:
        tl = Line([Seg(s.tagline, fs.small, fg)])
        if x + cl.width + tl.width + fs.small.size * 2 < W - M:
            cv.draw_line(W - M, bh / 2 + fs.small.size * 0.36, tl, "r")
    contacts = contact_lines(d, s, fs, W - 2 * M, compact)
    if contacts is None:
        return False
    hb = block_height(contacts, s.lh * 0.95)
    al = s.contact_align
    cv.draw_block(contacts, M if al == "l" else W - M, H - M - hb, al, s.lh * 0.95)
    nb = (
        dept_title_lines(d, s, fs, s.ink, W - 2 * M)
        + [fs.dept.size * 0.1]
        + name_block(d, s, fs, s.ink, tint(s.ink, 0.25))
    )
    hn = block_height(nb, s.lh)
    y0 = bh + M * 0.6
    cv.draw_block(nb, M, max(y0, (y0 + H - M - hb) / 2 - hn / 2), "l", s.lh)
    return True


def design_logo_left(
    cv: Canvas, fonts: Fonts, d: CardData, s: Style, fs: FontSet, compact: bool
) -> bool:
    W, H, M = cv.w, cv.h, s.margin_mm * PX_PER_MM
    ls = int(PX_PER_MM * 10.5)
    st = Style(**{**s.__dict__, "logo": s.logo or "rsquare"})
    draw_logo(cv, fonts, st, d, M, M, ls)
    cl = company_line(d, s, fs, s.ink)
    x = M + ls + fs.company.size * 0.4
    if s.tagline:
        tl = Line([Seg(s.tagline, fs.small, s.accent)])
        cv.draw_line(x, M + ls * 0.5, cl, "l")
        cv.draw_line(x, M + ls * 0.5 + fs.small.size * 1.25, tl, "l")
    else:
        cv.draw_line(x, M + ls / 2 + fs.company.size * 0.36, cl, "l")
    contacts = contact_lines(d, s, fs, W - 2 * M, compact)
    if contacts is None:
        return False
    lh = s.lh * 0.95
    hb = block_height(contacts, lh)
    cv.draw_block(contacts, W - M, H - M - hb, "r", lh)
    nb = (
        dept_title_lines(d, s, fs, s.ink, W - 2 * M)
        + [fs.dept.size * 0.05]
        + name_block(d, s, fs, s.ink, tint(s.ink, 0.25))
    )
    hn = block_height(nb, s.lh)
    y0 = M + ls + M * 0.35
    cv.draw_block(nb, M, max(y0, (y0 + H - M - hb) / 2 - hn / 2), "l", s.lh)
    return True


def design_two_column(
    cv: Canvas, fonts: Fonts, d: CardData, s: Style, fs: FontSet, compact: bool
) -> bool:
    W, H, M = cv.w, cv.h, s.margin_mm * PX_PER_MM
    lh = s.lh * 0.95
    # bottom: address column | phone column, e-mail/url row at the very bottom
    web = contact_lines(d, s, fs, W - 2 * M, compact, include_address=False, include_phones=False)
    st = Style(
        **{
            **s.__dict__,
            "phones_first": False,
            "phone_pref": 2,
            "addr_pref": 3 if not compact else 1,
        }
    )
    colw = (W - 2 * M) * 0.58
    addr = contact_lines(
        d, st, fs, colw - M * 0.5, compact, include_phones=False, include_web=False
    )
    phones = contact_lines(
        d, st, fs, (W - 2 * M) - colw - M * 0.3, compact, include_address=False, include_web=False
    )
    if web is None or addr is None or phones is None:
        return False
    hw = block_height(web, lh)
    hcols = max(block_height(addr, lh), block_height(phones, lh))
    y_web = H - M - hw
    y_cols = y_web - hcols
    if addr and phones:
        cv.draw_block(addr, M, y_cols, "l", lh)
        cv.draw_block(phones, M + colw + M * 0.3, y_cols, "l", lh)
        xr = M + colw + M * 0.05
        cv.draw.line(
            [(xr, y_cols + 8), (xr, y_cols + hcols - 8)], fill=tint(s.accent, 0.3), width=2
        )
        cv.deco_boxes.append((xr - 1, y_cols + 8, xr + 1, y_cols + hcols - 8))
    else:
        cv.draw_block(addr + phones, M, y_cols, "l", lh)
    cv.draw_block(web, M, y_web, "l", lh)
    ry = y_cols - fs.body.size * 0.45
    cv.draw.line([(M, ry), (W - M, ry)], fill=s.accent, width=3)
    cv.deco_boxes.append((M, ry - 1, W - M, ry + 1))
    # top: company (+logo at right), then dept/title + name
    top = [company_line(d, s, fs, s.ink)]
    if s.logo:
        ls = fs.company.size * 1.5
        draw_logo(cv, fonts, s, d, W - M - ls, M, ls)
    cv.draw_block(top, M, M, "l", s.lh)
    y0 = M + block_height(top, s.lh)
    nb = dept_title_lines(d, s, fs, s.ink, W - 2 * M) + name_block(
        d, s, fs, s.ink, tint(s.ink, 0.25)
    )
    hn = block_height(nb, s.lh)
    cv.draw_block(nb, M, max(y0, (y0 + ry) / 2 - hn / 2), "l", s.lh)
    return True


def design_bilingual(
    cv: Canvas, fonts: Fonts, d: CardData, s: Style, fs: FontSet, compact: bool
) -> bool:
    W, H, M = cv.w, cv.h, s.margin_mm * PX_PER_MM
    top = [company_line(d, s, fs, s.ink)]
    if d.company_en_line:
        top += [-fs.small.size * 0.1, Line([Seg(d.company_en_line, fs.small, s.accent, track=1.5)])]
    x0 = M
    if s.logo:
        ls = block_height(top, s.lh) * 0.85
        draw_logo(cv, fonts, s, d, M, M + (block_height(top, s.lh) - ls) / 2, ls)
        x0 = M + ls + fs.company.size * 0.35
    cv.draw_block(top, x0, M, "l", s.lh)
    y0 = M + block_height(top, s.lh)
    contacts = contact_lines(d, s, fs, W - 2 * M, compact)
    if contacts is None:
        return False
    lh = s.lh * 0.95
    hb = block_height(contacts, lh)
    cv.draw_block(contacts, M, H - M - hb, "l", lh)
    # name block on the right half, roman directly below the name, dept/title on the left
    nb = [name_line(d, s, fs, s.ink), -fs.small.size * 0.1]
    if d.fields["name_roman"]:
        nb.append(roman_line(d, s, fs, s.accent))
    k = kana_line(d, s, fs, tint(s.ink, 0.25))
    if k:
        nb = [k, -fs.small.size * 0.15 * s.lh] + nb
    hn = block_height(nb, s.lh)
    dt = dept_title_lines(d, s, fs, s.ink, W - 2 * M, force_two=True)
    ymid = (y0 + H - M - hb) / 2
    if dt:
        wn = block_width(nb)
        if block_width(dt) + wn + M < W - 2 * M:
            cv.draw_block(nb, W - M, ymid - hn / 2, "r", s.lh)
            cv.draw_block(dt, M, ymid - block_height(dt, s.lh) / 2, "l", s.lh)
            return True
        nb = dt + nb
        hn = block_height(nb, s.lh)
    cv.draw_block(nb, M, max(y0, ymid - hn / 2), "l", s.lh)
    return True


def design_bottom_rule(
    cv: Canvas, fonts: Fonts, d: CardData, s: Style, fs: FontSet, compact: bool
) -> bool:
    W, H, M = cv.w, cv.h, s.margin_mm * PX_PER_MM
    lh = s.lh * 0.95
    below = [company_line(d, s, fs, s.ink), fs.body.size * 0.15]
    contacts = contact_lines(d, s, fs, W - 2 * M, compact)
    if contacts is None:
        return False
    below += contacts
    hb = block_height(below, lh)
    yb = H - M - hb
    cv.draw_block(below, M, yb, "l", lh)
    ry = yb - fs.body.size * 0.35
    cv.draw.rectangle([M, ry - 2, W - M, ry + 1], fill=s.accent)
    cv.deco_boxes.append((M, ry - 2, W - M, ry + 1))
    nb = name_block(d, s, fs, s.ink, tint(s.ink, 0.25))
    dt = dept_title_lines(d, s, fs, s.accent, W - 2 * M, force_two=False)
    if dt:
        nb = dt + [fs.dept.size * 0.05] + nb
    hn = block_height(nb, s.lh)
    if s.logo:
        ls = int(PX_PER_MM * 9)
        draw_logo(cv, fonts, s, d, W - M - ls, M, ls)
    cv.draw_block(nb, M, max(M, (M + ry) / 2 - hn / 2), "l", s.lh)
    return True


# --------------------------------------------------------------------------------------------
# Vertical (tategaki) designs (55 x 91 mm portrait)
# --------------------------------------------------------------------------------------------


LEGAL_PREFIXES = (
    "特定非営利活動法人",
    "一般社団法人",
    "公益財団法人",
    "株式会社",
    "有限会社",
    "合同会社",
)


def draw_v_company(
    cv: Canvas,
    fonts: Fonts,
    d: CardData,
    s: Style,
    fs: FontSet,
    x_right: float,
    top: float,
    bottom: float,
    fill,
) -> float:
    """Company name as one vertical column (or a small legal-form column + the name).
    Returns the x of the left edge of what was drawn."""
    name = d.fields["company"]
    f = fs.company
    length = sum(vadvance(c, f.size) for c in name)
    if length <= bottom - top:
        cv.draw_vertical(x_right - f.size / 2, top, [(name, 0)], f, fill, stroke=fs.company_stroke)
        return x_right - f.size
    form = next((p for p in LEGAL_PREFIXES if name.startswith(p)), None)
    if form:
        rest = name[len(form) :]
        small = fs.dept
        cv.draw_vertical(x_right - small.size / 2, top, [(form, 0)], small, fill)
        x_right -= small.size + small.size * 0.25
        size = min(f.size, (bottom - top - f.size * 0.5) / max(1, len(rest)) / 1.02)
        f2 = fonts.get(s.bold_file if s.company_bold else s.regular_file, size)
        cv.draw_vertical(
            x_right - f2.size / 2,
            top + f2.size * 0.5,
            [(rest, 0)],
            f2,
            fill,
            stroke=fs.company_stroke,
        )
        return x_right - f2.size
    size = (bottom - top) / length * f.size * 0.98
    f2 = fonts.get(s.bold_file if s.company_bold else s.regular_file, size)
    cv.draw_vertical(x_right - f2.size / 2, top, [(name, 0)], f2, fill, stroke=fs.company_stroke)
    return x_right - f2.size


def v_contact_lines(d, s, fs, max_w, compact):
    st = Style(**{**s.__dict__, "phones_first": True})
    lines = contact_lines(d, st, fs, max_w, compact, include_address=False)
    if lines is None and compact:  # a long e-mail address: drop the e-mail/URL labels
        st = Style(**{**st.__dict__, "email_label": "", "url_label": ""})
        lines = contact_lines(d, st, fs, max_w, compact, include_address=False)
    return lines


def _v_columns(
    cv: Canvas,
    fonts: Fonts,
    d: CardData,
    s: Style,
    fs: FontSet,
    x: float,
    top: float,
    bottom: float,
    with_company: bool,
) -> bool:
    """Lay out columns right-to-left starting at right edge x. Returns False if out of room."""
    colgap = fs.body.size * 0.55
    ink = s.ink
    if with_company:
        cx = x - fs.company.size / 2
        cv.draw_vertical(
            cx, top, [(d.fields["company"], 0)], fs.company, ink, stroke=fs.company_stroke
        )
        x -= fs.company.size + colgap
    dept, title = d.fields["department"], d.fields["title"]
    avail = bottom - top
    if (
        dept
        and title
        and s.dept_title_one_line
        and sum(vadvance(c, fs.dept.size) for c in dept + title) + fs.dept.size < avail
    ):
        cv.draw_vertical(
            x - fs.dept.size / 2,
            top + fs.dept.size * 0.5,
            [(dept, fs.dept.size), (title, 0)],
            fs.dept,
            ink,
        )
        x -= fs.dept.size + colgap
    else:
        for i, t in enumerate([v for v in (dept, title) if v]):
            off = fs.dept.size * (0.5 if i == 0 else 1.5) if dept and title else fs.dept.size * 1.0
            cv.draw_vertical(x - fs.dept.size / 2, top + off, [(t, 0)], fs.dept, ink)
            x -= fs.dept.size + colgap * 0.6
    x -= colgap * 0.6
    # kana column to the right of the name, then the name
    ntop = top + avail * s.v_name_offset
    if d.fields["name_kana"]:
        kp = [(t, g) for t, g, _ in kana_parts(d, s, fs.small.size)]
        tr = fs.small.size * 0.1
        cv.draw_vertical(x - fs.small.size / 2, ntop, kp, fs.small, tint(ink, 0.25), track=tr)
        x -= fs.small.size + fs.small.size * 0.3
    parts = name_parts(d, s, fs.name.size)
    track = parts[0][2]
    cv.draw_vertical(
        x - fs.name.size / 2,
        ntop,
        [(t, g) for t, g, _ in parts],
        fs.name,
        ink,
        track=track,
        stroke=fs.name_stroke,
    )
    x -= fs.name.size + colgap * 1.8
    # address columns: postal code, address, building (building indented one character)
    if d.fields["address"]:
        b = fs.body
        pc = "〒" + d.postal
        cv.draw_vertical(x - b.size / 2, top, [(pc, 0)], b, ink)
        x -= b.size * 1.35
        a1_len = sum(vadvance(c, b.size) for c in d.address1)
        if (
            d.building
            and a1_len + sum(vadvance(c, b.size) for c in d.building) + b.size < avail
            and s.addr_pref == 0
        ):
            cv.draw_vertical(
                x - b.size / 2,
                top + b.size * 0.5,
                [(d.address1, b.size * 0.6), (d.building, 0)],
                b,
                ink,
            )
            x -= b.size
        else:
            cv.draw_vertical(x - b.size / 2, top + b.size * 0.5, [(d.address1, 0)], b, ink)
            x -= b.size * 1.35
            if d.building:
                cv.draw_vertical(x - b.size / 2, top + b.size * 1.5, [(d.building, 0)], b, ink)
                x -= b.size
    return True


def design_tate_classic(
    cv: Canvas, fonts: Fonts, d: CardData, s: Style, fs: FontSet, compact: bool
) -> bool:
    W, H, M = cv.w, cv.h, s.margin_mm * PX_PER_MM
    lines = v_contact_lines(d, s, fs, W - 2 * M, compact)
    if lines is None:
        return False
    r = roman_line(d, s, fs, tint(s.ink, 0.2))
    if r:
        lines = [r, fs.body.size * 0.1] + lines
    lh = s.lh * 0.92
    hb = block_height(lines, lh)
    yb = H - M - hb
    al = "c" if s.contact_align == "r" else "l"
    cv.draw_block(lines, W / 2 if al == "c" else M, yb, al, lh)
    ry = yb - fs.body.size * 0.4
    cv.draw.line([(M, ry), (W - M, ry)], fill=s.accent, width=2)
    cv.deco_boxes.append((M, ry - 1, W - M, ry + 1))
    top = M
    if s.logo:
        ls = fs.company.size * 1.1
        draw_logo(cv, fonts, s, d, W - M - ls, M, ls)
        top_company = M + ls + fs.company.size * 0.3
    else:
        top_company = M
    # company column first (rightmost), starting under the logo
    x = draw_v_company(cv, fonts, d, s, fs, W - M, top_company, ry - fs.body.size * 0.5, s.ink)
    x -= fs.body.size * 0.6
    return _v_columns(
        cv,
        fonts,
        d,
        s,
        fs,
        x,
        top + fs.dept.size * 0.2,
        ry - fs.body.size * 0.4,
        with_company=False,
    )


def design_tate_band(
    cv: Canvas, fonts: Fonts, d: CardData, s: Style, fs: FontSet, compact: bool
) -> bool:
    W, H, M = cv.w, cv.h, s.margin_mm * PX_PER_MM
    band = int(max(fs.company.size * 2.3, 12 * PX_PER_MM))
    color = s.accent if s.band_dark else tint(s.accent, 0.7)
    fg = (255, 255, 255) if s.band_dark else s.ink
    lines = v_contact_lines(d, s, fs, W - 2 * M, compact)
    if lines is None:
        return False
    r = roman_line(d, s, fs, tint(s.ink, 0.2))
    if r:
        lines = [r, fs.body.size * 0.1] + lines
    lh = s.lh * 0.92
    hb = block_height(lines, lh)
    yb = H - M - hb
    ry = yb - fs.body.size * 0.4
    cv.draw.rectangle([W - band, 0, W, ry - fs.body.size * 0.4], fill=color)
    cv.deco_boxes.append((W - band, ry - fs.body.size * 0.4 - 2, W, ry - fs.body.size * 0.4))
    ls = band * 0.5
    ytext = M
    if s.logo:
        draw_logo(cv, fonts, s, d, W - band / 2 - ls / 2, M, ls, color=fg, fg=color)
        ytext = M + ls + fs.company.size * 0.4
    bx = W - band / 2 + fs.company.size / 2
    if (
        d.fields["company"].startswith(LEGAL_PREFIXES)
        and sum(vadvance(c, fs.company.size) for c in d.fields["company"]) > ry - ytext - M
    ):
        bx = W - band / 2 + (fs.company.size + fs.dept.size * 1.25) / 2
    draw_v_company(cv, fonts, d, s, fs, bx, ytext, ry - fs.body.size * 0.4 - M * 0.6, fg)
    cv.draw_block(lines, M, yb, "l", lh)
    return _v_columns(
        cv,
        fonts,
        d,
        s,
        fs,
        W - band - M * 0.8,
        M + fs.dept.size * 0.2,
        ry - fs.body.size * 0.4,
        with_company=False,
    )


H_DESIGNS = {
    "classic_center": design_classic_center,
    "left_band": design_left_band,
    "top_band": design_top_band,
    "logo_left": design_logo_left,
    "two_column": design_two_column,
    "bilingual": design_bilingual,
    "bottom_rule": design_bottom_rule,
}
V_DESIGNS = {
    "tate_classic": design_tate_classic,
    "tate_band": design_tate_band,
}


def render_card(
    fonts: Fonts, d: CardData, s: Style, design: str, vertical: bool, exclude: tuple = ()
):
    """Try the design at decreasing font scales, then fall back to other designs."""
    designs = V_DESIGNS if vertical else H_DESIGNS
    order = [design] + [k for k in designs if k != design and k not in exclude]
    w, h = (CARD_MM[1], CARD_MM[0]) if vertical else CARD_MM
    W, H = w * PX_PER_MM, h * PX_PER_MM
    for name in order:
        for compact in (False, True):
            for scale in (1.0, 0.94, 0.88, 0.82):
                cv = Canvas(W, H, s.paper)
                fs = make_fontset(fonts, s, scale)
                if designs[name](cv, fonts, d, s, fs, compact) and cv.valid(2.5 * PX_PER_MM):
                    return cv.img, name
    raise RuntimeError("no design could place this card")


# --------------------------------------------------------------------------------------------
# Capture simulation
# --------------------------------------------------------------------------------------------


def lowfreq(nrng: np.random.Generator, h: int, w: int, cell: int) -> np.ndarray:
    small = nrng.standard_normal((h // cell + 3, w // cell + 3)).astype(np.float32)
    big = cv2.resize(
        small, ((w // cell + 3) * cell, (h // cell + 3) * cell), interpolation=cv2.INTER_CUBIC
    )
    return big[cell : cell + h, cell : cell + w]


def paper_texture(img: Image.Image, nrng: np.random.Generator) -> np.ndarray:
    a = np.asarray(img).astype(np.float32)
    h, w = a.shape[:2]
    a += (lowfreq(nrng, h, w, 90) * 0.8)[..., None]
    return a


def add_noise(a: np.ndarray, nrng: np.random.Generator, sigma: float) -> np.ndarray:
    h, w = a.shape[:2]
    n = nrng.standard_normal((h, w)).astype(np.float32) * sigma
    c = nrng.standard_normal((h, w, 3)).astype(np.float32) * (sigma * 0.3)
    return a + n[..., None] + c


def simulate_scan(card: Image.Image, rng: random.Random, nrng: np.random.Generator):
    a = paper_texture(card, nrng)
    h, w = a.shape[:2]
    angle = rng.uniform(-1.5, 1.5)
    need = int(math.ceil(abs(math.sin(math.radians(angle))) * max(w, h) / 2)) + 8
    mx, my = max(need, rng.randint(14, 40)), max(need, rng.randint(14, 40))
    g = rng.uniform(228, 252)
    bgc = np.array([g, g, g + rng.uniform(-3, 3)], np.float32)
    H2, W2 = h + 2 * my, w + 2 * mx
    out = np.empty((H2, W2, 3), np.float32)
    out[:] = bgc
    out += (lowfreq(nrng, H2, W2, 200) * 2.0)[..., None]
    # faint edge shadow so the card border is visible on a light scanner lid
    sh = np.zeros((H2, W2), np.float32)
    sh[my + 2 : my + h + 3, mx + 2 : mx + w + 3] = 1
    sh = cv2.GaussianBlur(sh, (0, 0), 2.0)
    out *= (1 - 0.18 * sh)[..., None]
    out[my : my + h, mx : mx + w] = a
    M = cv2.getRotationMatrix2D((W2 / 2, H2 / 2), -angle, 1.0)
    out = cv2.warpAffine(out, M, (W2, H2), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    blur = rng.uniform(0.3, 0.7)
    out = cv2.GaussianBlur(out, (0, 0), blur)
    clean = rng.random() < 0.25
    if not clean:
        out = add_noise(out, nrng, rng.uniform(1.0, 2.2))
    return np.clip(out, 0, 255).astype(np.uint8), clean


def desk_background(
    h: int, w: int, rng: random.Random, nrng: np.random.Generator
) -> tuple[np.ndarray, str]:
    kind = rng.choices(
        ["wood", "dark", "fabric", "grey", "white"], weights=[0.3, 0.2, 0.2, 0.15, 0.15]
    )[0]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    if kind == "wood":
        base = np.array(
            rng.choice([(150, 105, 65), (185, 140, 95), (120, 80, 50), (200, 165, 120)]), np.float32
        )
        warp = lowfreq(nrng, h, w, 220) * 30 + lowfreq(nrng, h, w, 60) * 6
        period = rng.uniform(14, 34)
        coord = yy if rng.random() < 0.7 else xx
        grain = (
            np.sin((coord + warp) * 2 * math.pi / period) * 0.5
            + np.sin((coord + warp * 1.7) * 2 * math.pi / (period * 3.1)) * 0.5
        )
        streak = cv2.resize(nrng.standard_normal((h // 3 + 1, 12)).astype(np.float32), (w, h))
        if coord is xx:
            streak = cv2.resize(nrng.standard_normal((12, w // 3 + 1)).astype(np.float32), (w, h))
        lum = 1 + 0.07 * grain + 0.05 * streak + 0.05 * lowfreq(nrng, h, w, 300)
        bg = base[None, None, :] * lum[..., None]
    elif kind == "dark":
        g = rng.uniform(30, 70)
        bg = np.full((h, w, 3), g, np.float32) + (lowfreq(nrng, h, w, 250) * 8)[..., None]
        bg[..., 2] += rng.uniform(-4, 6)
    elif kind == "fabric":
        base = np.array(
            rng.choice([(95, 105, 120), (120, 120, 115), (70, 90, 80), (130, 110, 100)]), np.float32
        )
        p = rng.uniform(3.5, 6)
        weave = np.sin(xx * 2 * math.pi / p) * np.sin(yy * 2 * math.pi / p)
        lum = 1 + 0.06 * weave + 0.05 * lowfreq(nrng, h, w, 150)
        bg = base[None, None, :] * lum[..., None]
        bg += nrng.standard_normal((h, w, 1)).astype(np.float32) * 5
    elif kind == "grey":
        g = rng.uniform(110, 165)
        bg = (
            np.full((h, w, 3), g, np.float32)
            + (lowfreq(nrng, h, w, 200) * 6 + lowfreq(nrng, h, w, 8) * 4)[..., None]
        )
    else:
        g = rng.uniform(214, 236)
        bg = np.full((h, w, 3), g, np.float32) + (lowfreq(nrng, h, w, 300) * 5)[..., None]
        bg[..., 0] += rng.uniform(-3, 3)
    return bg, kind


def add_clutter(bg: np.ndarray, rng: random.Random) -> None:
    h, w = bg.shape[:2]
    for _ in range(rng.choice([0, 0, 1, 1, 2])):
        if rng.random() < 0.5:  # pen
            x0, y0 = rng.uniform(0, w), rng.uniform(0, h)
            ang = rng.uniform(0, math.pi)
            ln = rng.uniform(450, 800)
            x1, y1 = x0 + math.cos(ang) * ln, y0 + math.sin(ang) * ln
            col = rng.choice([(25, 25, 30), (30, 50, 140), (160, 30, 30), (190, 190, 195)])
            th = rng.randint(18, 28)
            pts = [(int(x0), int(y0)), (int(x1), int(y1))]
            shadow = np.zeros((h, w), np.float32)
            cv2.line(
                shadow,
                (pts[0][0] + 8, pts[0][1] + 10),
                (pts[1][0] + 8, pts[1][1] + 10),
                1.0,
                th + 6,
            )
            shadow = cv2.GaussianBlur(shadow, (0, 0), 7)
            bg *= (1 - 0.35 * shadow)[..., None]
            cv2.line(bg, pts[0], pts[1], tuple(float(c) for c in col), th, cv2.LINE_AA)
            hi = tuple(float(min(255, c + 70)) for c in col)
            off = th // 4
            cv2.line(
                bg,
                (pts[0][0], pts[0][1] - off),
                (pts[1][0], pts[1][1] - off),
                hi,
                max(2, th // 6),
                cv2.LINE_AA,
            )
        else:  # coffee ring / cup seen from above
            cx, cy = int(rng.uniform(0, w)), int(rng.uniform(0, h))
            r = rng.randint(90, 170)
            if rng.random() < 0.5:
                ring = np.zeros((h, w), np.float32)
                cv2.circle(ring, (cx, cy), r, 1.0, rng.randint(5, 10), cv2.LINE_AA)
                ring = cv2.GaussianBlur(ring, (0, 0), 2.5)
                stain = np.array([110, 70, 40], np.float32)
                a = 0.35 * ring[..., None]
                bg[:] = bg * (1 - a) + stain * a
            else:
                sh = np.zeros((h, w), np.float32)
                cv2.circle(sh, (cx + 14, cy + 18), r + 6, 1.0, -1)
                sh = cv2.GaussianBlur(sh, (0, 0), 12)
                bg *= (1 - 0.4 * sh)[..., None]
                cup = tuple(
                    float(c) for c in rng.choice([(235, 235, 232), (200, 60, 50), (40, 70, 120)])
                )
                cv2.circle(bg, (cx, cy), r, cup, -1, cv2.LINE_AA)
                cv2.circle(bg, (cx, cy), int(r * 0.8), (60.0, 38.0, 25.0), -1, cv2.LINE_AA)


def simulate_photo(
    card: Image.Image, rng: random.Random, nrng: np.random.Generator, portrait: bool
):
    FW, FH = (1200, 1600) if portrait else (1600, 1200)
    a = paper_texture(card, nrng)
    ch, cw = a.shape[:2]
    bg, bg_kind = desk_background(FH, FW, rng, nrng)
    add_clutter(bg, rng)
    frac = rng.uniform(0.40, 0.72)
    angle = math.radians(rng.uniform(-9, 9))
    jit = [(rng.uniform(-0.08, 0.08), rng.uniform(-0.08, 0.08)) for _ in range(4)]
    offc = (rng.uniform(-1, 1), rng.uniform(-1, 1))
    for _ in range(60):
        k = math.sqrt(frac * FW * FH / (cw * ch))
        w2, h2 = cw * k, ch * k
        corners = np.array(
            [(-w2 / 2, -h2 / 2), (w2 / 2, -h2 / 2), (w2 / 2, h2 / 2), (-w2 / 2, h2 / 2)]
        )
        rot = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
        pts = corners @ rot.T + np.array([(jx * w2, jy * h2) for jx, jy in jit])
        span_x = FW - 2 * 12 - (pts[:, 0].max() - pts[:, 0].min())
        span_y = FH - 2 * 12 - (pts[:, 1].max() - pts[:, 1].min())
        if span_x > 0 and span_y > 0:
            cx = FW / 2 - (pts[:, 0].max() + pts[:, 0].min()) / 2 + offc[0] * span_x / 2
            cy = FH / 2 - (pts[:, 1].max() + pts[:, 1].min()) / 2 + offc[1] * span_y / 2
            pts = pts + np.array([cx, cy])
            break
        frac *= 0.96
    src = np.float32([(0, 0), (cw, 0), (cw, ch), (0, ch)])
    Mp = cv2.getPerspectiveTransform(src, np.float32(pts))
    warped = cv2.warpPerspective(
        a, Mp, (FW, FH), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_CONSTANT
    )
    mask = cv2.warpPerspective(np.ones((ch, cw), np.float32), Mp, (FW, FH), flags=cv2.INTER_LINEAR)
    # soft drop shadow
    sdx, sdy = rng.uniform(4, 22), rng.uniform(6, 26)
    sh = cv2.warpAffine(mask, np.float32([[1, 0, sdx], [0, 1, sdy]]), (FW, FH))
    sh = cv2.GaussianBlur(sh, (0, 0), rng.uniform(10, 24))
    bg *= (1 - rng.uniform(0.25, 0.5) * sh)[..., None]
    img = bg * (1 - mask[..., None]) + warped * mask[..., None]
    # illumination: linear gradient + vignette + colour cast
    yy, xx = np.mgrid[0:FH, 0:FW].astype(np.float32)
    phi = rng.uniform(0, 2 * math.pi)
    lin = ((xx - FW / 2) * math.cos(phi) + (yy - FH / 2) * math.sin(phi)) / (max(FW, FH) / 2)
    r2 = ((xx - FW / 2) ** 2 + (yy - FH / 2) ** 2) / ((FW / 2) ** 2 + (FH / 2) ** 2)
    light = rng.uniform(0.9, 1.02) + rng.uniform(0.06, 0.16) * lin - rng.uniform(0.05, 0.2) * r2
    cast = np.array([1 + rng.uniform(-0.05, 0.04), 1.0, 1 + rng.uniform(-0.06, 0.03)], np.float32)
    img = img * light[..., None] * cast
    sigma = rng.uniform(0.0, 1.2)
    if sigma > 0.15:
        img = cv2.GaussianBlur(img, (0, 0), sigma)
    img = add_noise(img, nrng, rng.uniform(1.5, 3.5))
    return np.clip(img, 0, 255).astype(np.uint8), bg_kind


def simulate_flatbed(
    cards: list[np.ndarray], rng: random.Random, nrng: np.random.Generator, lid_open: bool
) -> tuple[np.ndarray, list[list[int]]]:
    """Cards laid on a flatbed scanner, in a grid of landscape slots (a tategaki card lies
    turned), each a little crooked, under the white lid or with the lid open (a dark bed).
    Returns the scan and each card's bounding box ``[x, y, w, h]`` in the scan."""
    sw, sh_ = CARD_MM[0] * PX_PER_MM, CARD_MM[1] * PX_PER_MM
    cols = min(2, len(cards))
    rows = (len(cards) + 1) // 2
    gx, gy = rng.randint(40, 140), rng.randint(40, 140)
    mx, my = rng.randint(30, 90), rng.randint(30, 90)
    extra_w = extra_h = 0
    if len(cards) == 1:  # one card in the corner of an A4 bed
        extra_w = 210 * PX_PER_MM - 2 * mx - (sw + 80)
        extra_h = 297 * PX_PER_MM - 2 * my - (sh_ + 80)
    slot_w, slot_h = sw + 2 * 40, sh_ + 2 * 40  # room for skew and a hand's imprecision
    W = 2 * mx + cols * slot_w + (cols - 1) * gx + extra_w
    H = 2 * my + rows * slot_h + (rows - 1) * gy + extra_h
    out = np.empty((H, W, 3), np.float32)
    if lid_open:  # the lid left open: the bed is dark grey with the lamp's fall-off
        g = rng.uniform(25, 70)
        yy = np.linspace(-1, 1, H, dtype=np.float32)[:, None]
        out[:] = g * (1 - 0.25 * yy**2)[..., None]
    else:
        g = rng.uniform(228, 252)
        out[:] = np.array([g, g, g + rng.uniform(-3, 3)], np.float32)
    out += (lowfreq(nrng, H, W, 200) * 2.0)[..., None]
    boxes = []
    for k, a in enumerate(cards):
        ch, cw = a.shape[:2]
        r, c = divmod(k, cols)
        cx = mx + c * (slot_w + gx) + slot_w / 2 + rng.uniform(-25, 25)
        cy = my + r * (slot_h + gy) + slot_h / 2 + rng.uniform(-25, 25)
        angle = rng.uniform(-2.5, 2.5)
        M = cv2.getRotationMatrix2D((cw / 2, ch / 2), -angle, 1.0)
        M[:, 2] += (cx - cw / 2, cy - ch / 2)
        warped = cv2.warpAffine(a, M, (W, H), flags=cv2.INTER_LINEAR)
        mask = cv2.warpAffine(np.ones((ch, cw), np.float32), M, (W, H), flags=cv2.INTER_LINEAR)
        shadow = cv2.GaussianBlur(
            cv2.warpAffine(mask, np.float32([[1, 0, 2], [0, 1, 2]]), (W, H)), (0, 0), 2.0
        )
        out *= (1 - 0.18 * shadow * (1 - mask))[..., None]
        out = out * (1 - mask[..., None]) + warped * mask[..., None]
        corners = np.array([(0, 0, 1), (cw, 0, 1), (cw, ch, 1), (0, ch, 1)], np.float32) @ M.T
        x0, y0 = corners.min(axis=0)
        x1, y1 = corners.max(axis=0)
        boxes.append(
            [round(float(x0)), round(float(y0)), round(float(x1 - x0)), round(float(y1 - y0))]
        )
    out = cv2.GaussianBlur(out, (0, 0), rng.uniform(0.3, 0.7))
    out = add_noise(out, nrng, rng.uniform(1.0, 2.2))
    return np.clip(out, 0, 255).astype(np.uint8), boxes


def generate_flatbed(out_dir: Path, count: int, seed: int, quiet: bool = False) -> list[dict]:
    """``count`` flatbed scans of 1–4 cards each; the JSON lists every card with its box."""
    fonts = Fonts()
    out_dir.mkdir(parents=True, exist_ok=True)
    pat = re.compile(r"^flatbed_\d{3,}\.(jpg|png|json)$")
    for p in out_dir.iterdir():
        if pat.match(p.name):
            p.unlink()
    hd, vd = list(H_DESIGNS), list(V_DESIGNS)
    records = []
    for i in range(1, count + 1):
        scan_id = f"flatbed_{i:03d}"
        rng = random.Random(f"meishi:flatbed:{seed}:{i}")
        nrng = np.random.default_rng([seed, i, 13])
        n = (1, 2, 3, 4)[i % 4]
        lid_open = i % 3 == 0
        images, cards = [], []
        for _k in range(n):
            vertical = rng.random() < 0.2
            design = rng.choice(vd if vertical else hd)
            d = sample_card_data(rng, force_roman=design == "bilingual", short_contacts=vertical)
            s = sample_style(rng)
            card, layout = render_card(fonts, d, s, design, vertical)
            a = paper_texture(card, nrng)
            # tategaki cards lie turned into a landscape slot; a few cards lie upside down
            rotation = rng.choice([90, 270]) if vertical else rng.choice([0, 0, 0, 0, 180])
            a = np.ascontiguousarray(np.rot90(a, k=-rotation // 90))
            images.append(a)
            cards.append(
                {
                    "rotation": rotation,
                    "layout": layout,
                    "font": s.name_file,
                    "language": "bilingual" if layout == "bilingual" else "ja",
                    "fields": d.fields,
                }
            )
        arr, boxes = simulate_flatbed(images, rng, nrng, lid_open)
        for card_rec, box in zip(cards, boxes, strict=True):
            card_rec["box"] = box
        data, ext, _q = encode(arr, "jpg", 85, max_bytes=FLATBED_MAX_BYTES)
        (out_dir / f"{scan_id}.{ext}").write_bytes(data)
        rec = {
            "id": scan_id,
            "capture": "flatbed",
            "lid": "open" if lid_open else "closed",
            "cards": cards,
        }
        (out_dir / f"{scan_id}.json").write_text(
            json.dumps(rec, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        records.append(rec)
        if not quiet:
            print(
                f"{scan_id}.{ext}  {n} cards  {arr.shape[1]}x{arr.shape[0]}  "
                f"{len(data) // 1024:4d} KB",
                flush=True,
            )
    return records


def encode(
    arr: np.ndarray, fmt: str, quality: int, max_bytes: int = MAX_BYTES
) -> tuple[bytes, str, int]:
    """PNG if requested and small enough, else JPEG at `quality`, lowered if needed to fit."""
    im = Image.fromarray(arr)
    if fmt == "png":
        buf = io.BytesIO()
        im.save(buf, "PNG", optimize=True)
        if buf.tell() <= max_bytes:
            return buf.getvalue(), "png", 0
        fmt = "jpg"
    q = quality
    while True:
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=q, optimize=True)
        if buf.tell() <= max_bytes or q <= 60:
            return buf.getvalue(), "jpg", q
        q -= 3


# --------------------------------------------------------------------------------------------
# The "wide" set: what real cards do and the dev set (demo/eval/flatbed) never shows.
# Its own word lists, designs and captures; nothing above is changed by it, so the other sets
# keep their exact random call sequence. Everything here is FICTITIOUS as well (prefecture,
# city and town names, postal-code prefixes and area codes are real).
# --------------------------------------------------------------------------------------------

WIDE_SURNAMES = [
    ("松井", "マツイ", "Matsui"),
    ("野口", "ノグチ", "Noguchi"),
    ("菅原", "スガワラ", "Sugawara"),
    ("杉山", "スギヤマ", "Sugiyama"),
    ("大西", "オオニシ", "Onishi"),
    ("平野", "ヒラノ", "Hirano"),
    ("今井", "イマイ", "Imai"),
    ("河野", "コウノ", "Kono"),
    ("丸山", "マルヤマ", "Maruyama"),
    ("高木", "タカギ", "Takagi"),
    ("安藤", "アンドウ", "Ando"),
    ("工藤", "クドウ", "Kudo"),
    ("武田", "タケダ", "Takeda"),
    ("村田", "ムラタ", "Murata"),
    ("柴田", "シバタ", "Shibata"),
    ("酒井", "サカイ", "Sakai"),
    ("横山", "ヨコヤマ", "Yokoyama"),
    ("宮本", "ミヤモト", "Miyamoto"),
    ("内田", "ウチダ", "Uchida"),
    ("小島", "コジマ", "Kojima"),
    ("水野", "ミズノ", "Mizuno"),
    ("増田", "マスダ", "Masuda"),
    ("須藤", "スドウ", "Sudo"),
    ("桑原", "クワハラ", "Kuwahara"),
    ("大塚", "オオツカ", "Otsuka"),
    ("北村", "キタムラ", "Kitamura"),
    ("服部", "ハットリ", "Hattori"),
    ("秋山", "アキヤマ", "Akiyama"),
    ("星野", "ホシノ", "Hoshino"),
    ("岩崎", "イワサキ", "Iwasaki"),
    ("野村", "ノムラ", "Nomura"),
    ("松尾", "マツオ", "Matsuo"),
    ("中川", "ナカガワ", "Nakagawa"),
    ("荒木", "アラキ", "Araki"),
    ("永井", "ナガイ", "Nagai"),
    ("望月", "モチヅキ", "Mochizuki"),
    ("熊谷", "クマガイ", "Kumagai"),
    ("島田", "シマダ", "Shimada"),
    ("本田", "ホンダ", "Honda"),
    ("古川", "フルカワ", "Furukawa"),
    ("市川", "イチカワ", "Ichikawa"),
    ("新井", "アライ", "Arai"),
    ("土屋", "ツチヤ", "Tsuchiya"),
    ("樋口", "ヒグチ", "Higuchi"),
    ("榎本", "エノモト", "Enomoto"),
    ("矢野", "ヤノ", "Yano"),
    ("東", "ヒガシ", "Higashi"),
    ("南", "ミナミ", "Minami"),
    ("西川", "ニシカワ", "Nishikawa"),
    ("小山", "コヤマ", "Koyama"),
    ("早川", "ハヤカワ", "Hayakawa"),
    ("片山", "カタヤマ", "Katayama"),
    ("大野", "オオノ", "Ono"),
    ("浅野", "アサノ", "Asano"),
    ("宮下", "ミヤシタ", "Miyashita"),
    ("小池", "コイケ", "Koike"),
    ("中山", "ナカヤマ", "Nakayama"),
    ("奥村", "オクムラ", "Okumura"),
    ("東海林", "ショウジ", "Shoji"),
    ("長谷部", "ハセベ", "Hasebe"),
]
WIDE_GIVEN = [
    ("大翔", "ヒロト", "Hiroto"),
    ("陽斗", "ハルト", "Haruto"),
    ("湊", "ミナト", "Minato"),
    ("樹", "イツキ", "Itsuki"),
    ("結菜", "ユイナ", "Yuina"),
    ("芽依", "メイ", "Mei"),
    ("莉子", "リコ", "Riko"),
    ("美月", "ミツキ", "Mitsuki"),
    ("一郎", "イチロウ", "Ichiro"),
    ("健司", "ケンジ", "Kenji"),
    ("博之", "ヒロユキ", "Hiroyuki"),
    ("哲也", "テツヤ", "Tetsuya"),
    ("誠司", "セイジ", "Seiji"),
    ("康平", "コウヘイ", "Kohei"),
    ("智也", "トモヤ", "Tomoya"),
    ("和彦", "カズヒコ", "Kazuhiko"),
    ("俊介", "シュンスケ", "Shunsuke"),
    ("亜希子", "アキコ", "Akiko"),
    ("久美子", "クミコ", "Kumiko"),
    ("理恵", "リエ", "Rie"),
    ("真理", "マリ", "Mari"),
    ("加奈子", "カナコ", "Kanako"),
    ("早紀", "サキ", "Saki"),
    ("遥", "ハルカ", "Haruka"),
    ("涼子", "リョウコ", "Ryoko"),
    ("純一", "ジュンイチ", "Junichi"),
    ("信也", "シンヤ", "Shinya"),
    ("正樹", "マサキ", "Masaki"),
    ("光", "ヒカル", "Hikaru"),
    ("栞", "シオリ", "Shiori"),
    ("瞳", "ヒトミ", "Hitomi"),
    ("茜", "アカネ", "Akane"),
    ("航", "ワタル", "Wataru"),
    ("駿", "シュン", "Shun"),
    ("圭", "ケイ", "Kei"),
    ("隼人", "ハヤト", "Hayato"),
    ("拓海", "タクミ", "Takumi"),
    ("千夏", "チナツ", "Chinatsu"),
    ("奈緒", "ナオ", "Nao"),
    ("真央", "マオ", "Mao"),
    ("孝之", "タカユキ", "Takayuki"),
    ("洋平", "ヨウヘイ", "Yohei"),
    ("恭子", "キョウコ", "Kyoko"),
    ("文子", "フミコ", "Fumiko"),
    ("勇気", "ユウキ", "Yuki"),
    ("晴美", "ハルミ", "Harumi"),
    ("紀子", "ノリコ", "Noriko"),
    ("功", "イサオ", "Isao"),
    ("英明", "ヒデアキ", "Hideaki"),
    ("雅人", "マサト", "Masato"),
]
# (display, romaji)
WIDE_CORES = [
    ("常盤", "tokiwa"),
    ("八雲", "yakumo"),
    ("浜風", "hamakaze"),
    ("芙蓉", "fuyo"),
    ("双葉", "futaba"),
    ("暁", "akatsuki"),
    ("千歳", "chitose"),
    ("三峰", "mitsumine"),
    ("蒼海", "sokai"),
    ("菫", "sumire"),
    ("朝霧", "asagiri"),
    ("白鷺", "shirasagi"),
    ("ハヤテ", "hayate"),
    ("アマネ", "amane"),
    ("ミソラ", "misora"),
    ("ユキシロ", "yukishiro"),
    ("リンドウ", "rindo"),
    ("カエデ", "kaede"),
    ("ホタル", "hotaru"),
    ("ニシキ", "nishiki"),
    ("ひなた", "hinata"),
    ("つむぎ", "tsumugi"),
    ("ことのは", "kotonoha"),
    ("いぶき", "ibuki"),
]
# (display, romaji or None when the English name always translates it, English)
WIDE_TYPES = [
    ("精工", "seiko", "Precision"),
    ("電設", "densetsu", "Electric Works"),
    ("機工", "kiko", "Machinery"),
    ("化成", "kasei", "Chemicals"),
    ("薬品", "yakuhin", "Pharmaceutical"),
    ("住建", "juken", "Homes"),
    ("倉庫", "soko", "Warehouse"),
    ("海運", "kaiun", "Shipping"),
    ("観光", "kanko", "Travel"),
    ("興産", "kosan", "Industries"),
    ("商会", "shokai", "Trading"),
    ("計装", "keiso", "Instruments"),
    ("製紙", "seishi", "Paper"),
    ("醸造", "jozo", "Brewing"),
    ("物流", "butsuryu", "Logistics"),
    ("情報システム", None, "Information Systems"),
    ("データサービス", None, "Data Services"),
    ("クリエイティブ", None, "Creative"),
    ("パートナーズ", None, "Partners"),
    ("エナジー", None, "Energy"),
    ("ロボティクス", None, "Robotics"),
    ("メディカル", None, "Medical"),
    ("ホールディングス", None, "Holdings"),
]
WIDE_SLUG = {  # domain words of the katakana business types
    "情報システム": "is",
    "データサービス": "data",
    "クリエイティブ": "creative",
    "パートナーズ": "partners",
    "エナジー": "energy",
    "ロボティクス": "robotics",
    "メディカル": "medical",
    "ホールディングス": "hd",
}
# associations: (region, romaji, English), (theme, romaji, English), forms
WIDE_ASSOC_REGION = [
    ("東北", "tohoku", "Tohoku"),
    ("信州", "shinshu", "Shinshu"),
    ("九州", "kyushu", "Kyushu"),
    ("四国", "shikoku", "Shikoku"),
    ("北陸", "hokuriku", "Hokuriku"),
    ("東海", "tokai", "Tokai"),
]
WIDE_ASSOC_THEME = [
    ("産業振興", "sangyo", "Industrial Promotion"),
    ("文化交流", "bunka", "Cultural Exchange"),
    ("水環境保全", "mizu", "Water Environment"),
    ("森林資源", "shinrin", "Forest Resources"),
    ("健康づくり", "kenko", "Health Promotion"),
    ("地域デジタル", "digital", "Regional Digital"),
]
# (form, suffix, English suffix)
WIDE_ASSOC_FORMS = [
    ("一般財団法人", "財団", "Foundation"),
    ("公益財団法人", "財団", "Foundation"),
    ("一般社団法人", "協会", "Association"),
    ("公益社団法人", "機構", "Organization"),
]
# professional firms: (form, name pattern, English pattern, titles, English titles)
WIDE_FIRMS = [
    (
        "税理士法人",
        "{}会計",
        "{} Tax Accountants",
        ["代表社員 税理士", "税理士", "社員税理士", "スタッフ"],
        ["Representative Partner", "Certified Tax Accountant", "Partner"],
    ),
    (
        "弁護士法人",
        "{}総合法律事務所",
        "{} Law Office",
        ["弁護士", "代表弁護士", "パートナー弁護士"],
        ["Attorney at Law", "Managing Partner", "Partner"],
    ),
    (
        "特許業務法人",
        "{}国際特許事務所",
        "{} IP Firm",
        ["弁理士", "所長 弁理士", "パートナー 弁理士"],
        ["Patent Attorney", "Managing Partner", "Partner, Patent Attorney"],
    ),
]

# Titles outside the dev vocabulary. Compound "<function><rank>" titles (営業部長, 開発課長 …);
# 事業 is left out on purpose: 営業部長 must not be read as 事業部長.
WIDE_TITLE_STEMS = [
    "営業",
    "開発",
    "人事",
    "経理",
    "総務",
    "技術",
    "製造",
    "品質管理",
    "購買",
    "設計",
    "生産管理",
    "法務",
    "財務",
    "情報システム",
    "海外営業",
    "第三営業",
    "システム開発",
    "物流",
]
WIDE_TITLE_RANKS = [
    "部長",
    "部長",
    "部長",
    "課長",
    "課長",
    "次長",
    "部長代理",
    "課長補佐",
    "グループ長",
]
WIDE_TITLE_OTHER_HEADS = [
    "企画室長",
    "広報室長",
    "秘書室長",
    "大阪支店長",
    "名古屋支店長",
    "横浜営業所長",
    "仙台営業所長",
    "つくば工場長",
    "研究所長",
    "物流センター長",
]
# katakana compounds: prefix -> roles it combines with
WIDE_KATA_TITLES = {
    "チーフ": [
        "マネージャー",
        "エンジニア",
        "デザイナー",
        "プランナー",
        "アーキテクト",
        "コンサルタント",
    ],
    "リード": ["エンジニア", "デザイナー", "アーキテクト", "プランナー"],
    "シニア": [
        "マネージャー",
        "エンジニア",
        "デザイナー",
        "プランナー",
        "アーキテクト",
        "コンサルタント",
    ],
    "テクニカル": ["マネージャー", "リーダー", "ディレクター", "アーキテクト", "コンサルタント"],
    "セールス": ["マネージャー", "エンジニア", "リーダー", "プランナー", "コンサルタント"],
    "プロダクト": ["マネージャー", "デザイナー", "オーナー"],
    "アカウント": ["マネージャー", "プランナー", "エグゼクティブ"],
    "クリエイティブ": ["ディレクター"],
    "データ": ["エンジニア", "アナリスト", "サイエンティスト"],
    "カスタマーサクセス": ["マネージャー", "リーダー"],
}
# an executive title with a C-level (or a function) after it, printed with a gap
WIDE_COMBINED_TITLES = [
    "代表取締役 CEO",
    "取締役 CFO",
    "取締役 CTO",
    "執行役員 CMO",
    "取締役副社長 COO",
    "代表取締役 兼 CEO",
    "取締役 兼 CIO",
    "執行役員 CDO",
    "取締役 営業本部長",
    "執行役員 開発部長",
    "常務取締役 管理本部長",
]
WIDE_EXEC_TITLES = [
    "代表取締役社長",
    "取締役会長",
    "専務執行役員",
    "常務執行役員",
    "代表取締役副社長",
    "監査役",
    "社長",
]
WIDE_LLC_TITLES = ["代表社員", "業務執行社員", "職務執行者"]
WIDE_PLAIN_TITLES = [
    "主任",
    "係長",
    "主査",
    "課長代理",
    "担当課長",
    "技師",
    "主任技師",
    "研究員",
    "アシスタント",
    "スタッフ",
]
WIDE_DEPTS = [
    "第三営業部",
    "デジタル推進室",
    "デジタル戦略部",
    "東日本営業部 第一課",
    "ソリューション事業本部 第三営業部",
    "経営管理本部 財務課",
    "サステナビリティ推進室",
    "カスタマーサポートセンター",
    "名古屋支店 営業課",
    "大阪営業所",
    "IR室",
    "プロダクト開発部",
    "クラウド事業部",
    "生産技術部 第一技術課",
    "海外営業本部 欧州営業課",
    "人事総務部",
    "設計開発センター",
    "品質管理部 検査課",
    "マーケティング本部 ブランド戦略課",
    "技術開発本部 先端技術研究所",
]
# a higher unit printed above a compound title (営業本部 / 第三営業部長)
WIDE_DIVISIONS = [
    "ソリューション事業本部",
    "東京本社",
    "経営管理本部",
    "技術統括本部",
    "首都圏営業本部",
    "西日本支社",
]
WIDE_ASSOC_TITLES = [
    "理事長",
    "専務理事",
    "常務理事",
    "事務局長",
    "事務局次長",
    "主任研究員",
    "コーディネーター",
]
WIDE_ASSOC_DEPTS = ["事務局", "調査研究部", "企画課", "総務課", "事業推進課"]

# English titles: a rank with its function after a comma, and plain ones
WIDE_EN_TITLES_FUNC = [
    "Director, Business Development",
    "Manager, Corporate Planning",
    "Senior Manager, Product Marketing",
    "Vice President, Global Sales",
    "General Manager, Osaka Branch",
    "Lead Engineer, Cloud Platform",
    "Manager, Human Resources",
    "Director, Research & Development",
    "Head of Sales, Asia Pacific",
    "Specialist, Customer Success",
    "Manager, Quality Assurance",
    "Senior Analyst, Finance",
]
WIDE_EN_TITLES = [
    "Chief Executive Officer",
    "Chief Financial Officer",
    "Chief Technology Officer",
    "Representative Director & CEO",
    "Representative Director, President",
    "Executive Officer",
    "Head of Engineering",
    "Sales Manager",
    "Project Manager",
    "Senior Consultant",
    "Account Executive",
    "UX Designer",
    "Technical Sales Engineer",
]
WIDE_EN_DEPTS = [
    "Global Sales Division",
    "Digital Strategy Office",
    "Osaka Branch",
    "Customer Support Center",
    "Tokyo R&D Center",
    "Investor Relations Office",
    "Cloud Business Unit",
    "Corporate Administration Division",
    "Sustainability Office",
    "Production Engineering Department",
]
WIDE_EN_ASSOC_TITLES = [
    "Secretary General",
    "Senior Researcher",
    "Executive Director",
    "Coordinator",
]

WIDE_TAGLINES = [
    "確かな技術を、次の世代へ。",
    "まちと暮らしを支える",
    "はたらく人に、やさしい道具を",
    "海と空と、物流と。",
]
WIDE_TAGLINES_EN = [
    "Engineering trust since 1962",
    "Moving what matters",
    "Tools for people who make things",
]

# (prefecture, English, city/ward, ward romaji, city romaji, [(town, romaji)], postal prefixes,
#  area code). Postal prefixes and area codes are the real ones; the other digits are random.
WIDE_LOCATIONS = [
    (
        "東京都",
        "Tokyo",
        "目黒区",
        "Meguro",
        None,
        [("自由が丘", "Jiyugaoka"), ("中目黒", "Nakameguro"), ("青葉台", "Aobadai")],
        ["152", "153"],
        "03",
    ),
    (
        "東京都",
        "Tokyo",
        "豊島区",
        "Toshima",
        None,
        [("東池袋", "Higashi-Ikebukuro"), ("南池袋", "Minami-Ikebukuro"), ("巣鴨", "Sugamo")],
        ["170", "171"],
        "03",
    ),
    (
        "東京都",
        "Tokyo",
        "新宿区",
        "Shinjuku",
        None,
        [("西新宿", "Nishi-Shinjuku"), ("新宿", "Shinjuku"), ("市谷本村町", "Ichigaya-Honmuracho")],
        ["160", "162"],
        "03",
    ),
    (
        "東京都",
        "Tokyo",
        "墨田区",
        "Sumida",
        None,
        [("錦糸", "Kinshi"), ("押上", "Oshiage"), ("両国", "Ryogoku")],
        ["130", "131"],
        "03",
    ),
    (
        "東京都",
        "Tokyo",
        "中野区",
        "Nakano",
        None,
        [("中野", "Nakano"), ("東中野", "Higashi-Nakano")],
        ["164"],
        "03",
    ),
    (
        "東京都",
        "Tokyo",
        "立川市",
        None,
        "Tachikawa",
        [("曙町", "Akebonocho"), ("柴崎町", "Shibasakicho"), ("錦町", "Nishikicho")],
        ["190"],
        "042",
    ),
    (
        "神奈川県",
        "Kanagawa",
        "横浜市中区",
        "Naka",
        "Yokohama",
        [("山下町", "Yamashitacho"), ("尾上町", "Onoecho"), ("海岸通", "Kaigandori")],
        ["231"],
        "045",
    ),
    (
        "神奈川県",
        "Kanagawa",
        "川崎市川崎区",
        "Kawasaki",
        "Kawasaki",
        [("駅前本町", "Ekimae-Honcho"), ("砂子", "Isago")],
        ["210"],
        "044",
    ),
    (
        "千葉県",
        "Chiba",
        "千葉市美浜区",
        "Mihama",
        "Chiba",
        [("中瀬", "Nakase"), ("ひび野", "Hibino")],
        ["261"],
        "043",
    ),
    (
        "千葉県",
        "Chiba",
        "船橋市",
        None,
        "Funabashi",
        [("本町", "Honcho"), ("湊町", "Minatocho")],
        ["273"],
        "047",
    ),
    (
        "栃木県",
        "Tochigi",
        "宇都宮市",
        None,
        "Utsunomiya",
        [("馬場通り", "Babadori"), ("本町", "Honcho")],
        ["320"],
        "028",
    ),
    (
        "群馬県",
        "Gunma",
        "高崎市",
        None,
        "Takasaki",
        [("八島町", "Yashimacho"), ("栄町", "Sakaecho")],
        ["370"],
        "027",
    ),
    (
        "茨城県",
        "Ibaraki",
        "水戸市",
        None,
        "Mito",
        [("南町", "Minamimachi"), ("宮町", "Miyamachi")],
        ["310"],
        "029",
    ),
    (
        "富山県",
        "Toyama",
        "富山市",
        None,
        "Toyama",
        [("新桜町", "Shinsakuramachi"), ("桜町", "Sakuramachi")],
        ["930"],
        "076",
    ),
    (
        "福井県",
        "Fukui",
        "福井市",
        None,
        "Fukui",
        [("大手", "Ote"), ("中央", "Chuo")],
        ["910"],
        "0776",
    ),
    (
        "岐阜県",
        "Gifu",
        "岐阜市",
        None,
        "Gifu",
        [("神田町", "Kandamachi"), ("橋本町", "Hashimotocho")],
        ["500"],
        "058",
    ),
    (
        "滋賀県",
        "Shiga",
        "大津市",
        None,
        "Otsu",
        [("浜大津", "Hamaotsu"), ("京町", "Kyomachi")],
        ["520"],
        "077",
    ),
    (
        "奈良県",
        "Nara",
        "奈良市",
        None,
        "Nara",
        [("三条本町", "Sanjo-Honmachi"), ("大宮町", "Omiyacho")],
        ["630"],
        "0742",
    ),
    (
        "大阪府",
        "Osaka",
        "堺市堺区",
        "Sakai",
        "Sakai",
        [("南瓦町", "Minamikawaramachi"), ("戎島町", "Ebisujimacho")],
        ["590"],
        "072",
    ),
    (
        "兵庫県",
        "Hyogo",
        "姫路市",
        None,
        "Himeji",
        [("駅前町", "Ekimaecho"), ("西駅前町", "Nishi-Ekimaecho")],
        ["670"],
        "079",
    ),
    (
        "島根県",
        "Shimane",
        "松江市",
        None,
        "Matsue",
        [("朝日町", "Asahimachi"), ("殿町", "Tonomachi")],
        ["690"],
        "0852",
    ),
    (
        "香川県",
        "Kagawa",
        "高松市",
        None,
        "Takamatsu",
        [("番町", "Bancho"), ("寿町", "Kotobukicho")],
        ["760"],
        "087",
    ),
    (
        "愛媛県",
        "Ehime",
        "松山市",
        None,
        "Matsuyama",
        [("一番町", "Ichibancho"), ("大街道", "Okaido")],
        ["790"],
        "089",
    ),
    (
        "福岡県",
        "Fukuoka",
        "北九州市小倉北区",
        "Kokurakita",
        "Kitakyushu",
        [("浅野", "Asano"), ("京町", "Kyomachi"), ("魚町", "Uomachi")],
        ["802"],
        "093",
    ),
    (
        "長崎県",
        "Nagasaki",
        "長崎市",
        None,
        "Nagasaki",
        [("大黒町", "Daikokumachi"), ("出島町", "Dejimamachi")],
        ["850"],
        "095",
    ),
    (
        "大分県",
        "Oita",
        "大分市",
        None,
        "Oita",
        [("府内町", "Funaimachi"), ("中央町", "Chuomachi")],
        ["870"],
        "097",
    ),
    (
        "鹿児島県",
        "Kagoshima",
        "鹿児島市",
        None,
        "Kagoshima",
        [("東千石町", "Higashisengokucho"), ("中央町", "Chuocho")],
        ["892", "890"],
        "099",
    ),
    (
        "岩手県",
        "Iwate",
        "盛岡市",
        None,
        "Morioka",
        [("大通", "Odori"), ("中央通", "Chuodori")],
        ["020"],
        "019",
    ),
    (
        "秋田県",
        "Akita",
        "秋田市",
        None,
        "Akita",
        [("中通", "Nakadori"), ("大町", "Omachi")],
        ["010"],
        "018",
    ),
    (
        "福島県",
        "Fukushima",
        "郡山市",
        None,
        "Koriyama",
        [("駅前", "Ekimae"), ("中町", "Nakamachi")],
        ["963"],
        "024",
    ),
]
WIDE_BLDG = [
    "パークサイド",
    "リバーサイド",
    "グランド",
    "ステーション",
    "常盤",
    "第2八雲",
    "みなと",
    "さくら通り",
    "ヒルトップ",
    "中央",
]
WIDE_BLDG_EN = [
    "Parkside",
    "Riverside",
    "Grand",
    "Station",
    "Tokiwa",
    "No.2 Yakumo",
    "Minato",
    "Sakuradori",
    "Hilltop",
    "Chuo",
]
WIDE_BLDG_KIND = [
    ("ビル", "Bldg."),
    ("ビル", "Bldg."),
    ("タワー", "Tower"),
    ("スクエア", "Square"),
    ("プラザ", "Plaza"),
    ("ビルディング", "Building"),
    ("会館", "Kaikan"),
]

# Label schemes: (tel, fax, mobile, separator between numbers on one line). "icon" draws
# pictograms in small discs instead of words.
WIDE_PHONE_LABELS = [
    ("TEL ", "FAX ", "携帯 ", " / "),
    ("TEL：", "FAX：", "携帯：", "　"),
    ("T: ", "F: ", "M: ", "   "),
    ("Tel. ", "Fax. ", "Mobile ", " ／ "),
    ("☎ ", "FAX ", "携帯 ", "　"),
    ("TEL.", "FAX.", "M.", " / "),
    ("T ", "F ", "M ", "   "),
    ("電話：", "FAX：", "携帯：", "　"),
    ("Tel ", "Fax ", "Mobile ", " | "),
    ("TEL/", "FAX/", "携帯/", "  "),
    ("icon", "icon", "icon", "   "),
]
WIDE_EMAIL_LABELS = [
    "",
    "",
    "E-mail ",
    "E-mail：",
    "Mail ",
    "mail: ",
    "✉",
    "Email ",
    "icon",
    "メール：",
]
WIDE_URL_LABELS = ["", "", "URL ", "Web：", "HP ", "icon"]
WIDE_PHONE_LABELS_EN = [
    ("Tel: ", "Fax: ", "Mobile: ", "   "),
    ("T: ", "F: ", "M: ", "   "),
    ("T ", "F ", "M ", "  |  "),
    ("Tel. ", "Fax. ", "Mobile ", " / "),
    ("☎ ", "Fax ", "Mobile ", "   "),
    ("Phone ", "Fax ", "Cell ", "   "),
    ("Direct: ", "Fax: ", "Mobile: ", " / "),
    ("Office ", "Fax ", "Mobile ", " / "),
    ("icon", "icon", "icon", "   "),
]
WIDE_EMAIL_LABELS_EN = ["", "E-mail: ", "Email ", "Mail: ", "✉", "icon"]
WIDE_URL_LABELS_EN = ["", "Web: ", "URL ", "icon"]

# fonts: family -> (regular, bold or None); "file#n" is face n of a collection (5 = Noto Sans
# Mono CJK JP). Rounded and brush names are drawn from these (see wide_effect): no rounded or
# brush font is among the packages this generator relies on.
WIDE_FONTS = {
    "noto_sans": ("NotoSansCJK-Regular.ttc", "NotoSansCJK-Bold.ttc"),
    "noto_serif": ("NotoSerifCJK-Regular.ttc", "NotoSerifCJK-Bold.ttc"),
    "noto_mono": ("NotoSansCJK-Regular.ttc#5", "NotoSansCJK-Bold.ttc#5"),
    "ipa_pgothic": ("ipagp.ttf", None),
    "ipa_pmincho": ("ipamp.ttf", None),
    "ipa_gothic": ("ipag.ttf", None),
    "ipa_mincho": ("ipam.ttf", None),
}
WIDE_FONT_WEIGHTS = [0.26, 0.18, 0.1, 0.14, 0.12, 0.1, 0.1]


class WideFonts:
    """Like Fonts, for WIDE_FONTS, with a face index after '#'."""

    def __init__(self) -> None:
        wanted = {f.split("#")[0] for pair in WIDE_FONTS.values() for f in pair if f}
        extra = os.environ.get("MEISHI_FONT_DIR")
        dirs = ([extra] if extra else []) + FONT_SEARCH_DIRS
        self.paths: dict[str, str] = {}
        for d in dirs:
            for root, _dirs, files in sorted(os.walk(d)):
                for f in sorted(files):
                    if f in wanted and f not in self.paths:
                        self.paths[f] = os.path.join(root, f)
        missing = sorted(wanted - set(self.paths))
        if missing:
            sys.exit(
                f"missing fonts {missing}: install fonts-noto-cjk fonts-ipafont-gothic "
                f"fonts-ipafont-mincho (or point MEISHI_FONT_DIR at them)"
            )
        self.cache: dict[tuple[str, int], ImageFont.FreeTypeFont] = {}

    def get(self, spec: str, px: float) -> ImageFont.FreeTypeFont:
        key = (spec, int(round(px)))
        if key not in self.cache:
            if len(self.cache) >= 48:  # every size of a CJK face holds its own glyph cache
                self.cache.clear()
            name, _, idx = spec.partition("#")
            self.cache[key] = ImageFont.truetype(
                self.paths[name], key[1], index=int(idx or 0), layout_engine=ImageFont.Layout.BASIC
            )
        return self.cache[key]


@dataclass
class WideCard(CardData):
    form: str | None = None  # legal form (株式会社 …) when it can be set on its own line
    form_pos: str = "pre"  # "pre": 株式会社ミナト精工, "post": ミナト精工株式会社
    core_name: str = ""  # the company name without the legal form
    tags: list = field(default_factory=list)  # features of the content (see README)


def wide_phone(rng: random.Random, area: str, tries: int = 60) -> str:
    """A landline with ``area`` as its area code, in the national format phonenumbers prints
    (so the grouping is the real one), valid per phonenumbers."""
    import phonenumbers

    for _ in range(tries):
        sub = str(rng.randint(2, 9)) + _digits(rng, 9 - len(area))
        n = phonenumbers.parse(area + sub, "JP")
        if phonenumbers.is_valid_number(n):
            f = phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.NATIONAL)
            if f.startswith(area + "-"):
                return f
    raise RuntimeError(f"no valid number for area code {area}")


def wide_fax(rng: random.Random, tel: str) -> str:
    import phonenumbers

    head, line = tel.rsplit("-", 1)
    for _ in range(40):
        cand = f"{head}-{(int(line) + rng.choice([1, 1, 2, 9, 10, 100])) % 10000:04d}"
        n = phonenumbers.parse(cand, "JP")
        if (
            cand != tel
            and phonenumbers.is_valid_number(n)
            and phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.NATIONAL) == cand
        ):
            return cand
    return wide_phone(rng, head.split("-")[0])


def wide_mobile(rng: random.Random) -> str:
    return f"{rng.choice(['090', '090', '080', '080', '070'])}-{rng.randint(1, 9)}{_digits(rng, 3)}-{_digits(rng, 4)}"


def wide_company(rng: random.Random, english: bool) -> dict:
    """An invented company: its printed name (Japanese, or English on English cards), the legal
    form and its position, the domain and the kind (corp, llc, assoc, firm)."""
    core, core_r = rng.choice(WIDE_CORES)
    btype, btype_r, btype_en = rng.choice(WIDE_TYPES)
    r = rng.random()
    if r < 0.09:
        (rg, rg_r, rg_en), (th, th_r, th_en) = (
            rng.choice(WIDE_ASSOC_REGION),
            rng.choice(WIDE_ASSOC_THEME),
        )
        form, suffix, suffix_en = rng.choice(WIDE_ASSOC_FORMS)
        core_name = f"{rg}{th}{suffix}"
        return dict(
            name=f"{rg_en} {th_en} {suffix_en}" if english else form + core_name,
            form=form,
            form_pos="pre",
            core_name=core_name,
            kind="assoc",
            slug=f"{rg_r}-{th_r}",
            tld=rng.choice([".or.jp", ".or.jp", ".jp"]),
            letter=rg_r[0].upper(),
            core=rg[0],
        )
    if r < 0.15:
        firm = rng.choice(WIDE_FIRMS)
        core_name = firm[1].format(core)
        return dict(
            name=firm[2].format(core_r.capitalize()) if english else firm[0] + core_name,
            form=firm[0],
            form_pos="pre",
            core_name=core_name,
            kind="firm",
            firm=firm,
            slug=f"{core_r}-{('tax', 'law', 'ip')[WIDE_FIRMS.index(firm)]}",
            tld=rng.choice([".jp", ".com", ".or.jp"]),
            letter=core_r[0].upper(),
            core=core[0],
        )
    kind, form = (
        ("llc", "合同会社")
        if r < 0.24
        else (("corp", "有限会社") if r < 0.29 else ("corp", "株式会社"))
    )
    slug_word = btype_r or WIDE_SLUG[btype]
    slug = rng.choice(
        [f"{core_r}-{slug_word}", f"{core_r}{slug_word}", f"{core_r}-{slug_word}", core_r]
    )
    if english:
        romanised = btype_r is not None and rng.random() < 0.5
        word = btype_r.capitalize() if romanised else btype_en
        forms = {"合同会社": ["LLC", "G.K."], "有限会社": ["Co., Ltd.", "Ltd."]}.get(
            form, ["Co., Ltd.", "Co., Ltd.", "K.K.", "Inc.", "Inc.", "Corporation"]
        )
        name = f"{core_r.capitalize()} {word} {rng.choice(forms)}"
        if rng.random() < 0.25:
            name = name.upper()
        if not romanised and rng.random() < 0.5:
            slug = f"{core_r}-{btype_en.split()[0].lower()}"
        return dict(
            name=name,
            form=None,
            form_pos="pre",
            core_name=name,
            kind=kind,
            slug=slug,
            tld=rng.choice([".co.jp", ".co.jp", ".com", ".jp"]),
            letter=core_r[0].upper(),
            core=core[0],
        )
    pos = "pre" if rng.random() < 0.5 else "post"
    core_name = f"{core}{btype}"
    return dict(
        name=form + core_name if pos == "pre" else core_name + form,
        form=form,
        form_pos=pos,
        core_name=core_name,
        kind=kind,
        slug=slug,
        tld=rng.choice(
            [".co.jp", ".co.jp", ".co.jp", ".jp", ".com", ".tokyo"]
            if kind == "corp"
            else [".jp", ".com", ".co.jp"]
        ),
        letter=core_r[0].upper(),
        core=core[0],
    )


def wide_role(rng: random.Random, comp: dict, english: bool) -> tuple[str | None, str | None, str]:
    """(title, department, tag). Tags: title_compound, title_katakana, title_combined,
    title_exec, title_plain, title_en_function, title_en, none."""
    kind = comp["kind"]
    if english:
        if kind == "assoc":
            return rng.choice(WIDE_EN_ASSOC_TITLES), None, "title_en"
        if kind == "firm":
            return rng.choice(comp["firm"][4]), None, "title_en"
        r = rng.random()
        if r < 0.08:
            return None, rng.choice(WIDE_EN_DEPTS), "none"
        if r < 0.55:
            dept = rng.choice(WIDE_EN_DEPTS) if rng.random() < 0.25 else None
            return rng.choice(WIDE_EN_TITLES_FUNC), dept, "title_en_function"
        t = rng.choice(WIDE_EN_TITLES)
        dept = (
            None
            if ("Chief" in t or "Director" in t or rng.random() < 0.4)
            else rng.choice(WIDE_EN_DEPTS)
        )
        return t, dept, "title_en"
    if kind == "assoc":
        return (
            rng.choice(WIDE_ASSOC_TITLES),
            (rng.choice(WIDE_ASSOC_DEPTS) if rng.random() < 0.6 else None),
            "title_plain",
        )
    if kind == "firm":
        return rng.choice(comp["firm"][3]), None, "title_plain"
    r = rng.random()
    if r < 0.07:
        return None, rng.choice(WIDE_DEPTS), "none"
    if r < 0.42:
        if rng.random() < 0.8:
            title = rng.choice(WIDE_TITLE_STEMS) + rng.choice(WIDE_TITLE_RANKS)
            div = rng.choice(WIDE_DIVISIONS) if rng.random() < 0.35 else None
        else:
            title, div = rng.choice(WIDE_TITLE_OTHER_HEADS), None
        return title, div, "title_compound"
    if r < 0.68:
        pre = rng.choice(list(WIDE_KATA_TITLES))
        role = rng.choice(WIDE_KATA_TITLES[pre])
        if role == "マネージャー" and rng.random() < 0.25:
            role = "マネジャー"
        return (
            pre + role,
            (rng.choice(WIDE_DEPTS) if rng.random() < 0.7 else None),
            "title_katakana",
        )
    if r < 0.82:
        return rng.choice(WIDE_COMBINED_TITLES), None, "title_combined"
    if r < 0.9:
        t = rng.choice(WIDE_LLC_TITLES if kind == "llc" else WIDE_EXEC_TITLES)
        return t, None, "title_exec"
    return rng.choice(WIDE_PLAIN_TITLES), rng.choice(WIDE_DEPTS), "title_plain"


def wide_address_ja(rng: random.Random, loc) -> tuple[str, str | None, str, list]:
    """(address line, building or None, postal code, tags)."""
    pref, _pe, city, _w, _c, towns, postals, _area = loc
    town = rng.choice(towns)[0]
    a, b, c = rng.randint(1, 6), rng.randint(1, 30), rng.randint(1, 25)
    f = rng.random()
    tags = []
    if f < 0.45:
        block = f"{a}-{b}-{c}"
    elif f < 0.6:
        block = f"{a}-{b}"
    elif f < 0.8:
        block = f"{a}丁目{b}-{c}"
    else:
        block = f"{a}丁目{b}番{c}号"
        tags.append("address_banchi_go")
    omit = "市" in city and city.endswith("区") and rng.random() < 0.3
    line = f"{'' if omit else pref}{city}{town}{block}"
    building = None
    if rng.random() < 0.6:
        name = rng.choice(WIDE_BLDG) + rng.choice(WIDE_BLDG_KIND)[0]
        fl = rng.randint(2, 14)
        g = rng.random()
        if g < 0.35:
            building = f"{name}{fl}F"
        elif g < 0.6:
            building = f"{name} {fl}F"
        elif g < 0.8:
            building = f"{name}{fl}階"
        else:
            building = f"{name} {fl}0{rng.randint(1, 9)}号室"
    return line, building, f"{rng.choice(postals)}-{_digits(rng, 4)}", tags


def wide_address_en(rng: random.Random, loc) -> tuple[list, str, str, list]:
    """Printed parts of a Western-order address, its truth (no postal code), the postal code
    and tags: ``5F, 1-2-3 Nishi-Shinjuku, Shinjuku-ku, Tokyo 160-0023``."""
    _p, pref_en, _city, ward, city_en, towns, postals, _area = loc
    town_en = rng.choice(towns)[1]
    a, b, c = rng.randint(1, 6), rng.randint(1, 30), rng.randint(1, 25)
    block = f"{a}-{b}-{c}" if rng.random() < 0.7 else f"{a}-{b}"
    street = f"{block} {town_en}"
    fl = rng.randint(2, 14)
    f = rng.random()
    tags = ["en_western_address"]
    if f < 0.35:
        parts = [f"{fl}F", street]
        tags.append("en_floor_first")
    elif f < 0.55:
        i = rng.randrange(len(WIDE_BLDG_EN))
        parts = [f"{WIDE_BLDG_EN[i]} {rng.choice(WIDE_BLDG_KIND)[1]} {fl}F", street]
    elif f < 0.7:
        i = rng.randrange(len(WIDE_BLDG_EN))
        parts = [f"{_ordinal(fl)} Floor, {WIDE_BLDG_EN[i]} {rng.choice(WIDE_BLDG_KIND)[1]}", street]
    else:
        parts = [street]
    locality = []
    if ward:
        locality.append(f"{ward}-ku")
        if city_en:
            locality.append(rng.choice([city_en, city_en, f"{city_en}-shi"]))
    elif city_en:
        locality.append(rng.choice([city_en, f"{city_en}-shi", f"{city_en}-shi"]))
    postal = f"{rng.choice(postals)}-{_digits(rng, 4)}"
    tail = ["Japan"] if rng.random() < 0.4 else []
    printed = parts + locality + [f"{pref_en} {postal}"] + tail
    truth = ", ".join(parts + locality + [pref_en] + tail)
    return printed, truth, postal, tags


def wide_card_data(rng: random.Random, english: bool, vertical: bool) -> WideCard:
    fam, giv = rng.choice(WIDE_SURNAMES), rng.choice(WIDE_GIVEN)
    for _ in range(50):
        comp = wide_company(rng, english)
        if not vertical or len(comp["slug"]) + len(comp["tld"]) <= 18:
            break
    loc = rng.choice(WIDE_LOCATIONS)
    title, dept, title_tag = wide_role(rng, comp, english)
    tags = [title_tag] if title_tag != "none" else []
    fr, gr = fam[2].lower(), giv[2].lower()

    address = postal = address1 = building = None
    parts = None
    if rng.random() < 0.93:
        if english:
            parts, address, postal, t = wide_address_en(rng, loc)
        else:
            address1, building, postal, t = wide_address_ja(rng, loc)
            address = f"{address1} {building}" if building else address1
        tags += t

    tel = fax = None
    r = rng.random()
    if r < 0.04:
        tel = f"0120-{rng.randint(1, 9)}{_digits(rng, 2)}-{_digits(rng, 3)}"
    elif r < 0.07:
        tel = f"050-{rng.randint(1, 9)}{_digits(rng, 3)}-{_digits(rng, 4)}"
    elif r < 0.96:
        tel = wide_phone(rng, loc[7])
    if tel and rng.random() < 0.7:
        fax = wide_fax(rng, tel) if not tel.startswith(("0120", "050")) else wide_phone(rng, loc[7])
    mobile = wide_mobile(rng) if (tel is None or rng.random() < 0.5) else None
    printed = {}
    if english:
        style = rng.choice(["dash", "dash", "space", "paren", "national"])
        if style != "national":
            printed = {
                k: international(v, style)
                for k, v in (("tel", tel), ("fax", fax), ("mobile", mobile))
                if v and not v.startswith("0120")
            }

    domain = comp["slug"] + comp["tld"]
    email = None
    if rng.random() < 0.95:
        locals_ = [
            f"{gr[0]}.{fr}",
            f"{fr}.{gr[0]}",
            f"{gr}-{fr}",
            f"{fr}{gr[0]}",
            f"{gr}",
            f"{fr}_{gr}",
            f"{fr}.{gr}",
            f"{gr[0]}-{fr}",
        ]
        if vertical:
            locals_ = [lp for lp in locals_ if len(lp) + len(domain) <= 26] or [fr[:8]]
        email = f"{rng.choice(locals_)}@{domain}"
    url = None
    if rng.random() < 0.6:
        forms = [
            f"https://www.{domain}",
            f"www.{domain}",
            f"https://{domain}/",
            f"https://www.{domain}/",
        ]
        if vertical:
            forms = [u for u in forms if len(u) <= 30] or [f"www.{domain}"]
        url = rng.choice(forms)

    if english:
        fmt = rng.choice(["GF", "GF", "GF", "GF_caps", "ALL"])
        name_roman = roman_name(fam[2], giv[2], fmt)
        name = name_kana = None
    else:
        fmt = rng.choice(["GF", "GF", "FG_caps", "ALL", "FG"])
        name_roman = (
            roman_name(fam[2], giv[2], fmt) if rng.random() < (0.25 if vertical else 0.4) else None
        )
        name = f"{fam[0]} {giv[0]}"
        name_kana = f"{fam[1]} {giv[1]}" if rng.random() < 0.45 else None
    fields = {
        "name": name,
        "name_kana": name_kana,
        "name_roman": name_roman,
        "company": comp["name"],
        "department": dept,
        "title": title,
        "postal_code": postal,
        "address": address,
        "tel": tel,
        "fax": fax,
        "mobile": mobile,
        "email": email,
        "url": url,
    }
    return WideCard(
        fields=fields,
        family=fam,
        given=giv,
        company_core=comp["core"],
        company_letter=comp["letter"],
        company_en_line=None,
        address1=address1,
        building=building,
        postal=postal,
        roman_caps=fmt == "ALL",
        lang="en" if english else "ja",
        printed=printed,
        addr_parts=parts,
        form=comp["form"],
        form_pos=comp["form_pos"],
        core_name=comp["core_name"],
        tags=tags,
    )


@dataclass
class WideStyle:
    body_family: str
    name_family: str
    name_bold: bool
    company_bold: bool
    name_effect: str | None  # None, "rounded" or "brush"
    effect_seed: int
    paper: tuple
    ink: tuple
    accent: tuple
    name_mm: float
    company_mm: float
    form_ratio: float
    dept_mm: float
    detail_mm: float
    small_mm: float
    margin_mm: float
    lh: float
    name_style: str  # nospace, tracked, gap, fullwidth
    name_track: float
    name_gap: float
    kana_above: bool
    kana_tracked: bool
    legal_line: bool
    postal_prefix: str
    addr_pref: int
    phones: tuple
    tel_fax_join: bool
    phones_all_one: bool
    mobile_first: bool
    email_label: str
    url_label: str
    web_same_line: bool
    label_accent: bool
    role_one_line: bool
    title_first: bool
    logo: str | None
    tagline: str | None
    contact_align: str
    phones_first: bool
    # tategaki
    v_dash: str
    v_tcy: bool
    v_tel_label: str
    v_postal_own_col: bool
    v_join_tel_fax: bool
    v_name_offset: float
    v_band: bool
    v_contacts_bottom: bool
    v_email_label: str
    v_contact_offset: float  # where top-aligned contact columns start (share of the height)

    def name_file(self) -> str:
        reg, bold = WIDE_FONTS[self.name_family]
        return (bold or reg) if self.name_bold else reg

    def body_file(self, bold: bool = False) -> str:
        reg, b = WIDE_FONTS[self.body_family]
        return (b or reg) if bold else reg


def wide_style(rng: random.Random, english: bool, vertical: bool) -> WideStyle:
    body = rng.choices(list(WIDE_FONTS), weights=WIDE_FONT_WEIGHTS)[0]
    name_family = (
        body if rng.random() < 0.6 else rng.choices(list(WIDE_FONTS), weights=WIDE_FONT_WEIGHTS)[0]
    )
    e = rng.random()
    effect = "rounded" if e < 0.1 else ("brush" if (e < 0.2 and not english) else None)
    if effect == "rounded":
        name_family = rng.choice(["noto_sans", "noto_sans", "ipa_pgothic"])
    elif effect == "brush":
        name_family = rng.choice(["noto_serif", "ipa_mincho", "ipa_pmincho"])
    has_bold = WIDE_FONTS[name_family][1] is not None and effect != "brush"
    phones = rng.choice(WIDE_PHONE_LABELS_EN if english else WIDE_PHONE_LABELS)
    return WideStyle(
        body_family=body,
        name_family=name_family,
        name_bold=rng.random() < (0.55 if has_bold else (0.0 if effect else 0.3)),
        company_bold=rng.random() < 0.5,
        name_effect=effect,
        effect_seed=rng.randrange(1 << 30),
        paper=rng.choice(PAPERS),
        ink=rng.choice(INKS),
        accent=rng.choice(ACCENTS),
        name_mm=rng.uniform(6.0, 7.6) * (0.8 if english else 1.0),
        company_mm=rng.uniform(3.4, 4.2),
        form_ratio=rng.uniform(0.55, 0.7),
        dept_mm=rng.uniform(2.8, 3.2),
        detail_mm=rng.uniform(2.5, 2.85),
        small_mm=rng.uniform(2.5, 2.8),
        margin_mm=rng.uniform(4.0, 5.5),
        lh=rng.uniform(1.3, 1.5),
        name_style=rng.choices(
            ["nospace", "tracked", "gap", "fullwidth"], weights=[0.35, 0.25, 0.25, 0.15]
        )[0],
        name_track=rng.uniform(0.2, 0.6),
        name_gap=rng.uniform(0.4, 1.0),
        kana_above=rng.random() < 0.6,
        kana_tracked=rng.random() < 0.3,
        legal_line=rng.random() < 0.4,
        postal_prefix=rng.choice(["〒", "〒", "〒", "〒 ", "", "本社 〒"]),
        addr_pref=rng.randrange(4),
        phones=phones,
        tel_fax_join=rng.random() < 0.7,
        phones_all_one=rng.random() < 0.3,
        mobile_first=rng.random() < 0.15,
        email_label=rng.choice(WIDE_EMAIL_LABELS_EN if english else WIDE_EMAIL_LABELS),
        url_label=rng.choice(WIDE_URL_LABELS_EN if english else WIDE_URL_LABELS),
        web_same_line=rng.random() < 0.3,
        label_accent=rng.random() < 0.4,
        role_one_line=rng.random() < 0.5,
        title_first=english and rng.random() < 0.7,
        logo=rng.choice([None, None, "ring", "square", "tri", "wave", "hex"]),
        tagline=(
            rng.choice(WIDE_TAGLINES_EN if english else WIDE_TAGLINES)
            if rng.random() < 0.25
            else None
        ),
        contact_align=rng.choice(["l", "r"]),
        phones_first=rng.random() < 0.2,
        v_dash=rng.choice(["bar", "bar", "turned"]),
        v_tcy=rng.random() < 0.5,
        v_tel_label=rng.choice(["kanji", "side", "upright"]),
        v_postal_own_col=rng.random() < 0.5,
        v_join_tel_fax=rng.random() < 0.5,
        v_name_offset=rng.uniform(0.08, 0.3),
        v_band=rng.random() < 0.3,
        v_contacts_bottom=rng.random() < 0.35,
        v_email_label=rng.choice(["", "", "side", "icon", "kanji"]),
        v_contact_offset=rng.uniform(0.0, 0.3),
    )


@dataclass
class Icon:
    """A pictogram used as a label: "mail" (✉ drawn as an outline), or "<kind>_c" (a white
    pictogram in a filled disc: tel, fax, mobile, mail, web)."""

    kind: str
    size: float
    fill: tuple
    font: ImageFont.FreeTypeFont | None = None  # for ☎
    fg: tuple = (255, 255, 255)
    after: float = 0.0

    @property
    def width(self) -> float:
        return self.size * (1.0 if self.kind.endswith("_c") else 1.05) + self.after


def _item_width(it) -> float:
    return it.width if isinstance(it, Icon) else seg_width(it)


@dataclass
class WLine:
    segs: list
    effect: str | None = None
    seed: int = 0

    @property
    def size(self) -> float:
        return max(it.size if isinstance(it, Icon) else it.font.size for it in self.segs)

    @property
    def width(self) -> float:
        return sum(_item_width(it) for it in self.segs) - self.segs[-1].after


def w_height(lines: list, lh: float) -> float:
    return sum(ln if isinstance(ln, (int, float)) else ln.size * lh for ln in lines)


def w_width(lines: list) -> float:
    return max((ln.width for ln in lines if not isinstance(ln, (int, float))), default=0.0)


def draw_icon(cv: Canvas, x: float, base: float, ic: Icon):
    s = ic.size
    dr = cv.draw
    cy = base - s * 0.36
    lw = max(2, int(round(s * 0.075)))
    if ic.kind.endswith("_c"):
        r = s * 0.47
        cx = x + s * 0.5
        dr.ellipse([cx - r, cy - r, cx + r, cy + r], fill=ic.fill)
        fg, k, kind = ic.fg, r * 1.25, ic.kind[:-2]
    else:
        cx = x + s * 0.5
        fg, k, kind = ic.fill, s * 0.95, ic.kind
    if kind == "mail":
        w, h = k * 0.78, k * 0.52
        dr.rectangle([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], outline=fg, width=lw)
        dr.line(
            [(cx - w / 2, cy - h / 2), (cx, cy + h * 0.08), (cx + w / 2, cy - h / 2)],
            fill=fg,
            width=lw,
        )
    elif kind == "tel":
        f = ic.font.font_variant(size=max(8, int(k * 0.62)))
        dr.text((cx, cy), "☎", font=f, fill=fg, anchor="mm")
    elif kind == "mobile":
        w, h = k * 0.38, k * 0.68
        dr.rounded_rectangle(
            [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], radius=w * 0.2, outline=fg, width=lw
        )
        dr.ellipse([cx - lw, cy + h / 2 - 3 * lw, cx + lw, cy + h / 2 - lw], fill=fg)
    elif kind == "fax":
        w, h = k * 0.7, k * 0.36
        dr.rectangle(
            [cx - w * 0.3, cy - h * 1.05, cx + w * 0.3, cy - h * 0.3], outline=fg, width=lw
        )
        dr.rectangle([cx - w / 2, cy - h * 0.3, cx + w / 2, cy + h * 0.7], fill=fg)
    elif kind == "web":
        r2 = k * 0.36
        dr.ellipse([cx - r2, cy - r2, cx + r2, cy + r2], outline=fg, width=lw)
        dr.ellipse(
            [cx - r2 * 0.45, cy - r2, cx + r2 * 0.45, cy + r2], outline=fg, width=max(1, lw - 1)
        )
        dr.line([(cx - r2, cy), (cx + r2, cy)], fill=fg, width=max(1, lw - 1))
    w = ic.width - ic.after
    return x + ic.width, (int(x), int(cy - s * 0.5), int(x + w), int(cy + s * 0.5))


def wide_effect(mask: np.ndarray, effect: str, size: float, seed: int) -> np.ndarray:
    """Turn a name drawn in an installed font into a rounded (maru gothic-like) or a brush-like
    one. ``mask`` is float 0..1; returns the new coverage."""
    g = np.random.default_rng(seed)
    h, w = mask.shape
    if effect == "rounded":  # blur and threshold: every corner and stroke end turns round
        b = cv2.GaussianBlur(mask, (0, 0), max(1.2, size * 0.033))
        return np.clip((b - 0.42) / 0.12 + 0.5, 0, 1)
    # brush: draw the strokes again with a slanted flat nib whose width follows a slowly
    # varying "pressure", round the tips, roughen the edges, leave a few lighter dry streaks
    ang = math.radians(g.uniform(35, 55))

    def nib(length: float, width: int) -> np.ndarray:
        n = int(length) + 4
        k = np.zeros((n, n), np.uint8)
        c = n / 2
        dx, dy = math.cos(ang) * length / 2, math.sin(ang) * length / 2
        cv2.line(
            k,
            (int(round(c - dx)), int(round(c + dy))),
            (int(round(c + dx)), int(round(c - dy))),
            1,
            width,
        )
        return k

    m8 = (mask > 0.5).astype(np.uint8)
    big = cv2.dilate(m8, nib(size * 0.08, max(2, int(size * 0.02))))
    small = cv2.dilate(m8, nib(size * 0.025, 1))
    press = lowfreq(g, h, w, max(8, int(size * 0.35)))
    out = np.where(press > 0.0, big, small).astype(np.float32)
    out = cv2.GaussianBlur(out, (0, 0), max(1.0, size * 0.025))
    out = np.clip((out - 0.4) / 0.2, 0, 1)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    amp = size * 0.009
    cell = max(4, int(size * 0.13))
    out = cv2.remap(
        out, xx + lowfreq(g, h, w, cell) * amp, yy + lowfreq(g, h, w, cell) * amp, cv2.INTER_LINEAR
    )
    st = cv2.resize(g.standard_normal((max(2, h // 2), max(2, w // 14))).astype(np.float32), (w, h))
    out *= np.where(st > 1.5, 0.72, 1.0).astype(np.float32)
    return np.clip(out, 0, 1)


def effect_paste(cv: Canvas, tmp: Image.Image, bb, effect: str, size: float, seed: int, fill):
    """Reshape the white text drawn on black in ``tmp`` inside ``bb`` (wide_effect) and paint
    ``fill`` through it onto the card. Returns the new bounding box."""
    pad = int(size * 0.3)
    x1, y1 = max(0, int(bb[0]) - pad), max(0, int(bb[1]) - pad)
    x2, y2 = min(cv.w, int(bb[2]) + pad), min(cv.h, int(bb[3]) + pad)
    m = np.asarray(tmp)[y1:y2, x1:x2, 0].astype(np.float32) / 255
    m = wide_effect(m, effect, size, seed)
    cv.img.paste(fill, (x1, y1, x2, y2), Image.fromarray(np.clip(m * 255, 0, 255).astype(np.uint8)))
    ys, xs = np.nonzero(m > 0.15)
    if not len(xs):
        return None
    return (x1 + xs.min(), y1 + ys.min(), x1 + xs.max() + 1, y1 + ys.max() + 1)


def w_draw_line(cv: Canvas, x: float, base: float, line: WLine, align: str = "l"):
    w = line.width
    x0 = x if align == "l" else (x - w / 2 if align == "c" else x - w)
    bb = None
    if line.effect:  # draw white on black, reshape, then paint the ink through it
        tmp = Canvas(cv.w, cv.h, (0, 0, 0))
        xx = x0
        for s in line.segs:
            xx, b = tmp.draw_seg(
                xx, base, Seg(s.text, s.font, (255, 255, 255), s.track, s.after, s.stroke)
            )
            bb = union(bb, b)
        if bb is None:
            return None
        bb = effect_paste(cv, tmp.img, bb, line.effect, line.size, line.seed, line.segs[0].fill)
    else:
        for it in line.segs:
            if isinstance(it, Icon):
                x0, b = draw_icon(cv, x0, base, it)
            else:
                x0, b = cv.draw_seg(x0, base, it)
            bb = union(bb, b)
    if bb:
        cv.text_boxes.append(bb)
    return bb


def w_draw_block(cv: Canvas, lines: list, x: float, top: float, align: str, lh: float) -> float:
    y = top
    for ln in lines:
        if isinstance(ln, (int, float)):
            y += ln
            continue
        h = ln.size * lh
        w_draw_line(cv, x, y + (h - ln.size) / 2 + ln.size * 0.88, ln, align)
        y += h
    return y


@dataclass
class WideFontSet:
    name: ImageFont.FreeTypeFont
    company: ImageFont.FreeTypeFont
    form: ImageFont.FreeTypeFont
    dept: ImageFont.FreeTypeFont
    body: ImageFont.FreeTypeFont
    small: ImageFont.FreeTypeFont
    name_stroke: int
    company_stroke: int


def make_wide_fontset(fonts: WideFonts, s: WideStyle, scale: float) -> WideFontSet:
    def px(mm, floor):
        return max(floor, mm * PX_PER_MM * scale)

    synth = WIDE_FONTS[s.body_family][1] is None
    company = fonts.get(s.body_file(s.company_bold), px(s.company_mm, 38))
    return WideFontSet(
        name=fonts.get(s.name_file(), px(s.name_mm, 56)),
        company=company,
        form=fonts.get(s.body_file(), max(26, company.size * s.form_ratio)),
        dept=fonts.get(s.body_file(), px(s.dept_mm, 31)),
        body=fonts.get(s.body_file(), px(s.detail_mm, 29)),
        small=fonts.get(s.body_file(), px(s.small_mm, 28)),
        name_stroke=1
        if (WIDE_FONTS[s.name_family][1] is None and s.name_bold and not s.name_effect)
        else 0,
        company_stroke=1 if (synth and s.company_bold) else 0,
    )


def w_name_lines(cv: Canvas, d: WideCard, s: WideStyle, fs: WideFontSet, ink, sub) -> list:
    """Kana above/below, the name, romaji below."""
    f = fs.name
    tags = cv.tags
    if d.lang == "en":
        r = d.fields["name_roman"]
        name = WLine(
            [Seg(r, f, ink, track=f.size * 0.05 if d.roman_caps else 0.0, stroke=fs.name_stroke)],
            s.name_effect,
            s.effect_seed,
        )
        if s.name_effect:
            tags.append(f"name_{s.name_effect}")
        return [name]
    fam, giv = d.family[0], d.given[0]
    if s.name_style == "nospace":
        segs = [Seg(fam + giv, f, ink, stroke=fs.name_stroke)]
        tags.append("name_nospace")
    elif s.name_style == "tracked":
        segs = [Seg(fam + giv, f, ink, track=f.size * s.name_track, stroke=fs.name_stroke)]
        tags.append("name_tracked")
    elif s.name_style == "gap":
        segs = [
            Seg(fam, f, ink, after=f.size * s.name_gap, stroke=fs.name_stroke),
            Seg(giv, f, ink, stroke=fs.name_stroke),
        ]
    else:
        segs = [Seg(fam + "　" + giv, f, ink, stroke=fs.name_stroke)]
    out = [WLine(segs, s.name_effect, s.effect_seed)]
    if s.name_effect:
        tags.append(f"name_{s.name_effect}")
    sm = fs.small
    if d.fields["name_kana"]:
        fk, gk = d.family[1], d.given[1]
        if s.kana_tracked:
            k = WLine(
                [
                    Seg(fk, sm, sub, track=sm.size * 0.25, after=sm.size * 0.9),
                    Seg(gk, sm, sub, track=sm.size * 0.25),
                ]
            )
        else:
            k = WLine([Seg(f"{fk} {gk}", sm, sub)])
        out = [k, -sm.size * 0.12] + out if s.kana_above else out + [-sm.size * 0.05, k]
        tags.append("kana_line")
    if d.fields["name_roman"]:
        out += [
            -sm.size * 0.05,
            WLine(
                [
                    Seg(
                        d.fields["name_roman"],
                        sm,
                        sub,
                        track=sm.size * 0.08 if d.roman_caps else 0.0,
                    )
                ]
            ),
        ]
        tags.append("roman_line")
    return out


def w_company_lines(cv: Canvas, d: WideCard, s: WideStyle, fs: WideFontSet, ink) -> list:
    c = fs.company
    if s.legal_line and d.form and d.lang != "en":
        main = WLine([Seg(d.core_name, c, ink, stroke=fs.company_stroke)])
        form = WLine([Seg(d.form, fs.form, ink, track=fs.form.size * 0.15)])
        cv.tags.append("legal_form_line")
        if d.form_pos == "pre":
            return [form, -fs.form.size * 0.05, main]
        return [main, -fs.form.size * 0.05, form]
    if d.form and d.form_pos == "post":
        cv.tags.append("legal_form_after")
    return [WLine([Seg(d.fields["company"], c, ink, stroke=fs.company_stroke)])]


def w_role_lines(cv: Canvas, d: WideCard, s: WideStyle, fs: WideFontSet, ink, max_w: float) -> list:
    dept, title = d.fields["department"], d.fields["title"]
    if s.title_first:
        dept, title = title, dept
    f = fs.dept
    if dept and title:
        one = WLine([Seg(dept, f, ink, after=f.size * 0.9), Seg(title, f, ink)])
        if s.role_one_line and one.width <= max_w:
            return [one]
        return [WLine([Seg(dept, f, ink)]), WLine([Seg(title, f, ink)])]
    if dept or title:
        return [WLine([Seg(dept or title, f, ink)])]
    return []


def _label_item(label: str, kind: str, body, fill, s: WideStyle, accent):
    """A label as a list of segments/icons, or []."""
    if not label:
        return []
    if label == "icon":
        return [Icon(f"{kind}_c", body.size, accent, font=body, after=body.size * 0.3)]
    if label == "✉":
        return [Icon("mail", body.size, fill, after=body.size * 0.25)]
    return [Seg(label, body, fill)]


def w_contact_lines(
    cv: Canvas,
    d: WideCard,
    s: WideStyle,
    fs: WideFontSet,
    max_w: float,
    compact: bool,
    ink,
    lab,
    accent,
    parts=("addr", "phone", "web"),
) -> list | None:
    F = d.fields
    body = fs.body
    tags = cv.tags
    addr_lines: list = []
    if "addr" in parts and F["address"] and d.addr_parts:
        p = d.addr_parts
        n = len(p)
        k = n - 2 if p[-1] == "Japan" else n - 1
        cuts = [[0, n], [0, 1, n], [0, 2, n], [0, k, n], [0, 1, k, n], [0, 2, k, n]]
        start = 0 if compact else min(s.addr_pref, len(cuts) - 1)
        for cut in dict.fromkeys(tuple(c) for c in cuts[start:] + cuts[:start][::-1]):
            if any(b <= a for a, b in zip(cut, cut[1:], strict=False)):
                continue
            texts = [
                ", ".join(p[a:b]) + ("," if b < n else "")
                for a, b in zip(cut, cut[1:], strict=False)
            ]
            lines = [WLine([Seg(t, body, ink)]) for t in texts]
            if all(ln.width <= max_w for ln in lines):
                addr_lines = lines
                break
        else:
            return None
    elif "addr" in parts and F["address"]:
        pc = (s.postal_prefix + F["postal_code"]) if s.postal_prefix else F["postal_code"]
        if s.postal_prefix.startswith("本社"):
            tags.append("address_label")
        if not s.postal_prefix:
            tags.append("postal_without_mark")
        a1, b = d.address1, d.building
        opts = (
            [[f"{pc} {a1} {b}"], [f"{pc} {a1}", b], [pc, f"{a1} {b}"], [pc, a1, b]]
            if b
            else [[f"{pc} {a1}"], [pc, a1]]
        )
        start = 0 if compact else min(s.addr_pref, len(opts) - 1)
        for opt in opts[start:] + opts[:start][::-1]:
            lines = [WLine([Seg(t, body, ink)]) for t in opt]
            if all(ln.width <= max_w for ln in lines):
                addr_lines = lines
                break
        else:
            return None

    phone_lines: list = []
    if "phone" in parts:
        labs = dict(zip(("tel", "fax", "mobile"), s.phones[:3], strict=True))
        sep = s.phones[3]
        keys = [k for k in ("tel", "fax", "mobile") if F[k]]
        if s.mobile_first and "mobile" in keys:
            keys = ["mobile"] + [k for k in keys if k != "mobile"]

        def item(k):
            return _label_item(labs[k], k, body, lab, s, accent) + [
                Seg(d.printed.get(k, F[k]), body, ink)
            ]

        def row(ks):
            segs = []
            for i, k in enumerate(ks):
                if i:
                    segs.append(Seg(sep, body, lab))
                segs += item(k)
            return WLine(segs)

        groupings = []
        if keys:
            if len(keys) == 3 and s.phones_all_one:
                groupings.append([keys])
            if "tel" in keys and "fax" in keys and s.tel_fax_join:
                tf = [k for k in keys if k in ("tel", "fax")]
                groupings.append(
                    [tf] + [[k] for k in keys if k not in tf]
                    if keys[0] != "mobile"
                    else [["mobile"], tf]
                )
            groupings.append([[k] for k in keys])
        for grp in groupings:
            lines = [row(g) for g in grp]
            if all(ln.width <= max_w for ln in lines):
                phone_lines = lines
                if any(len(g) > 1 and "tel" in g and "fax" in g for g in grp):
                    tags.append("tel_fax_one_line")
                used = {labs[k] for g in grp for k in g}
                break
        else:
            if keys:
                return None
            used = set()
        if "icon" in used:
            tags.append("label_icons")
        if any("：" in u for u in used):
            tags.append("label_fullwidth_colon")
        if any(u.startswith("☎") for u in used):
            tags.append("label_☎")

    web_lines: list = []
    if "web" in parts:
        items = []
        if F["email"]:
            items.append(
                _label_item(s.email_label, "mail", body, lab, s, accent)
                + [Seg(F["email"], body, ink)]
            )
            if s.email_label == "✉":
                tags.append("label_✉")
            elif s.email_label == "icon":
                tags.append("label_icons")
            elif "：" in s.email_label:
                tags.append("label_fullwidth_colon")
        if F["url"]:
            items.append(
                _label_item(s.url_label, "web", body, lab, s, accent) + [Seg(F["url"], body, ink)]
            )
        if items:
            same = WLine(items[0] + [Seg("   ", body, ink)] + items[1]) if len(items) == 2 else None
            if same and (s.web_same_line or compact) and same.width <= max_w:
                web_lines = [same]
            else:
                web_lines = [WLine(it) for it in items]
                if any(ln.width > max_w for ln in web_lines):
                    return None
    if s.phones_first:
        return phone_lines + addr_lines + web_lines
    return addr_lines + phone_lines + web_lines


def w_logo(
    cv: Canvas, fonts: WideFonts, s: WideStyle, d: WideCard, x, y, size, color=None, fg=None
):
    kind = s.logo or "ring"
    color = color or s.accent
    fg = fg or (255, 255, 255)
    dr = cv.draw
    size = int(size)
    if kind == "ring":
        dr.ellipse([x, y, x + size, y + size], outline=color, width=max(4, size // 10))
        f = fonts.get(s.body_file(True), size * 0.5)
        dr.text((x + size / 2, y + size / 2), d.company_letter, font=f, fill=color, anchor="mm")
    elif kind == "square":
        dr.rectangle([x, y, x + size, y + size], fill=color)
        f = fonts.get(s.body_file(True), size * 0.58)
        ch = d.company_letter if d.lang == "en" else d.company_core
        dr.text((x + size / 2, y + size / 2), ch, font=f, fill=fg, anchor="mm")
    elif kind == "tri":
        dr.polygon([(x, y + size), (x + size / 2, y), (x + size, y + size)], fill=color)
        dr.polygon(
            [
                (x + size * 0.3, y + size),
                (x + size * 0.62, y + size * 0.38),
                (x + size * 0.94, y + size),
            ],
            fill=tint(color, 0.45),
        )
    elif kind == "wave":
        for i in range(3):
            yy = y + size * (0.3 + 0.22 * i)
            dr.arc(
                [x, yy - size * 0.25, x + size * 0.5, yy + size * 0.25],
                200,
                340,
                fill=tint(color, 0.25 * i),
                width=max(3, size // 12),
            )
            dr.arc(
                [x + size * 0.5, yy - size * 0.25, x + size, yy + size * 0.25],
                20,
                160,
                fill=tint(color, 0.25 * i),
                width=max(3, size // 12),
            )
    else:  # hex
        c = (x + size / 2, y + size / 2)
        pts = [
            (
                c[0] + size / 2 * math.cos(math.radians(60 * k + 30)),
                c[1] + size / 2 * math.sin(math.radians(60 * k + 30)),
            )
            for k in range(6)
        ]
        dr.polygon(pts, fill=color)
        pts2 = [
            (
                c[0] + size / 4 * math.cos(math.radians(60 * k + 30)),
                c[1] + size / 4 * math.sin(math.radians(60 * k + 30)),
            )
            for k in range(6)
        ]
        dr.polygon(pts2, fill=tint(color, 0.6))
    cv.deco_boxes.append((x, y, x + size, y + size))


# -- horizontal designs (91 x 55 mm) ---------------------------------------------------------


def wd_corner(cv, fonts, d, s, fs, compact) -> bool:
    """Company (small legal form line, logo) top left, role + name left, contacts bottom."""
    W, H, M = cv.w, cv.h, s.margin_mm * PX_PER_MM
    comp = w_company_lines(cv, d, s, fs, s.ink)
    hc = w_height(comp, s.lh)
    x0 = M
    if s.logo:
        ls = max(hc * 0.95, fs.company.size * 1.3)
        w_logo(cv, fonts, s, d, M, M + (hc - ls) / 2, ls)
        x0 = M + ls + fs.company.size * 0.4
    w_draw_block(cv, comp, x0, M, "l", s.lh)
    contacts = w_contact_lines(
        cv, d, s, fs, W - 2 * M, compact, s.ink, s.accent if s.label_accent else s.ink, s.accent
    )
    if contacts is None:
        return False
    lh = s.lh * 0.95
    hb = w_height(contacts, lh)
    al = s.contact_align
    w_draw_block(cv, contacts, M if al == "l" else W - M, H - M - hb, al, lh)
    nb = (
        w_role_lines(cv, d, s, fs, s.ink, W - 2 * M)
        + [fs.dept.size * 0.15]
        + w_name_lines(cv, d, s, fs, s.ink, tint(s.ink, 0.3))
    )
    hn = w_height(nb, s.lh)
    y0 = M + hc + fs.body.size * 0.5
    w_draw_block(cv, nb, M, max(y0, (y0 + H - M - hb) / 2 - hn / 2), "l", s.lh)
    if s.tagline:
        tl = WLine([Seg(s.tagline, fs.small, s.accent)])
        if x0 + w_width(comp) + fs.small.size * 2 + tl.width < W - M:
            w_draw_line(cv, W - M, M + fs.small.size, tl, "r")
    return True


def wd_centered(cv, fonts, d, s, fs, compact) -> bool:
    """Role and name centred on top, a short rule, the company, contacts centred at the foot."""
    W, H, M = cv.w, cv.h, s.margin_mm * PX_PER_MM
    nb = (
        w_role_lines(cv, d, s, fs, s.accent, W - 2 * M)
        + [fs.dept.size * 0.1]
        + w_name_lines(cv, d, s, fs, s.ink, tint(s.ink, 0.3))
    )
    comp = w_company_lines(cv, d, s, fs, s.ink)
    contacts = w_contact_lines(
        cv, d, s, fs, W - 2 * M, compact, s.ink, s.accent if s.label_accent else s.ink, s.accent
    )
    if contacts is None:
        return False
    lh = s.lh * 0.92
    hb = w_height(contacts, lh)
    hn, hc = w_height(nb, s.lh), w_height(comp, s.lh)
    free = H - 2 * M - hb - hn - hc
    if free < fs.body.size * 0.8:
        return False
    g = free / 3
    y = M + g * 0.6
    w_draw_block(cv, nb, W / 2, y, "c", s.lh)
    y += hn + g * 0.7
    cv.draw.line([(W / 2 - 50, y - g * 0.35), (W / 2 + 50, y - g * 0.35)], fill=s.accent, width=3)
    w_draw_block(cv, comp, W / 2, y, "c", s.lh)
    w_draw_block(cv, contacts, W / 2, H - M - hb, "c", lh)
    return True


def wd_sidebar(cv, fonts, d, s, fs, compact) -> bool:
    """A coloured stripe on the left edge; company top right, name left, contacts bottom left."""
    W, H, M = cv.w, cv.h, s.margin_mm * PX_PER_MM
    sw = int(PX_PER_MM * (2.5 + 2 * s.form_ratio))
    cv.draw.rectangle([0, 0, sw, H], fill=s.accent)
    cv.draw.rectangle([sw, int(H * 0.62), sw + 8, H], fill=tint(s.accent, 0.55))
    x0 = sw + M * 0.8
    comp = w_company_lines(cv, d, s, fs, s.ink)
    hc = w_height(comp, s.lh)
    w_draw_block(cv, comp, W - M, M, "r", s.lh)
    if s.logo:
        ls = fs.company.size * 1.3
        cw = w_width(comp)
        w_logo(cv, fonts, s, d, W - M - cw - ls - fs.company.size * 0.4, M + (hc - ls) / 2, ls)
    contacts = w_contact_lines(
        cv, d, s, fs, W - x0 - M, compact, s.ink, s.accent if s.label_accent else s.ink, s.accent
    )
    if contacts is None:
        return False
    lh = s.lh * 0.95
    hb = w_height(contacts, lh)
    w_draw_block(cv, contacts, x0, H - M - hb, "l", lh)
    nb = (
        w_role_lines(cv, d, s, fs, s.ink, W - x0 - M)
        + [fs.dept.size * 0.1]
        + w_name_lines(cv, d, s, fs, s.ink, tint(s.ink, 0.3))
    )
    hn = w_height(nb, s.lh)
    y0 = M + hc + fs.body.size * 0.4
    w_draw_block(cv, nb, x0, max(y0, (y0 + H - M - hb) / 2 - hn / 2), "l", s.lh)
    return True


def wd_ruled(cv, fonts, d, s, fs, compact) -> bool:
    """Role + name top left, logo + company top right, a full-width rule, then the address
    and the phones/web in two columns (one column if they do not fit)."""
    W, H, M = cv.w, cv.h, s.margin_mm * PX_PER_MM
    nb = (
        w_role_lines(cv, d, s, fs, s.ink, W * 0.55)
        + [fs.dept.size * 0.05]
        + w_name_lines(cv, d, s, fs, s.ink, tint(s.ink, 0.3))
    )
    comp = w_company_lines(cv, d, s, fs, s.ink)
    hn, hc = w_height(nb, s.lh), w_height(comp, s.lh)
    lab = s.accent if s.label_accent else s.ink
    lh = s.lh * 0.92
    colw = (W - 2 * M) * 0.5
    left = w_contact_lines(
        cv, d, s, fs, colw - M * 0.3, compact, s.ink, lab, s.accent, parts=("addr",)
    )
    right = w_contact_lines(
        cv,
        d,
        s,
        fs,
        W - 2 * M - colw - M * 0.3,
        compact,
        s.ink,
        lab,
        s.accent,
        parts=("phone", "web"),
    )
    two = left is not None and right is not None and bool(left) and bool(right)
    if two:
        hb = max(w_height(left, lh), w_height(right, lh))
    else:
        cv.tags.clear()
        w_name_lines(cv, d, s, fs, s.ink, s.ink)  # re-collect the tags of the name and company
        w_company_lines(cv, d, s, fs, s.ink)
        one = w_contact_lines(cv, d, s, fs, W - 2 * M, compact, s.ink, lab, s.accent)
        if one is None:
            return False
        hb = w_height(one, lh)
    yb = H - M - hb
    ry = yb - fs.body.size * 0.5
    if ry < M + max(hn, hc) + fs.body.size * 0.3:
        return False
    cv.draw.rectangle([M, ry - 1, W - M, ry + 1], fill=s.accent)
    cv.deco_boxes.append((M, ry - 2, W - M, ry + 2))
    if two:
        w_draw_block(cv, left, M, yb, "l", lh)
        w_draw_block(cv, right, M + colw + M * 0.3, yb, "l", lh)
    else:
        w_draw_block(cv, one, M, yb, "l", lh)
    w_draw_block(cv, nb, M, M + (ry - M - hn) * 0.45, "l", s.lh)
    w_draw_block(cv, comp, W - M, M, "r", s.lh)
    if s.logo:
        ls = fs.company.size * 1.2
        w_logo(cv, fonts, s, d, W - M - ls, M + hc + fs.company.size * 0.3, ls)
    return True


def wd_band(cv, fonts, d, s, fs, compact) -> bool:
    """Contacts in white on a dark band along the bottom; company and name above it."""
    W, H, M = cv.w, cv.h, s.margin_mm * PX_PER_MM
    white = (255, 255, 255)
    contacts = w_contact_lines(
        cv, d, s, fs, W - 2 * M, compact, white, tint(s.accent, 0.75), tint(s.accent, 0.35)
    )
    if contacts is None:
        return False
    lh = s.lh * 0.92
    hb = w_height(contacts, lh)
    pad = fs.body.size * 0.55
    by = H - M * 0.6 - hb - 2 * pad
    cv.draw.rectangle([0, by, W, H], fill=s.accent)
    cv.tags.append("white_on_band")
    w_draw_block(
        cv, contacts, M if s.contact_align == "l" else W - M, by + pad, s.contact_align, lh
    )
    comp = w_company_lines(cv, d, s, fs, s.ink)
    hc = w_height(comp, s.lh)
    x0 = M
    if s.logo:
        ls = max(hc * 0.95, fs.company.size * 1.2)
        w_logo(cv, fonts, s, d, M, M + (hc - ls) / 2, ls)
        x0 = M + ls + fs.company.size * 0.4
    w_draw_block(cv, comp, x0, M, "l", s.lh)
    nb = (
        w_role_lines(cv, d, s, fs, s.ink, W - 2 * M)
        + [fs.dept.size * 0.1]
        + w_name_lines(cv, d, s, fs, s.ink, tint(s.ink, 0.3))
    )
    hn = w_height(nb, s.lh)
    y0 = M + hc + fs.body.size * 0.3
    if y0 + hn > by - fs.body.size * 0.3:
        return False
    w_draw_block(
        cv,
        nb,
        W - M if s.contact_align == "l" else M,
        (y0 + by) / 2 - hn / 2,
        "r" if s.contact_align == "l" else "l",
        s.lh,
    )
    # the band is decoration: text on it is checked against the card edge, not against it
    return True


# -- tategaki with the contacts inside the columns (55 x 91 mm) ------------------------------


def wv_tokens(text: str, s: WideStyle, tcy: bool) -> list:
    """Column tokens: ("ch", c) upright glyph, ("tcy", "12") two digits side by side in one
    cell (縦中横), ("dash", style) a hyphen drawn as a vertical stroke, ("gap", em)."""
    out = []
    i = 0
    while i < len(text):
        c = text[i]
        if c.isascii() and c.isdigit():
            j = i
            while j < len(text) and text[j].isascii() and text[j].isdigit():
                j += 1
            run = text[i:j]
            if tcy and len(run) == 2:
                out.append(("tcy", run))
            else:
                out += [("ch", x) for x in run]
            i = j
            continue
        if c == "-":
            out.append(("dash", s.v_dash))
        elif c in " 　":
            out.append(("gap", 0.45 if c == " " else 1.0))
        else:
            out.append(("ch", c))
        i += 1
    return out


def wv_adv(tok, font) -> float:
    k, v = tok
    size = font.size
    if k == "ch":
        if v.isascii():
            return (0.86 if v.isdigit() else 0.9) * size
        return 1.02 * size
    if k == "tcy":
        return 0.95 * size
    if k == "dash":
        return 0.8 * size
    if k == "gap":
        return v * size
    if k == "side":
        return font.getlength(v) + 0.3 * size
    if k == "icon":
        return 1.15 * size
    raise ValueError(k)


def wv_len(tokens, font, track: float = 0.0) -> float:
    return sum(wv_adv(t, font) for t in tokens) + track * max(0, len(tokens) - 1)


def _paste_mask(cv: Canvas, m: Image.Image, cx: float, cy: float, fill) -> tuple:
    px, py = int(round(cx - m.width / 2)), int(round(cy - m.height / 2))
    cv.img.paste(fill, (px, py, px + m.width, py + m.height), m)
    bb = m.getbbox()
    return (px + bb[0], py + bb[1], px + bb[2], py + bb[3]) if bb else None


def _text_mask(text: str, font, stroke: int = 0) -> Image.Image:
    x0, y0, x1, y1 = font.getbbox(text, anchor="ls", stroke_width=stroke)
    m = Image.new("L", (x1 - x0 + 4, y1 - y0 + 4), 0)
    ImageDraw.Draw(m).text(
        (2 - x0, 2 - y0),
        text,
        font=font,
        fill=255,
        anchor="ls",
        stroke_width=stroke,
        stroke_fill=255,
    )
    return m


def wv_draw(
    cv: Canvas, cx: float, top: float, tokens, font, fill, track: float = 0.0, stroke: int = 0
):
    """Draw one column of tokens from ``top``; returns its bounding box (also recorded)."""
    y = top
    bb = None
    size = font.size
    for tok in tokens:
        k, v = tok
        adv = wv_adv(tok, font)
        cy = y + adv / 2
        b = None
        if k == "ch":
            b = cv.vglyph(v, font, cx, cy, fill, stroke)
        elif k == "tcy":
            m = _text_mask(v, font, stroke)
            if m.width > size * 0.95:
                m = m.resize((int(size * 0.95), m.height), Image.Resampling.LANCZOS)
            b = _paste_mask(cv, m, cx, cy, fill)
        elif k == "dash":
            if v == "bar":  # ｜ as a plain vertical stroke
                lw = max(2, int(round(size * 0.06)))
                x0 = int(round(cx - lw / 2))
                cv.draw.rectangle(
                    [x0, int(y + adv * 0.18), x0 + lw - 1, int(y + adv * 0.82)], fill=fill
                )
                b = (x0, int(y + adv * 0.18), x0 + lw, int(y + adv * 0.82))
            else:  # a long-vowel mark turned upright
                b = cv.vglyph("ー", font, cx, cy, fill, stroke)
        elif k == "side":  # Latin text turned 90° clockwise, reading downwards
            m = _text_mask(v, font, stroke).rotate(-90, expand=True)
            b = _paste_mask(cv, m, cx, y + 0.15 * size + m.height / 2, fill)
        elif k == "icon":
            ic = Icon("mail", size * 0.9, fill)
            _x, b = draw_icon(cv, cx - size * 0.45, cy + size * 0.32, ic)
        bb = union(bb, b)
        y += adv + track
    if bb:
        cv.text_boxes.append(bb)
    return bb


def _split_tokens(tokens, font, avail: float) -> list:
    """Wrap a column that is too long into several, not inside a number."""

    def num(t) -> bool:
        return t[0] in ("tcy", "dash") or (t[0] == "ch" and t[1].isascii() and t[1].isdigit())

    cols, cur = [], []
    for t in tokens:
        if cur and wv_len(cur + [t], font) > avail:
            nxt = cur + [t]
            j = len(cur)  # break before nxt[j]
            while j > 1 and num(nxt[j - 1]) and num(nxt[j]):
                j -= 1
            if j <= 1:
                j = len(cur)
            cols.append(nxt[:j])
            cur = nxt[j:]
            while cur and cur[0][0] == "gap":
                cur = cur[1:]
        else:
            cur.append(t)
    if cur:
        cols.append(cur)
    return cols


def wd_tate(cv, fonts, d, s, fs, compact) -> bool:
    """Tategaki: company, role, name, then the postal code, address, phones (digits upright,
    dashes as vertical strokes) and e-mail/URL (turned sideways) in columns, right to left."""
    W, H = cv.w, cv.h
    M = s.margin_mm * PX_PER_MM
    top, bottom = M, H - M
    avail = bottom - top
    F = d.fields
    ink = s.ink
    b = fs.body
    gap = b.size * (0.42 if compact else 0.58)
    x = W - M
    tags = cv.tags
    tags.append("tategaki_inline")

    # company (with a smaller legal-form column), on a coloured band or on the paper
    comp_fill = ink
    band_w = 0.0
    if s.v_band:
        formw = fs.form.size * 1.3 if (s.legal_line and d.form) else 0.0
        band_w = fs.company.size + formw + 2 * max(M * 0.8, fs.company.size * 0.7)
        cv.draw.rectangle([W - band_w, 0, W, H], fill=s.accent)
        comp_fill = (255, 255, 255)
        x = W - (band_w - fs.company.size - formw) / 2
        tags.append("white_on_band")
    ytop = top
    if s.logo and not s.v_band:
        ls = fs.company.size * 1.2
        w_logo(cv, fonts, s, d, x - ls, top, ls)
        ytop = top + ls + fs.company.size * 0.35
    c = fs.company
    if s.legal_line and d.form:
        tags.append("legal_form_line")
        core = [("ch", ch) for ch in d.core_name]
        form = [("ch", ch) for ch in d.form]
        if d.form_pos == "pre":
            wv_draw(cv, x - fs.form.size / 2, ytop, form, fs.form, comp_fill)
            x -= fs.form.size * 1.3
            if ytop + fs.form.size * 0.6 + wv_len(core, c) > bottom:
                return False
            wv_draw(
                cv,
                x - c.size / 2,
                ytop + fs.form.size * 0.6,
                core,
                c,
                comp_fill,
                stroke=fs.company_stroke,
            )
            x -= c.size
        else:
            lc = wv_len(core, c)
            if ytop + lc + wv_len(form, fs.form) * 0.5 > bottom:
                return False
            wv_draw(cv, x - c.size / 2, ytop, core, c, comp_fill, stroke=fs.company_stroke)
            x -= c.size + fs.form.size * 0.3
            wv_draw(
                cv,
                x - fs.form.size / 2,
                ytop + lc - wv_len(form, fs.form) * 0.5,
                form,
                fs.form,
                comp_fill,
            )
            x -= fs.form.size
    else:
        if d.form and d.form_pos == "post":
            tags.append("legal_form_after")
        toks = [("ch", ch) for ch in F["company"]]
        if ytop + wv_len(toks, c) > bottom:
            return False
        wv_draw(cv, x - c.size / 2, ytop, toks, c, comp_fill, stroke=fs.company_stroke)
        x -= c.size
    if s.v_band:
        x = W - band_w - M * 0.6
    else:
        x -= gap * 1.2

    # role: department and title in one column, or one each
    dept, title = F["department"], F["title"]
    f = fs.dept
    roles = [r for r in (dept, title) if r]
    one = (
        [t for r in roles for t in (wv_tokens(r, s, False) + [("gap", 1.0)])][:-1] if roles else []
    )
    if roles and (
        len(roles) == 1 or (s.role_one_line and top + f.size * 0.5 + wv_len(one, f) <= bottom)
    ):
        if top + f.size * 0.5 + wv_len(one, f) > bottom:
            return False
        wv_draw(cv, x - f.size / 2, top + f.size * 0.5, one, f, ink)
        x -= f.size + gap
    else:
        for i, r in enumerate(roles):
            toks = wv_tokens(r, s, False)
            y0 = top + f.size * (0.5 + i)
            if y0 + wv_len(toks, f) > bottom:
                return False
            wv_draw(cv, x - f.size / 2, y0, toks, f, ink)
            x -= f.size + gap * 0.6
        x -= gap * 0.4

    # kana to the right of the name, the name, romaji turned sideways to its left
    n = fs.name
    ntop = top + avail * s.v_name_offset
    if F["name_kana"]:
        sm = fs.small
        fk, gk = d.family[1], d.given[1]
        toks = [("ch", ch) for ch in fk] + [("gap", 1.0)] + [("ch", ch) for ch in gk]
        wv_draw(
            cv,
            x - sm.size / 2,
            ntop,
            toks,
            sm,
            tint(ink, 0.3),
            track=sm.size * (0.25 if s.kana_tracked else 0.05),
        )
        x -= sm.size * 1.3
        tags.append("kana_line")
    fam, giv = d.family[0], d.given[0]
    track = 0.0
    if s.name_style == "nospace":
        toks = [("ch", ch) for ch in fam + giv]
        tags.append("name_nospace")
    elif s.name_style == "tracked":
        toks = [("ch", ch) for ch in fam + giv]
        track = n.size * s.name_track * 0.6
        tags.append("name_tracked")
    else:
        toks = (
            [("ch", ch) for ch in fam]
            + [("gap", s.name_gap if s.name_style == "gap" else 1.0)]
            + [("ch", ch) for ch in giv]
        )
    if ntop + wv_len(toks, n, track) > bottom:
        ntop = bottom - wv_len(toks, n, track)
        if ntop < top:
            return False
    if s.name_effect:  # rounded or brush: drawn white on black first, then reshaped
        tmp = Canvas(W, H, (0, 0, 0))
        nb = wv_draw(tmp, x - n.size / 2, ntop, toks, n, (255, 255, 255), track=track)
        nb = effect_paste(cv, tmp.img, nb, s.name_effect, n.size, s.effect_seed, ink)
        if nb:
            cv.text_boxes.append(nb)
        tags.append(f"name_{s.name_effect}")
    else:
        wv_draw(cv, x - n.size / 2, ntop, toks, n, ink, track=track, stroke=fs.name_stroke)
    x -= n.size + gap
    if F["name_roman"]:
        sm = fs.small
        toks = [("side", F["name_roman"])]
        if ntop + wv_len(toks, sm) > bottom:
            return False
        wv_draw(cv, x - sm.size / 2, ntop, toks, sm, tint(ink, 0.3))
        x -= sm.size + gap
        tags.append("roman_sideways")
    x -= gap * 1.5

    # contacts: each a column (or several for a long address)
    cols: list[list] = []
    if F["address"]:
        pc = [("ch", "〒")] + wv_tokens(F["postal_code"], s, False)
        a1 = wv_tokens(d.address1, s, s.v_tcy)
        if s.v_postal_own_col:
            cols.append(pc)
            addr = a1
        else:
            addr = pc + [("gap", 0.6)] + a1
        acols = _split_tokens(addr, b, avail - b.size)
        if len(acols) > 1:
            tags.append("tategaki_address_wrapped")
        cols += acols
        if d.building:
            cols.append([("gap", 1.0)] + wv_tokens(d.building, s, s.v_tcy))
        if s.v_tcy and any(t[0] == "tcy" for col in cols for t in col):
            tags.append("tategaki_tcy")
    lab_k = {"tel": "電話", "fax": "ＦＡＸ", "mobile": "携帯"}
    lab_l = {"tel": "TEL", "fax": "FAX", "mobile": "MOBILE"}

    def phone_toks(k):
        if s.v_tel_label == "kanji":
            lab = [("ch", ch) for ch in lab_k[k]]
        elif s.v_tel_label == "side":
            lab = [("side", lab_l[k])]
        else:
            lab = (
                [("ch", ch) for ch in lab_l[k]] if k != "mobile" else [("ch", ch) for ch in "携帯"]
            )
        return lab + [("gap", 0.4)] + wv_tokens(F[k], s, False)

    pkeys = [k for k in ("tel", "fax", "mobile") if F[k]]
    if pkeys:
        tags.append("tategaki_phone_upright")
        if s.v_dash == "bar":
            tags.append("tategaki_dash_bar")
    pcols = [phone_toks(k) for k in pkeys]
    if s.v_join_tel_fax and F["tel"] and F["fax"]:
        j = phone_toks("tel") + [("gap", 1.2)] + phone_toks("fax")
        if wv_len(j, b) <= avail:
            pcols = [j] + ([phone_toks("mobile")] if F["mobile"] else [])
            tags.append("tel_fax_one_line")
    cols += pcols
    for k in ("email", "url"):
        if not F[k]:
            continue
        lab = []
        if k == "email" and s.v_email_label == "side":
            lab = [("side", "E-mail")]
        elif k == "email" and s.v_email_label == "icon":
            lab = [("icon", "")]
            tags.append("label_✉")
        elif k == "email" and s.v_email_label == "kanji":
            lab = [("ch", ch) for ch in "メール"]
        cols.append(lab + [("side", F[k])])
        tags.append("email_sideways" if k == "email" else "url_sideways")
    for col in cols:
        length = wv_len(col, b)
        if length > avail:
            return False
        if x - b.size < M:
            return False
        y0 = (
            bottom - length
            if s.v_contacts_bottom
            else top + b.size * 0.5 + avail * s.v_contact_offset
        )
        if y0 + length > bottom:
            y0 = bottom - length
        wv_draw(cv, x - b.size / 2, y0, col, b, ink)
        x -= b.size + gap * 0.75
    return x + gap * 0.75 >= M


WIDE_H_DESIGNS = {
    "w_corner": wd_corner,
    "w_centered": wd_centered,
    "w_sidebar": wd_sidebar,
    "w_ruled": wd_ruled,
    "w_band": wd_band,
}


def render_wide_card(fonts: WideFonts, d: WideCard, s: WideStyle, design: str, vertical: bool):
    """(image, layout, tags, card) trying smaller scales, then other designs; a tategaki card
    that has no room for its URL (then its mobile) drops it (its truth becomes null)."""
    if vertical:
        W, H = CARD_MM[1] * PX_PER_MM, CARD_MM[0] * PX_PER_MM
        for drop in ((), ("url",), ("url", "mobile"), ("url", "mobile", "fax")):
            dd = d
            if drop:
                if not any(d.fields[k] for k in drop):
                    continue
                dd = WideCard(
                    **{
                        **d.__dict__,
                        "fields": {k: (None if k in drop else v) for k, v in d.fields.items()},
                    }
                )
            # then without the band, then with the postal code in the address column
            styles = [
                s,
                WideStyle(**{**s.__dict__, "v_band": False}),
                WideStyle(
                    **{
                        **s.__dict__,
                        "v_band": False,
                        "v_postal_own_col": False,
                        "v_join_tel_fax": True,
                    }
                ),
            ]
            for st in styles:
                for compact in (False, True):
                    for scale in (1.0, 0.94, 0.88, 0.82, 0.76):
                        cv = Canvas(W, H, st.paper)
                        cv.tags = []
                        fs = make_wide_fontset(fonts, st, scale)
                        if wd_tate(cv, fonts, dd, st, fs, compact) and cv.valid(2.5 * PX_PER_MM):
                            return cv.img, "w_tate_band" if st.v_band else "w_tate", cv.tags, dd
        raise RuntimeError("no room for this tategaki card")
    W, H = CARD_MM[0] * PX_PER_MM, CARD_MM[1] * PX_PER_MM
    order = [design] + [k for k in WIDE_H_DESIGNS if k != design]
    for name in order:
        for compact in (False, True):
            for scale in (1.0, 0.94, 0.88, 0.82):
                cv = Canvas(W, H, s.paper)
                cv.tags = []
                fs = make_wide_fontset(fonts, s, scale)
                if WIDE_H_DESIGNS[name](cv, fonts, d, s, fs, compact) and cv.valid(2.5 * PX_PER_MM):
                    return cv.img, name, cv.tags, d
    raise RuntimeError("no design could place this card")


# -- captures --------------------------------------------------------------------------------


def _rot_axis(axis: np.ndarray, th: float) -> np.ndarray:
    a = axis / np.linalg.norm(axis)
    K = np.array([[0, -a[2], a[1]], [a[2], 0, -a[0]], [-a[1], a[0], 0]])
    return np.eye(3) + math.sin(th) * K + (1 - math.cos(th)) * K @ K


def wide_photo(
    card: Image.Image,
    rng: random.Random,
    nrng: np.random.Generator,
    portrait: bool,
    tilt_deg: float,
    holder: bool,
) -> np.ndarray:
    """A phone photo: the card plane turned ``tilt_deg`` away from the camera (a pinhole
    projection, so the far edge is shorter), on a desk, optionally in a clear plastic holder
    (a slightly larger sleeve: haze, bluish tint, bright edges and glare streaks)."""
    FW, FH = (1200, 1600) if portrait else (1600, 1200)
    a = paper_texture(card, nrng)
    ch, cw = a.shape[:2]
    bg, _kind = desk_background(FH, FW, rng, nrng)
    add_clutter(bg, rng)
    phi = rng.uniform(0, 2 * math.pi)
    R = _rot_axis(np.array([math.cos(phi), math.sin(phi), 0.0]), math.radians(tilt_deg))
    roll = math.radians(rng.uniform(-10, 10))
    Rz = np.array(
        [[math.cos(roll), -math.sin(roll), 0], [math.sin(roll), math.cos(roll), 0], [0, 0, 1]]
    )
    R = Rz @ R
    dist = rng.uniform(1.2, 1.8) * max(cw, ch)
    pad = [rng.uniform(2, 4) * PX_PER_MM for _ in range(3)] + [rng.uniform(5, 9) * PX_PER_MM]
    # sleeve corners (left, top, right, bottom pads; the open side is wider) and card corners
    rect = np.array([(0, 0), (cw, 0), (cw, ch), (0, ch)], np.float64)
    sleeve = np.array(
        [
            (-pad[0], -pad[1]),
            (cw + pad[2], -pad[1]),
            (cw + pad[2], ch + pad[3]),
            (-pad[0], ch + pad[3]),
        ]
    )

    def project(pts):
        p3 = np.c_[pts - (cw / 2, ch / 2), np.zeros(len(pts))] @ R.T
        return dist * p3[:, :2] / (p3[:, 2:3] + dist), p3[:, 2]

    q, depth = project(rect)
    qs, _ = project(sleeve)
    allq = np.r_[q, qs] if holder else q
    frac = rng.uniform(0.34, 0.55) if tilt_deg >= 14 else rng.uniform(0.36, 0.6)
    area = 0.5 * abs(np.dot(q[:, 0], np.roll(q[:, 1], 1)) - np.dot(q[:, 1], np.roll(q[:, 0], 1)))
    k = math.sqrt(frac * FW * FH / area)
    off = (rng.uniform(-1, 1), rng.uniform(-1, 1))
    for _ in range(80):
        span = allq * k
        sx = FW - 30 - (span[:, 0].max() - span[:, 0].min())
        sy = FH - 30 - (span[:, 1].max() - span[:, 1].min())
        if sx > 0 and sy > 0:
            break
        k *= 0.97
    cx = FW / 2 - (span[:, 0].max() + span[:, 0].min()) / 2 + off[0] * sx / 2
    cy = FH / 2 - (span[:, 1].max() + span[:, 1].min()) / 2 + off[1] * sy / 2
    dst = q * k + (cx, cy)
    Hm = cv2.getPerspectiveTransform(np.float32(rect), np.float32(dst))
    warped = cv2.warpPerspective(
        a, Hm, (FW, FH), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_CONSTANT
    )
    mask = cv2.warpPerspective(np.ones((ch, cw), np.float32), Hm, (FW, FH), flags=cv2.INTER_LINEAR)
    smask = mask
    if holder:
        T = np.array([[1, 0, -pad[0]], [0, 1, -pad[1]], [0, 0, 1]], np.float64)
        sw, sh = int(cw + pad[0] + pad[2]), int(ch + pad[1] + pad[3])
        smask = cv2.warpPerspective(
            np.ones((sh, sw), np.float32), Hm @ T, (FW, FH), flags=cv2.INTER_LINEAR
        )
    sdx, sdy = rng.uniform(4, 20), rng.uniform(6, 24)
    shadow = cv2.GaussianBlur(
        cv2.warpAffine(smask, np.float32([[1, 0, sdx], [0, 1, sdy]]), (FW, FH)),
        (0, 0),
        rng.uniform(10, 22),
    )
    bg *= (1 - rng.uniform(0.25, 0.45) * shadow)[..., None]
    img = bg * (1 - mask[..., None]) + warped * mask[..., None]
    if tilt_deg >= 14:  # depth of field: the far side of a strongly tilted card is softer
        yy, xx = np.mgrid[0:FH, 0:FW].astype(np.float32)
        A = np.c_[dst, np.ones(4)]
        coef, *_ = np.linalg.lstsq(A, depth, rcond=None)
        z = coef[0] * xx + coef[1] * yy + coef[2]
        z = np.clip((z - depth.min()) / max(1e-6, depth.max() - depth.min()), 0, 1)
        soft = cv2.GaussianBlur(img, (0, 0), rng.uniform(1.0, 1.8))
        al = (z * rng.uniform(0.5, 1.0))[..., None]
        img = img * (1 - al) + soft * al
    if holder:
        haze = np.array([214, 226, 240], np.float32)
        h_a = rng.uniform(0.07, 0.15)
        img = img * (1 - h_a * smask[..., None]) + haze * (h_a * smask[..., None])
        tintv = np.array([0.95, 0.985, 1.05], np.float32)
        img = img * (1 + (tintv - 1) * smask[..., None])
        er = cv2.erode(smask, np.ones((5, 5), np.uint8), iterations=1)
        edge = cv2.GaussianBlur(np.clip(smask - er, 0, 1), (0, 0), 1.2)
        img += (edge * rng.uniform(40, 80))[..., None]
        # glare: a broad band and a narrow streak across the sleeve, soft-edged
        yy, xx = np.mgrid[0:FH, 0:FW].astype(np.float32)
        ang = math.radians(rng.uniform(-70, 70) + 90)
        nx, ny = math.cos(ang), math.sin(ang)
        c0 = dst.mean(axis=0) + (
            rng.uniform(-0.25, 0.25) * (dst[:, 0].max() - dst[:, 0].min()),
            rng.uniform(-0.25, 0.25) * (dst[:, 1].max() - dst[:, 1].min()),
        )
        dd = (xx - c0[0]) * nx + (yy - c0[1]) * ny
        wid = rng.uniform(30, 80)
        g = np.exp(-((dd / wid) ** 2)) * rng.uniform(0.4, 0.62)
        g += np.exp(
            -(((dd - rng.choice([-1, 1]) * rng.uniform(2.2, 3.5) * wid) / (wid * 0.22)) ** 2)
        ) * rng.uniform(0.3, 0.5)
        g *= 1 + 0.25 * lowfreq(nrng, FH, FW, 120)
        g = np.clip(g, 0, 0.75) * smask
        img = img * (1 - g[..., None]) + np.array([250, 252, 255], np.float32) * g[..., None]
    yy, xx = np.mgrid[0:FH, 0:FW].astype(np.float32)
    ph = rng.uniform(0, 2 * math.pi)
    lin = ((xx - FW / 2) * math.cos(ph) + (yy - FH / 2) * math.sin(ph)) / (max(FW, FH) / 2)
    r2 = ((xx - FW / 2) ** 2 + (yy - FH / 2) ** 2) / ((FW / 2) ** 2 + (FH / 2) ** 2)
    light = rng.uniform(0.9, 1.02) + rng.uniform(0.05, 0.14) * lin - rng.uniform(0.05, 0.18) * r2
    cast = np.array([1 + rng.uniform(-0.05, 0.04), 1.0, 1 + rng.uniform(-0.05, 0.04)], np.float32)
    img = img * light[..., None] * cast
    sigma = rng.uniform(0.8, 1.4) if holder else rng.uniform(0.0, 1.0)
    if sigma > 0.15:
        img = cv2.GaussianBlur(img, (0, 0), sigma)
    img = add_noise(img, nrng, rng.uniform(1.5, 3.2))
    return np.clip(img, 0, 255).astype(np.uint8)


def wide_small(card: Image.Image, rng: random.Random, nrng: np.random.Generator) -> np.ndarray:
    """A small render: the card alone at 400×244 px (≈ 4.4 px/mm), or a scan reduced to 400 px
    wide."""
    if rng.random() < 0.7:
        a = paper_texture(card, nrng)
        out = cv2.resize(a, (400, 244), interpolation=cv2.INTER_AREA)
    else:
        scan, _clean = simulate_scan(card, rng, nrng)
        h, w = scan.shape[:2]
        out = cv2.resize(
            scan.astype(np.float32), (400, int(round(400 * h / w))), interpolation=cv2.INTER_AREA
        )
    out = add_noise(out, nrng, rng.uniform(0.3, 1.2))
    return np.clip(out, 0, 255).astype(np.uint8)


# -- driver ----------------------------------------------------------------------------------

# capture -> (cards, of which English-only) for 120 cards; scaled for other counts
WIDE_MIX = {
    "scan": (30, 8),
    "photo": (14, 4),
    "rotated": (12, 3),
    "small": (14, 4),
    "holder": (12, 3),
    "perspective": (14, 4),
    "vertical": (24, 0),
}


def generate_wide(out_dir: Path, count: int, seed: int, quiet: bool = False) -> list[dict]:
    fonts = WideFonts()
    master = random.Random(f"meishi:wide:{seed}")
    total = sum(v[0] for v in WIDE_MIX.values())
    counts = allocate({k: v[0] / total for k, v in WIDE_MIX.items()}, count)
    plan = []
    for cap, n in counts.items():
        n_en = int(n * WIDE_MIX[cap][1] / WIDE_MIX[cap][0] + 0.5)
        plan += [(cap, j < n_en) for j in range(n)]
    master.shuffle(plan)
    v_idx = [i for i, (c, _e) in enumerate(plan, start=1) if c == "vertical"]
    v_photo = set(master.sample(v_idx, int(len(v_idx) * 0.25 + 0.5))) if v_idx else set()
    jd, ed = list(WIDE_H_DESIGNS), list(WIDE_H_DESIGNS)
    master.shuffle(jd)
    master.shuffle(ed)
    out_dir.mkdir(parents=True, exist_ok=True)
    pat = re.compile(r"^wide_\d{3,}\.(jpg|png|json)$")
    for p in out_dir.iterdir():
        if pat.match(p.name):
            p.unlink()
    ji = ei = 0
    records, lowered = [], []
    for i, (capture, english) in enumerate(plan, start=1):
        card_id = f"wide_{i:03d}"
        rng = random.Random(f"meishi:wide:{seed}:{i}")
        nrng = np.random.default_rng([seed, i, 17])
        vertical = capture == "vertical"
        if vertical:
            design = "w_tate"
        elif english:
            design, ei = ed[ei % len(ed)], ei + 1
        else:
            design, ji = jd[ji % len(jd)], ji + 1
        d = wide_card_data(rng, english, vertical)
        s = wide_style(rng, english, vertical)
        card, layout, rtags, d = render_wide_card(fonts, d, s, design, vertical)
        rotation = 0
        tilt = None
        if capture in ("photo", "holder", "perspective") or i in v_photo:
            if capture == "perspective":
                tilt = rng.uniform(15, 20)
            elif capture == "holder":
                tilt = rng.uniform(3, 12)
            else:
                tilt = rng.uniform(2, 10)
            arr = wide_photo(card, rng, nrng, vertical, tilt, capture == "holder")
            q0 = rng.randint(72, 88)
            data, ext, q = encode(arr, "jpg", q0)
        elif capture == "small":
            arr = wide_small(card, rng, nrng)
            q0 = rng.randint(80, 92)
            data, ext, q = encode(arr, "png" if rng.random() < 0.3 else "jpg", q0)
        else:
            arr, clean = simulate_scan(card, rng, nrng)
            if capture == "rotated":
                rotation = rng.choice([90, 180, 270])
                arr = np.ascontiguousarray(np.rot90(arr, k=-rotation // 90))
            q0 = 92
            data, ext, q = encode(arr, "png" if clean else "jpg", q0)
        if ext == "jpg" and q and q < q0:
            lowered.append(f"{card_id} q{q0}->{q}")
        (out_dir / f"{card_id}.{ext}").write_bytes(data)
        features = sorted(set(d.tags) | set(rtags))
        rec = {
            "id": card_id,
            "capture": capture,
            "rotation": rotation,
            "layout": layout,
            "font": s.name_file() + (f"+{s.name_effect}" if s.name_effect else ""),
            "language": d.lang,
        }
        if tilt is not None:
            rec["tilt_deg"] = round(tilt, 1)
        rec["features"] = features
        rec["fields"] = d.fields
        (out_dir / f"{card_id}.json").write_text(
            json.dumps(rec, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        records.append(rec)
        if not quiet:
            print(
                f"{card_id}.{ext}  {capture:11s} rot={rotation:3d}  {layout:11s} {len(data) // 1024:4d} KB"
                f"  {d.fields['name'] or d.fields['name_roman']}",
                flush=True,
            )
    if lowered:
        print(
            f"re-encoded at lower JPEG quality to stay under {MAX_BYTES // 1000} KB: {', '.join(lowered)}",
            file=sys.stderr,
        )
    return records


# --------------------------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------------------------

SET_MIX = {
    "demo": {"scan": 0.5, "photo": 0.2, "rotated": 0.1, "vertical": 0.2},
    "eval": {"scan": 0.4, "photo": 0.3, "rotated": 0.15, "vertical": 0.15},
}
# Share of the horizontal cards (scan/photo/rotated) that are English-only.
EN_SHARE = {"demo": 0.0, "eval": 0.08}
# Whether the JSON records "language" (the committed demo set predates it and must not change).
WRITE_LANGUAGE = {"demo": False, "eval": True}
EN_DESIGNS = [k for k in H_DESIGNS if k != "bilingual"]  # "bilingual" is a kanji+romaji layout


def allocate(mix: dict, n: int) -> dict:
    raw = {k: v * n for k, v in mix.items()}
    out = {k: int(math.floor(v)) for k, v in raw.items()}
    rest = n - sum(out.values())
    for k in sorted(raw, key=lambda k: (-(raw[k] - out[k]), list(raw).index(k)))[:rest]:
        out[k] += 1
    return out


def generate(
    set_name: str, out_dir: Path, count: int, seed: int, quiet: bool = False
) -> list[dict]:
    fonts = Fonts()
    master = random.Random(seed)
    counts = allocate(SET_MIX[set_name], count)
    captures = [c for c in SET_MIX[set_name] for _ in range(counts[c])]
    master.shuffle(captures)
    hd = list(H_DESIGNS)
    vd = list(V_DESIGNS)
    master.shuffle(hd)
    master.shuffle(vd)
    # tategaki cards are mostly flat scans: a quarter of them (at least one) are photographed
    v_idx = [i for i, c in enumerate(captures, start=1) if c == "vertical"]
    v_photo = set(master.sample(v_idx, max(1, int(len(v_idx) * 0.25 + 0.5)))) if v_idx else set()
    # English-only cards: a separate generator, so sets without them are unchanged
    h_idx = [i for i, c in enumerate(captures, start=1) if c != "vertical"]
    n_en = int(EN_SHARE[set_name] * len(h_idx) + 0.5)
    en_idx = (
        set(random.Random(f"meishi:{set_name}:{seed}:en").sample(h_idx, n_en)) if n_en else set()
    )
    ed = list(EN_DESIGNS)
    random.Random(f"meishi:{set_name}:{seed}:en-designs").shuffle(ed)
    out_dir.mkdir(parents=True, exist_ok=True)
    pat = re.compile(rf"^{set_name}_\d{{3,}}\.(jpg|png|json)$")
    for p in out_dir.iterdir():  # remove stale cards of this set only
        if pat.match(p.name):
            p.unlink()
    hi = vi = ei = 0
    records = []
    lowered = []
    for i, capture in enumerate(captures, start=1):
        card_id = f"{set_name}_{i:03d}"
        rng = random.Random(f"meishi:{set_name}:{seed}:{i}")
        nrng = np.random.default_rng([seed, i, 7 if set_name == "demo" else 11])
        vertical = capture == "vertical"
        english = i in en_idx
        if vertical:
            design = vd[vi % len(vd)]
            vi += 1
        elif english:
            design = ed[ei % len(ed)]
            ei += 1
        else:
            design = hd[hi % len(hd)]
            hi += 1
        if english:
            d = sample_card_data_en(rng)
            s = english_style(sample_style(rng), rng)
        else:
            d = sample_card_data(rng, force_roman=design == "bilingual", short_contacts=vertical)
            s = sample_style(rng)
        exclude = ("bilingual",) if english else ()
        card, layout = render_card(fonts, d, s, design, vertical, exclude)
        language = "en" if english else ("bilingual" if layout == "bilingual" else "ja")
        rotation = 0
        if capture == "photo" or i in v_photo:
            arr, _bg = simulate_photo(card, rng, nrng, portrait=vertical)
            q0 = rng.randint(70, 88)
            data, ext, q = encode(arr, "jpg", q0)
            if q < q0:
                lowered.append(f"{card_id} q{q0}->{q}")
        else:
            arr, clean = simulate_scan(card, rng, nrng)
            if capture == "rotated":
                rotation = rng.choice([90, 180, 270])
                arr = np.ascontiguousarray(np.rot90(arr, k=-rotation // 90))  # clockwise
            data, ext, q = encode(arr, "png" if clean else "jpg", 92)
            if ext == "jpg" and q < 92:
                lowered.append(f"{card_id} q92->{q}")
        (out_dir / f"{card_id}.{ext}").write_bytes(data)
        rec = {
            "id": card_id,
            "capture": capture,
            "rotation": rotation,
            "layout": layout,
            "font": s.name_file,
        }
        if WRITE_LANGUAGE[set_name]:
            rec["language"] = language
        rec["fields"] = d.fields
        (out_dir / f"{card_id}.json").write_text(
            json.dumps(rec, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        records.append(rec)
        if not quiet:
            print(
                f"{card_id}.{ext}  {capture:8s} rot={rotation:3d}  {layout:14s} {len(data) // 1024:4d} KB"
                f"  {d.fields['name'] or d.fields['name_roman']}",
                flush=True,
            )
    if lowered:
        print(
            f"re-encoded at lower JPEG quality to stay under {MAX_BYTES // 1000} KB: {', '.join(lowered)}",
            file=sys.stderr,
        )
    return records


DEFAULT_COUNT = {"demo": 10, "eval": 300, "flatbed": 12, "wide": 120}
DEFAULT_SEED = {"demo": 1, "eval": 2024, "flatbed": 7, "wide": 2025}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--set",
        choices=sorted([*SET_MIX, "flatbed", "wide"]),
        required=True,
        help="capture mix and id prefix (flatbed: scans of several cards each; wide: what real "
        "cards do and the dev sets never show)",
    )
    ap.add_argument("--out", type=Path, required=True, help="output directory")
    ap.add_argument("--count", type=int, default=None, help="number of cards (demo 10, eval 300)")
    ap.add_argument("--seed", type=int, default=None, help="random seed (demo 1, eval 2024)")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    count = args.count if args.count is not None else DEFAULT_COUNT[args.set]
    seed = args.seed if args.seed is not None else DEFAULT_SEED[args.set]
    t0 = time.time()
    if args.set == "flatbed":
        recs = generate_flatbed(args.out, count, seed, quiet=args.quiet)
    elif args.set == "wide":
        recs = generate_wide(args.out, count, seed, quiet=args.quiet)
    else:
        recs = generate(args.set, args.out, count, seed, quiet=args.quiet)
    print(f"wrote {len(recs)} cards to {args.out} in {time.time() - t0:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
