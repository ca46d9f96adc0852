"""Vietnamese knowledge the answering core uses, in one place: abbreviations, question words,
answer-type cues, place heads, titles and the name pattern. Folded (unaccented) forms are
derived from the accented ones here, never retyped."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from ingest.text.textnorm import has_diacritics, strip_diacritics


def folded(text: str) -> str:
    """Lower-case, without diacritics: the form names are compared in."""
    return strip_diacritics(text).lower()


def padded_words(text: str) -> str:
    """' w1 w2 … ': the folded words of ``text`` between spaces, so that a phrase occurs as
    whole words exactly when f' {phrase} ' is a substring."""
    return " " + " ".join(WORD.findall(folded(text))) + " "


def _both(words: list[str]) -> tuple[str, ...]:
    """Accented and folded forms, longest first (so 'huyện ủy' wins over 'huyện')."""
    forms = {w.lower() for w in words} | {folded(w) for w in words}
    return tuple(sorted(forms, key=lambda w: (-len(w.split()), -len(w), w)))


def _words(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """A word list's accented and folded sets."""
    words = text.split()
    return frozenset(words), frozenset(folded(w) for w in words)


def _alternation(words: list[str]) -> str:
    """A regex alternation of ``words`` in both forms, longest first."""
    return "|".join(re.escape(w) for w in _both(words))


WORD = re.compile(r"\w+(?:-\w+)*")  # "ki-lô-mét" is one word; a bare "--" is none
_TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # none, ` ´ ? ~ .
# Every capital Vietnamese letter, toned vowels derived ('Ấn Độ', 'Ứng Hòa'), never listed.
UPPER = "A-ZĐ" + "".join(
    sorted({unicodedata.normalize("NFC", v + t).upper() for v in "aăâeêioôơuưy" for t in _TONES})
)
# A capitalised word, and a run of them: "Phan Nhân Duy", "Đức Hòa".
CAPITALISED = rf"[{UPPER}][\wÀ-ỹ]*"
NAME = re.compile(rf"\b{CAPITALISED}(?:\s+{CAPITALISED})*")
# A run of two or more: what an answer states as a name ("Hà Nội", not the "Theo" opening it).
NAME_RUN = re.compile(rf"\b{CAPITALISED}(?:\s+{CAPITALISED})+")

# Abbreviations of Vietnamese public administration and news, matched both ways.
ABBREVIATIONS: dict[str, str] = {
    "UBND": "Ủy ban nhân dân", "HĐND": "Hội đồng nhân dân", "NTM": "nông thôn mới",
    "OCOP": "mỗi xã một sản phẩm", "NQ": "nghị quyết", "TP": "thành phố", "TX": "thị xã",
    "MTTQ": "Mặt trận Tổ quốc", "BCĐ": "Ban chỉ đạo", "BCH": "Ban Chấp hành",
    "BTV": "Ban Thường vụ", "ĐBQH": "đại biểu Quốc hội", "KT-XH": "kinh tế - xã hội",
    "CCHC": "cải cách hành chính", "KCN": "khu công nghiệp", "CCN": "cụm công nghiệp",
    "GPMB": "giải phóng mặt bằng", "ATTP": "an toàn thực phẩm", "HTX": "hợp tác xã",
    "BHXH": "bảo hiểm xã hội", "BHYT": "bảo hiểm y tế", "THCS": "trung học cơ sở",
    "THPT": "trung học phổ thông", "TAND": "Tòa án nhân dân",
    "VKSND": "Viện kiểm sát nhân dân", "CSGT": "cảnh sát giao thông",
    "PCCC": "phòng cháy chữa cháy", "TNGT": "tai nạn giao thông", "CSĐT": "cảnh sát điều tra",
    "CNTT": "công nghệ thông tin", "QĐ": "quyết định", "TTg": "Thủ tướng",
    "GD-ĐT": "giáo dục - đào tạo", "GRDP": "tổng sản phẩm trên địa bàn",
}  # fmt: skip

_ABBREVIATION = re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, ABBREVIATIONS))})(?!\w)")


