#!/usr/bin/env python3
"""Render synthetic Japanese business cards (名刺) of FICTITIOUS people, with ground truth.

    python sample_cards/generate.py --set demo --out sample_cards/demo --count 10 --seed 1
    python sample_cards/generate.py --set eval --out sample_cards/eval --count 300 --seed 2024
    python sample_cards/generate.py --set flatbed --out sample_cards/flatbed --count 12 --seed 7

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


DEFAULT_COUNT = {"demo": 10, "eval": 300, "flatbed": 12}
DEFAULT_SEED = {"demo": 1, "eval": 2024, "flatbed": 7}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--set",
        choices=sorted([*SET_MIX, "flatbed"]),
        required=True,
        help="capture mix and id prefix (flatbed: scans of several cards each)",
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
    else:
        recs = generate(args.set, args.out, count, seed, quiet=args.quiet)
    print(f"wrote {len(recs)} cards to {args.out} in {time.time() - t0:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
