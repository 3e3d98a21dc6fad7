"""Dictionaries of the words that mark company, department and title lines."""

from __future__ import annotations

import re

from meishi.charclass import KANJI, KATAKANA

LEGAL_FORMS_JA = (
    "株式会社",
    "有限会社",
    "合同会社",
    "合資会社",
    "合名会社",
    "一般社団法人",
    "公益社団法人",
    "一般財団法人",
    "公益財団法人",
    "特定非営利活動法人",
    "NPO法人",
    "社会福祉法人",
    "医療法人",
    "学校法人",
    "国立大学法人",
    "独立行政法人",
    "税理士法人",
    "弁護士法人",
    "特許業務法人",
    "弁理士法人",
    "監査法人",
    "司法書士法人",
    "行政書士法人",
    "協同組合",
    "(株)",
    "(有)",
    "(同)",
    "(合)",
    "(名)",
    "(資)",
    "(一社)",
    "(公社)",
    "(一財)",
    "(公財)",
    "(特非)",
    "(医)",
    "(学)",
    "(社福)",
    "(独)",
    "㈱",
    "㈲",
)
LEGAL_FORMS_EN = re.compile(
    r"\b(Co\.,? ?Ltd\.?|Inc\.?|Corp\.?|Corporation|K\.K\.|LLC|L\.L\.C\.|Ltd\.?|"
    r"Limited|GK|G\.K\.|Company|Holdings|LLP|"
    # an organisation's name ends in what it is, where a firm's ends in its legal form
    r"Association|Organi[sz]ation|Foundation|Institute|Society|Firm|Partners)(?=$|[\s,.)])",
    re.IGNORECASE,
)

# Longest first so 代表取締役社長 wins over 社長.
TITLES_JA = tuple(
    sorted(
        (
            "代表取締役社長",
            "代表取締役会長",
            "代表取締役副社長",
            "代表取締役",
            "取締役社長",
            "取締役副社長",
            "専務取締役",
            "常務取締役",
            "取締役",
            "執行役員",
            "常務執行役員",
            "専務執行役員",
            "上席執行役員",
            "会長",
            "副会長",
            "社長",
            "副社長",
            "代表",
            "代表理事",
            "常務理事",
            "専務理事",
            "職務執行者",
            "アシスタント",
            "スタッフ",
            "理事長",
            "理事",
            "監事",
            "事務局長",
            "所長",
            "副所長",
            "支店長",
            "副支店長",
            "工場長",
            "本部長",
            "副本部長",
            "事業部長",
            "部長",
            "副部長",
            "部長代理",
            "次長",
            "室長",
            "課長",
            "課長代理",
            "課長補佐",
            "係長",
            "主任",
            "主査",
            "主事",
            "班長",
            "店長",
            "副店長",
            "センター長",
            "グループ長",
            "チームリーダー",
            "リーダー",
            "チーフ",
            "マネージャー",
            "マネジャー",
            "シニアマネージャー",
            "ゼネラルマネージャー",
            "プロジェクトマネージャー",
            "ディレクター",
            "アートディレクター",
            "プロデューサー",
            "エンジニア",
            "シニアエンジニア",
            "デザイナー",
            "コンサルタント",
            "シニアコンサルタント",
            "アナリスト",
            "スペシャリスト",
            "研究員",
            "主任研究員",
            "上席研究員",
            "技師",
            "技術士",
            "税理士",
            "弁護士",
            "公認会計士",
            "司法書士",
            "行政書士",
            "社会保険労務士",
            "弁理士",
            "中小企業診断士",
            "一級建築士",
            "建築士",
            "教授",
            "准教授",
            "講師",
            "助教",
            "秘書",
            "担当",
            "営業担当",
            "広報担当",
            "代表社員",
            "業務執行社員",
            "パートナー",
            "アソシエイト",
            "フェロー",
            "CEO",
            "COO",
            "CTO",
            "CFO",
            "CMO",
            "CIO",
            "CDO",
            "VP",
        ),
        key=len,
        reverse=True,
    )
)
_TITLE_EN_WORD = (
    r"(?:Secretary General|Chief \w+ Officer|Head of [A-Z][\w ]+|Manager|Director|President|Engineer|Designer|"
    r"Consultant|Partner|Founder|Officer|Producer|Representative|Supervisor|Researcher|"
    r"Scientist|Specialist|Analyst|Associate|Coordinator|Advis[eo]r|Architect|Secretary|"
    r"Assistant|Executive|Chairman|Chairperson|Leader|Lead|Chief|Principal|Fellow|Professor|"
    r"Attorney|Accountant|Developer|Planner|Editor|Auditor|CEO|COO|CTO|CFO|CMO|CIO|CDO|VP)"
)
_TITLE_EN_MODIFIER = (
    r"(?:Senior|Sr\.|Junior|Jr\.|Executive|Assistant|Associate|Account|General|Project|Sales|"
    r"Product|Regional|Deputy|Vice|Chief|Lead|Principal|Managing|Technical|Marketing|Software|"
    r"Research|Representative|Corporate|Country|Area|Branch|Business|Program|Creative|Art|"
    r"Customer|Key|Staff)"
)
_TITLE_EN_ONE = rf"(?:{_TITLE_EN_MODIFIER}\s+)*{_TITLE_EN_WORD}"
#: an English job title: modifiers and a title word, several joined by & / and (President & CEO)
TITLES_EN = re.compile(rf"\b{_TITLE_EN_ONE}(?:\s*(?:&|/|and)\s*{_TITLE_EN_ONE})*\b")