def expand_abbreviations(text: str) -> str:
    """``text`` with the long form of each abbreviation it uses added at the end, so that
    'chỉ tiêu NQ' also reads as 'chỉ tiêu nghị quyết'."""
    found = dict.fromkeys(m.group(0) for m in _ABBREVIATION.finditer(text))
    return " ".join([text, *(ABBREVIATIONS[a] for a in found)])


# Words that ask rather than tell: they never appear in the answer, so they are not searched.
STOP, STOP_FOLDED = _words("""
ai gì nào đâu bao nhiêu mấy sao thế nào như thế nào là gì khi nào bao giờ vì sao tại sao
không có phải hay hỏi cho biết xin được vậy thì nhỉ ạ à hả những các của và là
""")
# Leading words that set the scene (time, counts, place heads, light verbs), not the focus.
SKIP_LEAD, SKIP_LEAD_FOLDED = _words("""
năm tháng ngày quý đến hết trong từ vào sau trước tính một hai ba bốn sáu bảy tám chín mười
huyện xã tỉnh thị quận phường thành phố trấn thôn đặt có đạt được làm đưa ra
""")
# Words linking a measured attribute to "bao nhiêu": "dài (là) bao nhiêu".
LINKS, LINKS_FOLDED = _words("là được có")
ASK_QUANTITY = re.compile(rf"\b(?:{_alternation(['bao nhiêu', 'mấy'])})\b", re.IGNORECASE)
# Phrases about the articles themselves ("mentioned in the article"), not about the facts.
META = re.compile(
    rf"\b(?:được |duoc )?(?:{_alternation(['nhắc', 'đề cập', 'nói'])}) "
    rf"(?:{_alternation(['tới', 'đến'])})\b"
    rf"|\b(?:{_alternation(['trong', 'theo', 'trong các'])}) (?:bài|bai)"
    rf"(?: (?:{_alternation(['viết', 'báo'])}))?(?: (?:{_alternation(['này'])}))?\b",
    re.IGNORECASE,
)
# Spelled-out units and their symbols, so "mét" in a question matches "m" in an article.
UNITS = {"mét": "m", "met": "m", "ki-lô-mét": "km", "kilômét": "km", "héc-ta": "ha",
         "hec-ta": "ha", "hecta": "ha"}  # fmt: skip

# The units a measured attribute is given in, when the question names no unit: "cầu dài bao
# nhiêu?" wants metres, not the "350 tỉ đồng" it cost. Keyed by the attribute's last word, as
# the question analysis finds it ("diện tích" -> "tích"), folded.
_LENGTH, _MONEY = ["m", "km", "cm", "mét"], ["đồng", "usd", "đô"]
_MEASURES = {
    "dài": _LENGTH, "rộng": _LENGTH, "cao": _LENGTH, "sâu": _LENGTH,
    "diện tích": ["ha", "m2", "km2", "héc-ta"], "nặng": ["kg", "tấn"],
    "vốn": _MONEY, "kinh phí": _MONEY, "đầu tư": _MONEY, "giá": _MONEY, "dân số": ["người"],
}  # fmt: skip
# Words that scale a number before its unit: "350 tỉ đồng".
SCALES = tuple(dict.fromkeys(folded(w) for w in ["nghìn", "ngàn", "trăm", "triệu", "tỉ", "tỷ"]))
IMPLIED_UNITS = {
    folded(attribute.split()[-1]): tuple(dict.fromkeys(folded(u) for u in units))
    for attribute, units in _MEASURES.items()
}
# Words that may follow a number as its unit or scale: "120 triệu đồng", "12/15 xã".
UNIT_WORDS = _both(
    [
        "triệu", "tỷ", "tỉ", "nghìn", "ngàn", "trăm", "vạn", "đồng", "usd", "đô", "km", "m", "ha",
        "kg", "tấn", "người", "lượt", "hộ", "xã", "huyện", "tỉnh", "trường", "dự án",
        "doanh nghiệp",
        "lần", "tuổi", "năm", "tháng", "ngày", "giờ", "phút", "km2", "m2", "mét", "héc-ta", "cây",
        "con", "chiếc", "căn", "công trình", "sản phẩm", "chỉ tiêu", "điểm", "bàn", "triệu đồng",
        "tỷ đồng",
    ]
)  # fmt: skip
# Heads that put a place name after them: "huyện Đức Hòa", "Huyện ủy Thạch Thất".
_PLACE_HEAD_WORDS = [
    "thị xã", "thành phố", "thị trấn", "huyện", "xã", "tỉnh", "quận", "phường", "thôn",
    "ấp", "bản", "làng", "tp",
]  # fmt: skip
# A place's party committee names the place: "Huyện ủy Cần Đước" is about huyện Cần Đước.
COMMITTEES = {"huyện ủy": "huyện", "tỉnh ủy": "tỉnh", "thành ủy": "thành phố",
              "quận ủy": "quận", "thị ủy": "thị xã", "đảng ủy": "xã"}  # fmt: skip
