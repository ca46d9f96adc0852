import random
import unicodedata

import pytest

from ingest.text.textnorm import (
    canonical_tones,
    decode_bytes,
    fix_mojibake_line,
    has_diacritics,
    looks_like_text,
    normalize_query,
    normalize_text,
    strip_diacritics,
)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("Hoà Lạc", "Hòa Lạc"),
        ("Huyện uỷ", "Huyện ủy"),
        ("UỶ BAN", "ỦY BAN"),
        ("Uỷ ban", "Ủy ban"),
        ("thuỷ lợi", "thủy lợi"),
        ("khoẻ mạnh", "khỏe mạnh"),
        ("văn hoá.", "văn hóa."),
        # Already canonical, or a syllable with a final consonant: unchanged.
        ("Hòa Lạc", "Hòa Lạc"),
        ("hoàn thành", "hoàn thành"),
        ("hoàng", "hoàng"),
        ("quý", "quý"),
        ("Quỳnh", "Quỳnh"),
    ],
)
def test_canonical_tones(given: str, expected: str) -> None:
    assert canonical_tones(given) == expected


def test_both_tone_placements_match_after_query_normalisation() -> None:
    assert normalize_query("Bí thư Huyện uỷ Hoà") == normalize_query("Bí thư Huyện ủy Hòa")


def test_normalize_text_nfc_eth_controls_and_spaces() -> None:
    decomposed = "Ha\u0300 No\u0302\u0323i"  # NFD "Hà Nội"
    raw = f"  {decomposed}\u00a0\u00a0x\u200b\r\n\u00d0à\x07 Nẵng\t "
    assert normalize_text(raw) == "Hà Nội x\nĐà Nẵng"


def test_strip_diacritics_folds_d_and_every_mark() -> None:
    assert strip_diacritics("Bí thư Huyện ủy Thạch Thất, Đức Hòa") == (
        "Bi thu Huyen uy Thach That, Duc Hoa"
    )
    assert has_diacritics("Đức") and not has_diacritics("Duc Hoa")


def _as_cp1252_mojibake(text: str) -> str:
    out = []
    for byte in text.encode("utf-8"):
        try:
            out.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(chr(byte))
    return "".join(out)


def test_fix_mojibake_line_repairs_utf8_read_as_windows_1252() -> None:
    original = "Thủ đô Hà Nội – “Kỷ cương” Bí thư"
    broken = _as_cp1252_mojibake(original)
    assert broken != original
    assert fix_mojibake_line(broken) == original


def test_fix_mojibake_line_leaves_real_text_alone() -> None:
    assert fix_mojibake_line("Tỉ lệ Ã không phải lỗi") == "Tỉ lệ Ã không phải lỗi"


def test_decode_bytes_falls_back_to_cp1258_with_a_warning(caplog) -> None:
    data = b"Ha\xcc N\xf4\xf2i"  # "Hà Nội" in Windows-1258 (combining tone marks)
    text = decode_bytes(data, "old.txt")
    assert normalize_text(text) == "Hà Nội"
    assert "old.txt is not UTF-8" in caplog.text


def test_decode_bytes_strips_bom() -> None:
    assert decode_bytes("\ufeffXin chào".encode()) == "Xin chào"


def test_mojibake_with_lost_bytes_is_still_repaired() -> None:
    original = "Phi Nhung vẫn chưa biết cha mình là ai, phải sống với dượng và chăm sóc các em."
    # on its way the no-break space byte (A0) of "à" became a space, merged with the next
    garbled = original.encode("utf-8").decode("latin-1").replace("\xa0", " ").replace("  ", " ")
    assert fix_mojibake_line(garbled) == original


def test_a_few_stray_bytes_keep_utf8_and_a_legacy_file_is_cp1258(caplog) -> None:
    text = "Huyện Đức Hòa có 20 xã, thị trấn.\nNăm 2023 thu ngân sách 1.400 tỉ đồng."
    raw = text.encode("utf-8")
    assert decode_bytes(raw[:10] + b"\x96" + raw[10:], "a.txt") == text
    assert "a.txt: 1 bytes that are not UTF-8 were dropped (the first on line 1)" in caplog.text
    legacy = b"Ho\xcca Bi\xccnh"  # cp1258 writes the tone as a combining mark after the vowel
    assert unicodedata.normalize("NFC", decode_bytes(legacy, "b.txt")) == "Hòa Bình"
    assert "b.txt is not UTF-8; decoded as Vietnamese Windows-1258" in caplog.text


def test_binary_noise_is_not_text_but_short_or_symbolic_text_is() -> None:
    noise = bytes(rng.randrange(1, 256) for rng in [random.Random(2)] for _ in range(5000)).decode(
        "cp1258", "replace"
    )
    assert not looks_like_text(noise)
    assert looks_like_text("---\nauthor: x\n---")
    assert looks_like_text("Bảng: 12,5% | 13,1% | 14,0%\n" * 3)


def test_control_characters_part_words_and_invisible_marks_join_them() -> None:
    from ingest.text.textnorm import normalize_text

    assert normalize_text("là\x01Bí thư\x7fHuyện") == "là Bí thư Huyện"
    assert normalize_text("Bí\u200b thư\u00adHuyện\ufeff") == "Bí thưHuyện"


def test_a_pasted_question_is_read_as_text() -> None:
    from ingest.text.textnorm import question_text

    assert question_text("<b>Ai</b> là Chủ tịch &amp; Bí thư?") == "Ai là Chủ tịch & Bí thư?"
    assert question_text("Giá dưới <5 triệu> hay < 5 triệu?") == "Giá dưới <5 triệu> hay < 5 triệu?"
    assert question_text("Ai là\x01Bí thư?") == "Ai là Bí thư?"