DEPARTMENT_SUFFIXES = (
    "事業本部",
    "本部",
    "事業部",
    "部",
    "課",
    "室",
    "グループ",
    "チーム",
    "センター",
    "局",
    "係",
    "支店",
    "支社",
    "営業所",
    "研究所",
    "ユニット",
    "オフィス",
    "ディビジョン",
    "統括",
)
#: the function a title is of, after a comma: "General Manager, Sales", "Director, Business
#: Development"
_FUNCTION_EN = (
    r"(?:Sales|Marketing|Engineering|Finance|Operations|Business Development|Development|"
    r"Human Resources|HR|IT|R&D|Research(?: & Development| and Development)?|Products?|Design|"
    r"Strategy|Technology|Accounting|Legal|Purchasing|Procurement|Planning|Public Relations|PR|"
    r"Customer Success|Customer Support|Support|Asia Pacific|APAC|Japan|Overseas|International|"
    r"Global|Corporate|Communications|Partnerships|Alliances|Quality Assurance|Administration)"
)
_FUNCTIONS_EN = rf"{_FUNCTION_EN}(?:\s+{_FUNCTION_EN})*"
#: a title and what it is of, after a comma: "General Manager, Sales", "Senior Manager,
#: Product Marketing", "General Manager, Osaka Branch", or a second title ("Representative
#: Director, President"; "Partner, Patent Attorney")
TITLE_OF_FUNCTION_EN = re.compile(
    rf"{_TITLE_EN_ONE},\s*(?:"
    rf"(?:(?:Global|International|Domestic|Regional)\s+)?{_FUNCTIONS_EN}"
    rf"(?:\s*(?:&|and|/)\s*{_FUNCTIONS_EN})*"
    rf"|[A-Z][a-z]+\s+(?:Branch|Office|Plant|Factory|Region|Area)"
    rf"|(?:Patent\s+)?{_TITLE_EN_ONE})"
)

DEPARTMENT_EN = re.compile(
    r"\b(Department|Dept\.?|Division|Div\.|Section|Group|Team|Office|Unit|Bureau|Center|Centre|"
    r"Headquarters|Laboratory|Lab|Branch|Plant|Factory)\b"
)

PREFECTURES = (
    "北海道",
    "青森県",
    "岩手県",
    "宮城県",
    "秋田県",
    "山形県",
    "福島県",
    "茨城県",
    "栃木県",
    "群馬県",
    "埼玉県",
    "千葉県",
    "東京都",
    "神奈川県",
    "新潟県",
    "富山県",
    "石川県",
    "福井県",
    "山梨県",
    "長野県",
    "岐阜県",
    "静岡県",
    "愛知県",
    "三重県",
    "滋賀県",
    "京都府",
    "大阪府",
    "兵庫県",
    "奈良県",
    "和歌山県",
    "鳥取県",
    "島根県",
    "岡山県",
    "広島県",
    "山口県",
    "徳島県",
    "香川県",
    "愛媛県",
    "高知県",
    "福岡県",
    "佐賀県",
    "長崎県",
    "熊本県",
    "大分県",
    "宮崎県",
    "鹿児島県",
    "沖縄県",
)
BUILDING = re.compile(
    r"(ビル|タワー|スクエア|ハイツ|マンション|プラザ|センター|会館|号館|棟|階|号室|\d+F\b|\dF$|"
    rf"B\d+F|(?<=[{KATAKANA}{KANJI}])\d{{2,4}}$)"  # ラピスタワー1705: a room
)

#: prefectures as English cards print them (ローマ字, without -ken/-fu/-to)
PREFECTURES_EN = (
    "Hokkaido",
    "Aomori",
    "Iwate",
    "Miyagi",
    "Akita",
    "Yamagata",
    "Fukushima",
    "Ibaraki",
    "Tochigi",
    "Gunma",
    "Saitama",
    "Chiba",
    "Tokyo",
    "Kanagawa",
    "Niigata",
    "Toyama",
    "Ishikawa",
    "Fukui",
    "Yamanashi",
    "Nagano",
    "Gifu",
    "Shizuoka",
    "Aichi",
    "Mie",
    "Shiga",
    "Kyoto",
    "Osaka",
    "Hyogo",
    "Nara",
    "Wakayama",
    "Tottori",
    "Shimane",
    "Okayama",
    "Hiroshima",
    "Yamaguchi",
    "Tokushima",
    "Kagawa",
    "Ehime",
    "Kochi",
    "Fukuoka",
    "Saga",
    "Nagasaki",
    "Kumamoto",
    "Oita",
    "Miyazaki",
    "Kagoshima",
    "Okinawa",
)
#: what only an English address line says: a ward or city suffix, a building, a prefecture
ADDRESS_EN = re.compile(
    r"\b[A-Z][a-z]+-(?:ku|shi|cho|machi|gun|mura|chome)\b|\bJapan\b|\bBldg\b|\bBuilding\b"
    r"|\bFloor\b|\b(?:" + "|".join(PREFECTURES_EN) + r")(?:-(?:ken|fu|to))?\b"
    # a building and its floor, the line an address starts with (Central Tower 2F,)
    r"|\b(?:Tower|Square|Plaza|Kaikan|Hall|Heights|Court|Residence)\b.*\b\d{1,2}F\b",
)