PLACE_HEADS = _both([*_PLACE_HEAD_WORDS, *COMMITTEES])
PLACE_HEAD_WORDS = tuple(_PLACE_HEAD_WORDS)  # accented, longest of a family first
# Every place head (and its committee) in folded form -> its place kind: "huyen uy" -> "huyện".
PLACE_KIND = (
    {folded(h): h for h in _PLACE_HEAD_WORDS}
    | {folded(c): k for c, k in COMMITTEES.items()}
    | {"tp": "thành phố"}
)
# Place kinds a list question asks for: "Những huyện nào …".
LIST_HEADS = _both([h for h in _PLACE_HEAD_WORDS if h != "tp"])
# Titles, offices and callings that stand before a name without being part of it, also
# after a word that makes them former or deputy ones: "Cựu Tổng thống Barack Obama"; and the
# nouns that head a firm's or a prize's name: "Giải Cúp các hội chợ …" names no "Giải Cúp".
_TITLES = [
    "bí thư", "chủ tịch", "giám đốc", "trưởng ban", "bộ trưởng", "thứ trưởng", "thủ tướng",
    "tổng bí thư", "tổng thống", "tổng giám đốc", "chủ tịch nước", "chủ tịch hđqt", "thống đốc",
    "đại sứ", "hiệu trưởng", "huấn luyện viên", "đạo diễn", "nhà sản xuất", "nhà sáng lập",
    "người sáng lập", "ủy ban nhân dân", "ubnd", "hội đồng nhân dân", "hđnd",
    "mặt trận tổ quốc", "đồng chí", "ông", "bà", "anh", "chị", "tác giả", "nhà văn", "nhà thơ",
    "nhà báo", "nhà khoa học", "ca sĩ", "nhạc sĩ", "họa sĩ", "nghệ sĩ", "diễn viên",
    "người mẫu", "hoa hậu", "á hậu", "cầu thủ", "danh thủ", "tiền đạo", "thủ môn", "kình ngư",
    "vận động viên", "doanh nhân", "tỷ phú", "giáo sư", "tiến sĩ", "bác sĩ", "vua", "hoàng đế",
    "hoàng tử", "công chúa", "nữ hoàng", "hoàng hậu", "tướng", "đại tướng", "thượng tướng",
    "trung tướng", "thiếu tướng", "tập đoàn", "công ty", "nước", "người", "giải thưởng",
    "giải", "cúp",
]  # fmt: skip
_DEPUTY = ["phó", "nguyên", "cựu", "quyền", "tân"]
TITLE_WORDS = _both(_TITLES + [f"{d} {t}" for d in _DEPUTY for t in _TITLES])
# Words that end a name: "huyện Đức Hòa là…", "huyen duc hoa la ai". Unaccented, only those
# that are no common syllable of a name ("duoc" is also Cần Đước, "nam" Hà Nam).
ENDS_NAME, _ = _words("""
là có được đã đang sẽ thì ở và của ai gì nào đâu bao mấy sao năm trong tại với từ đến nay
này đó vào khi lúc cho để bằng
""")
ENDS_NAME_FOLDED, _ = _words("la co thi va cua ai gi nao dau bao trong tai voi tu den vao khi luc")

# Vietnamese family names: a capitalised run opening with one is likely a person.
SURNAMES, _ = _words(
    """Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Trương Lâm
    Mai Cao Trịnh Đào Đoàn Lương Tạ Hà Chu Thái Tô Quách Lưu La Tăng Kiều Triệu Vương Doãn Châu
    Từ Nông Lại Mạc Tôn Khổng Âu Hứa Thân Phùng Diệp Giang Lã Lục Tống Khúc Ông Kim"""
)
# Lower-case particles inside European names: "Guido van Rossum", "Marcelo Rebelo de Sousa".
NAME_PARTICLES = ("van", "von", "der", "den", "de", "del", "dos", "bin", "ibn")
# Words before a name that make it a place, not a person: "tại Glen Ridge", "người Mỹ".
PLACE_CUES = _both(["ở", "tại", "thuộc", "từ", "đến", "người", "quốc tịch", "nước", "sang"])
# Nouns that ask for a person with "nào": "ca sĩ nào", "vị vua nào".
PERSON_NOUNS = [
    "người", "vị", "vua", "chúa", "hoàng đế", "nhân vật", "cầu thủ", "ca sĩ", "ca sỹ", "họa sĩ",
    "nhạc sĩ", "nghệ sĩ", "nhà văn", "nhà thơ", "nhà khoa học", "diễn viên", "vận động viên",
    "tổng thống", "thủ tướng", "tướng", "danh tướng", "tác giả", "huấn luyện viên",
    "trọng tài", "nhà soạn kịch", "nhà tiên tri", "tỷ phú", "tỉ phú", "tay đua", "vị thần",
    "thần", "nhạc sỹ", "hoạ sĩ", "trạng nguyên", "doanh nhân", "hoa hậu", "nhân vật lịch sử",
]  # fmt: skip
# Words that open with one of them and name no person: "vị trí nào" asks for a position,
# "người nước nào" for a country.
_NOT_PERSONS = ["vị trí", "vị thế", "người ta", "người nước"]
NOT_PERSONS = _both(_NOT_PERSONS)
# A question without a question word that opens with one of them asks who: "Người châu Á
# đầu tiên bay vào không gian?", "Nhà thơ được mệnh danh là …?".
PERSON_LEADS = _both(PERSON_NOUNS)
# Nouns that ask for a name: "Tên thật của chúa Sãi là gì?", "Bút danh của nhà văn …?".
NAMINGS = _both(
    ["tên", "tên thật", "tên khai sinh", "tên hiệu", "tên gọi", "tên húy", "bút danh",
     "bí danh", "biệt danh", "niên hiệu", "pháp danh", "nghệ danh"]
)  # fmt: skip
# Works, whose titles Vietnamese writes with one capital: "phim Bỗng dưng muốn khóc".
_WORK_NOUNS = [
    "tác phẩm", "bộ phim", "phim", "bài hát", "ca khúc", "tiểu thuyết", "truyện", "bài thơ",
    "tập thơ", "cuốn sách", "vở kịch",
]  # fmt: skip
WORK_NOUNS = _both(_WORK_NOUNS)
# The nouns an organisation's name stands after: "công ty Fecon", "tập đoàn Vingroup".
_ORGANISATIONS = [
    "công ty", "tập đoàn", "ngân hàng", "trường", "đại học", "bệnh viện", "câu lạc bộ",
    "tổ chức", "khu công nghiệp",
]  # fmt: skip
ORGANISATIONS = _both(_ORGANISATIONS)
# Nouns that ask for a proper name with "nào": "đường cao tốc nào", "đội nào".
NAMED_NOUNS = [
    "đường", "cao tốc", "quốc lộ", "tuyến", "sông", "núi", "cầu", "hồ", "đảo", *_ORGANISATIONS,
    "dự án", "đội", "nước", "quốc gia", "giải", *_WORK_NOUNS, "triều đại", "đảng", "làng",
    "chùa", "đền",
]  # fmt: skip
_PERSON_NOUN, _NOT_PERSON = "|".join(PERSON_NOUNS), "|".join(_NOT_PERSONS)
# Question words that say what shape of answer is wanted, first match wins.
TYPE_CUES: list[tuple[str, str]] = [
    ("list", r"\b(?:những|các)\s+(?:\w+\s+){1,3}nào\b|\bgồm những\b|\bkể tên\b"),
    ("number", r"\bbao nhiêu\b|\bmấy\b|\bsố lượng\b|\btỷ lệ\b|\btỉ lệ\b"),
    ("time", r"\bkhi nào\b|\bbao giờ\b|\bnăm nào\b|\bngày nào\b|\bthời gian nào\b"),
    ("person", rf"\bai\b|\b(?!(?:{_NOT_PERSON})\b)(?:{_PERSON_NOUN})(?: \w+){{0,2}} nào\b"),
    ("place", rf"\bở đâu\b|\bnơi nào\b|\b(?:{'|'.join(_PLACE_HEAD_WORDS[:9])}) nào\b"),
    ("name", rf"\b(?:{'|'.join(NAMED_NOUNS)}) nào\b"),
]
TYPE_CUES_FOLDED = [(kind, folded(cue)) for kind, cue in TYPE_CUES]
# Family relations: "Mẹ của Hari Won?" asks for a person standing in one to a name; a
# question with no question word that opens with one ("Chồng của Hari Won?") or with an
# office ("Tổng giám đốc công ty Vietjet?") asks for a person.
_KIN = [
    "chồng", "vợ", "con", "con gái", "con trai", "cha", "bố", "mẹ", "anh trai", "em gái",
    "em trai", "chị gái", "ông xã", "bà xã",
]  # fmt: skip
KIN = _both(_KIN)
# A family relation asked of a name: "Mẹ của Hari Won", "con trai của Will Smith".
KIN_ASKED = re.compile(rf"\b(?:{'|'.join(map(re.escape, KIN))})(?:\s+\w+)?\s+(?:của|cua)\b")
# What states one: any relation, since one is often told by its inverse ('Y là con trai của X'
# answers 'Cha của Y?') or by a marriage ('kết hôn với' answers 'Chồng của X?').
KIN_STATED = tuple(
    dict.fromkeys(folded(w) for w in (*_KIN, "kết hôn", "cưới", "phu nhân", "phu quân"))
)
OFFICES = _both(["tổng giám đốc", "tổng thống", "chủ tịch", "giám đốc", "thủ tướng", "bộ trưởng"])
DEPUTY = folded("phó")  # 'Phó Tổng giám đốc' holds another office than 'Tổng giám đốc'
# Roles a name stands after: offices and family relations. 'Thủ tướng Nhật Bản Shinzo Abe'
# does not answer who the 'tổng thống' is, nor 'mẹ Trấn Thành' who Hari Won's father is.
ROLES = _both(
    [*(w for w in OFFICES), "phó thủ tướng", "chủ tịch nước", "tổng bí thư", "bí thư",
     "hiệu trưởng", "thứ trưởng", "thống đốc", "đại sứ", "huấn luyện viên", "đạo diễn",
     "nhà sản xuất", "quản lý", "người sáng lập", "nhà sáng lập",
     *KIN, "anh", "em", "chị", "ông nội", "bà nội", "ông ngoại", "bà ngoại"]
)  # fmt: skip
# Words that make another office or relation of the one asked when they stand before it:
# "Phó tổng giám đốc" is not the "tổng giám đốc", a "mẹ chồng" not the "chồng".
MODIFIERS = frozenset(
    _both(["phó", "nguyên", "cựu", "quyền", "bố", "cha", "mẹ", "con", "vợ", "chồng", "em",
           "anh", "chị", "cháu"])
)  # fmt: skip
# Offices that a country's name follows before the holder's: "Tổng thống Pháp Emmanuel
# Macron". Elsewhere a name may open with a country's ("Mỹ Tâm", "Nhật Kim Anh", "Đức Phúc").
STATE_OFFICES = _both(
    ["tổng thống", "phó tổng thống", "thủ tướng", "phó thủ tướng", "chủ tịch nước",
     "ngoại trưởng", "bộ trưởng", "đại sứ", "quốc vương", "vua", "nhà vua", "nữ hoàng",
     "hoàng tử", "công chúa", "hoàng hậu", "thái tử", "tổng bí thư", "nhà lãnh đạo",
     "lãnh đạo", "đệ nhất phu nhân"]
)  # fmt: skip
# Countries, capitalised as news names them: "Tổng thống Hàn Quốc", "Bộ Tài chính Mỹ". An
# office followed by another country than the one asked about is another office holder.
_COUNTRY_NAMES = (
    "Việt Nam", "Mỹ/Hoa Kỳ", "Pháp", "Anh/Vương quốc Anh", "Đức", "Nga", "Trung Quốc",
     "Nhật Bản/Nhật", "Hàn Quốc", "Triều Tiên", "Ấn Độ", "Lào", "Campuchia", "Thái Lan",
     "Singapore", "Malaysia", "Indonesia", "Philippines", "Myanmar", "Úc/Australia", "Canada",
     "Ý/Italy", "Tây Ban Nha", "Bồ Đào Nha", "Hà Lan", "Bỉ", "Thụy Sĩ/Thụy Sỹ", "Thụy Điển",
     "Na Uy", "Đan Mạch", "Phần Lan", "Ba Lan", "Ukraine/Ukraina", "Israel", "Iran",
     "Iraq/Irag", "Ai Cập", "Nam Phi", "Brazil", "Argentina", "Mexico", "Cuba", "Đài Loan",
     "Mông Cổ", "Thổ Nhĩ Kỳ", "Hy Lạp", "Áo", "Séc", "Hungary", "New Zealand",
     "Ả Rập Xê Út/Saudi Arabia", "Pakistan", "Bangladesh", "Venezuela"
)  # fmt: skip
# Each country's name in both forms, as word tuples ('Hàn', 'Quốc') -> its folded name (the
# first of its names: 'Hoa Kỳ' is 'mỹ'). Tone marks on 'uy' sit either way ('Thụy', 'Thuỵ').
COUNTRIES = {
    tuple(form.split()): folded(names.split("/")[0])
    for names in _COUNTRY_NAMES
    for name in names.split("/")
    for form in {name, name.replace("ụy", "uỵ"), strip_diacritics(name)}
}
# Words that open a sentence, capitalised there, without being part of the name after them:
# "Theo Chủ tịch …", "Trong Đảng …".
OPENERS = frozenset(
    _both(["theo", "trong", "tại", "sau", "khi", "với", "từ", "để", "do", "vì", "nhưng",
           "tuy", "ngoài", "trước", "cùng", "đến", "về", "bởi", "nếu", "còn", "và", "cả"])
)  # fmt: skip
# Pronouns a sentence about a person opens with when the sentence before names them:
# "Nguyễn Thành Trung … . Ông là người đã lái máy bay …".
PRONOUNS = frozenset(["Ông", "Bà", "Anh", "Chị", "Cô", "Cậu", "Chàng", "Nàng", "Hắn"])
# Words that make a sentence a question, not an answer: "Tên khai sinh của Bác Hồ là gì."
_INTERROGATIVE = [
    "là ai", "là gì", "bao nhiêu", "khi nào", "ở đâu", "như thế nào", "tại sao", "vì sao",
    "bao giờ", "có phải",
]  # fmt: skip
INTERROGATIVES = _both(_INTERROGATIVE)
# The words questions are made of, as they are written: an unaccented question gets these
# accents back even where the retrieved text, which states and does not ask, spells the same
# letters otherwise ('bao nhieu' is not 'bao nhiều', 'do ai' not 'đó ai'). A phrase of two
# words or more always; a single word unless the text writes it so beside its neighbour
# ('Bùi Đức Ái').
_ASKING = [
    *_INTERROGATIVE, "năm nào", "ngày nào", "nơi nào", "do ai", "của ai", "ai", "nào", "gì",
    "mấy", "là",
]  # fmt: skip
QUESTION_FORMS: dict[tuple[str, ...], tuple[str, ...]] = {
    tuple(folded(p).split()): tuple(p.split()) for p in _ASKING
}
# Ordinals written in words ('người thứ tư', 'lần thứ hai'), and the parts of a day a news
# date is written after ('Sáng 31-3', 'chiều 12.5') as it is after 'ngày' or 'hôm'.
ORDINAL_WORDS = ("nhất", "nhì", "hai", "ba", "tư", "năm", "sáu", "bảy", "tám", "chín", "mười")
DAY_PARTS = ("ngày", "hôm", "sáng", "trưa", "chiều", "tối", "đêm")
# A time expression in an answer: "năm 2025", "tháng 10", "15/3", "Sáng 31-3", "2021".
TIME = re.compile(
    rf"\b(?:năm|tháng|quý|cuối|đầu|giữa|(?i:{'|'.join(DAY_PARTS)}))\s+\S*\d"
    r"|\d{1,2}/\d{1,2}|\b(?:19|20)\d\d\b"
)


@cache
def as_written(phrases: tuple[str, ...]) -> tuple[str, ...]:
    """The phrases of a ``_both`` tuple that accented text can hold: not the folded form of
    another ('ba' of 'bà'), which only stands for it in text typed without accents."""
    aliases = {folded(p) for p in phrases if has_diacritics(p)}
    return tuple(p for p in phrases if has_diacritics(p) or p not in aliases)


@cache
def _leading(phrases: tuple[str, ...], written: bool) -> re.Pattern[str]:
    chosen = as_written(phrases) if written else phrases
    return re.compile("|".join(rf"{re.escape(p)}(?![\w-])" for p in chosen))


def leading_phrase(text: str, phrases: tuple[str, ...]) -> str | None:
    """The longest of ``phrases`` that lower-cased ``text`` starts with as whole words. In
    accented text only their written forms count: 'Ba Vì' is a place, not 'bà'."""
    m = _leading(phrases, has_diacritics(text)).match(text.lower())
    return m.group(0) if m else None


def strip_leading(words: list[str], phrases: tuple[str, ...]) -> list[str]:
    """``words`` without the title or head phrases they start with (repeatedly)."""
    written = has_diacritics(" ".join(words))
    while words and (m := _leading(phrases, written).match(" ".join(words).lower())):
        words = words[len(m.group(0).split()) :]
    return words


def either_form(pattern: str) -> re.Pattern[str]:
    """``pattern`` matching accented text or its folded form (the folded pattern derived)."""
    return re.compile(f"(?:{pattern})|(?:{folded(pattern)})")


# What asks for an article's own metadata rather than a fact.
DATE_Q = either_form(
    r"(?:được )?đăng (?:vào )?(?:ngày|lúc|khi|hôm) nào|ngày đăng|đăng (?:khi nào|bao giờ)"
    r"|xuất bản (?:ngày|khi) nào|thời gian đăng"
)
# A time question that asks for the year alone: "sinh năm nào?" (not the day and month).
ASKS_YEAR = either_form(r"\bnăm (?:nào|bao nhiêu)\b")
ASKS_ORDINAL = either_form(r"\bthứ (?:mấy|bao nhiêu)\b")  # 'người thứ mấy': 'thứ tư'
# What a question about an article's byline or date says besides its subject: "Ai là tác giả
# bài viết về [Gia Lâm]?" (the accented forms only).
META_CUES = re.compile(
    r"(?:ai là )?tác giả( của)?|ai (là người )?viết|người viết"
    r"|(?:được )?đăng (vào )?(?:ngày|lúc|khi|hôm) nào|ngày đăng|đăng khi nào|đăng bao giờ"
    r"|xuất bản (?:ngày|khi) nào|bài (?:viết|báo)|\bvề\b|\?",
    re.IGNORECASE,
)
AUTHOR_Q = either_form(r"tác giả|ai (?:là người )?viết|người viết|bút danh|ai đưa tin")
ARTICLE_Q = either_form(r"\bbài (?:viết|báo|về)\b|\bbản tin\b|\b(?:bài|tin) (?:này|đó|trên)\b")
