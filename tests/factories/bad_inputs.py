"""The corpus of broken input files in ``tests/bad_inputs/`` — how each one was made.

Run ``python -m tests.factories.bad_inputs`` to rebuild the committed files (deterministic). Files that
would be huge on disk are built so that they are small (a million identical rows compress ~1000:1).
"""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

CORPUS_DIR = Path(__file__).resolve().parent.parent / "bad_inputs"

HEADER = ["STT", "Tên tổ chức", "Mã số thuế", "Địa chỉ trụ sở chính", "Người đại diện theo pháp luật",
          "Số định danh cá nhân", "Điện thoại"]
ROW = ["1", "Công ty TNHH Thương mại Dịch vụ Rạch Giá", "0100233488", "12 Nguyễn Trung Trực, phường Vĩnh Thanh Vân",
       "Nguyễn Văn An", "091085001234", "0912345678"]

# TCVN3 (ABC) 8-bit Vietnamese as typed with .VnTime fonts: "Công ty TNHH Thương mại" -> these bytes.
_TCVN3 = {"ô": 0xAB, "ư": 0xAD, "ơ": 0xAC, "ạ": 0xB9, "ồ": 0xD2, "đ": 0xAE, "ị": 0xD1, "ả": 0xB6, "ễ": 0xD6,
          "ă": 0xA8, "â": 0xA9, "ê": 0xAA, "ộ": 0xD7, "ế": 0xD5, "ố": 0xE8, "ờ": 0xEA, "ứ": 0xF8, "ủ": 0xF1,
          "á": 0xB8, "à": 0xB5, "ó": 0xE3, "ấ": 0xCA, "ậ": 0xCB, "ệ": 0xD3}


def _tcvn3(text: str) -> bytes:
    out = bytearray()
    for ch in text:
        out += bytes([_TCVN3[ch]]) if ch in _TCVN3 else ch.encode("ascii", "replace")
    return bytes(out)


def _cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: base letters (ô, ư, ơ…) plus a combining tone mark."""
    import unicodedata

    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            tone = next(c for c in parts if c in "\u0300\u0301\u0303\u0309\u0323")
            base = unicodedata.normalize("NFC", parts.replace(tone, ""))
            out += base.encode("cp1258") + tone.encode("cp1258")
    return bytes(out)


def _csv_text(rows: list[list[str]]) -> str:
    return "\r\n".join(",".join(f'"{c}"' if "," in c else c for c in row) for row in rows) + "\r\n"


def _xlsx_bytes(rows: list[list], *, formulas: bool = False) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet("Danh sách")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if formulas and isinstance(value, str) and value.startswith("="):
                sheet.write_formula(r, c, value)  # no cached value: a reader sees 0 or nothing
            else:
                sheet.write_string(r, c, str(value))
    book.close()
    return buf.getvalue()


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Danh sách" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def _cell(text: str) -> str:
    return f'<c t="inlineStr"><is><t>{text}</t></is></c>'


def _handmade_xlsx(sheet_xml_chunks, *, level: int = 9) -> bytes:
    """An xlsx written part by part (inline strings), so the sheet XML can be streamed and huge."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("xl/workbook.xml", _WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            for chunk in sheet_xml_chunks:
                fh.write(chunk.encode("utf-8"))
    return buf.getvalue()


def _sheet_start(dimension: str | None = None) -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{dim}<sheetData>')


_SHEET_END = "</sheetData></worksheet>"


def _million_rows():
    """Header + 1,048,575 identical rows without ``r`` attributes: ~60 MB of XML, ~100 KB zipped."""
    yield _sheet_start()
    yield "<row>" + "".join(_cell(h) for h in HEADER) + "</row>"
    row = "<row>" + _cell("Công ty TNHH Lặp Lại") + _cell("1700123456") + "</row>"
    block = row * 1024
    for _ in range(1023):
        yield block
    yield row * 1023
    yield _SHEET_END


def _huge_dimension():
    """Claims A1:XFD1048576 (17 billion cells) but holds two rows: readers that trust it allocate it all."""
    yield _sheet_start("A1:XFD1048576")
    yield '<row r="1">' + "".join(_cell(h) for h in HEADER) + "</row>"
    yield '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>cuối</t></is></c></row>'
    yield _SHEET_END


def _many_columns():
    yield _sheet_start()
    yield "<row>" + "".join(_cell(f"Cột {i}") for i in range(16384)) + "</row>"
    yield _SHEET_END


def _encrypted(plain: bytes, password: str) -> bytes:
    import msoffcrypto
    from msoffcrypto.format.ooxml import OOXMLFile

    del msoffcrypto
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(plain)).encrypt(password, out)
    return out.getvalue()


def _zip_of(files: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return buf.getvalue()


def corpus() -> dict[str, bytes]:
    """File name → content. The name says what is wrong with it."""
    rng = random.Random(20250109)
    good_csv = _csv_text([HEADER, ROW])
    good_xlsx = _xlsx_bytes([HEADER, ROW])
    pdf = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
           b"trailer<</Root 1 0 R>>\n%%EOF\n")
    html = ("<html><head><meta charset='utf-8'></head><body><table border=1>"
            + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in (HEADER, ROW))
            + "</table></body></html>").encode("utf-8")
    files = {
        "rong-0-byte.csv": b"",
        "rong-0-byte.xlsx": b"",
        "chi-dau-cach-va-xuong-dong.csv": b" \r\n\r\n  \t \r\n",
        "csv-dat-ten-xlsx.xlsx": good_csv.encode("utf-8"),
        "pdf-dat-ten-xls.xls": pdf,
        "pdf-dat-ten-xlsx.xlsx": pdf,
        "html-luu-thanh-xls.xls": html,
        "xlsx-bi-cat-doi.xlsx": good_xlsx[: len(good_xlsx) // 2],
        "xlsx-co-mat-khau.xlsx": _encrypted(good_xlsx, "matkhau123"),
        "mot-trieu-dong.xlsx": _handmade_xlsx(_million_rows()),
        "kich-thuoc-gia-khong-lo.xlsx": _handmade_xlsx(_huge_dimension()),
        "16384-cot.xlsx": _handmade_xlsx(_many_columns()),
        "o-100000-ky-tu.xlsx": _xlsx_bytes([["Tên tổ chức " + "Công ty TNHH Một Thành Viên " * 3600]]),
        "cong-thuc.xlsx": _xlsx_bytes([["=1/0", "=HYPERLINK(\"http://vi.du\")", "=A1&B1"],
                                       ["=CMD|' /C calc'!A0", "=SUM(A1:A1048576)", "=NOW()"]], formulas=True),
        "rac-nhi-phan.xlsx": bytes(rng.getrandbits(8) for _ in range(4096)),
        "rac-nhi-phan.csv": bytes(rng.getrandbits(8) for _ in range(4096)),
        "rac-nhi-phan-dau-zip.xlsx": b"PK\x03\x04" + bytes(rng.getrandbits(8) for _ in range(4096)),
        "utf16-khong-bom.csv": good_csv.encode("utf-16-le"),
        "windows-1258.csv": _cp1258(_csv_text([HEADER, ROW])),
        "tcvn3-abc.csv": b"\r\n".join([b"STT,T\xaan t\xad ch\xf8c,M\xa9 s\xe8 thu\xd5",
                                        b"1," + _tcvn3("Công ty TNHH Thương mại") + b",1700123456"]) + b"\r\n",
        "byte-nul.csv": good_csv.encode("utf-8").replace(b",", b"\x00,"),
        "zip-khong-phai-xlsx.xlsx": _zip_of({"readme.txt": "Không phải bảng tính", "data/a.csv": good_csv}),
        "docx-dat-ten-xlsx.xlsx": _zip_of({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"}),
        "json-dat-ten-csv.csv": b'{"ten": "C\xc3\xb4ng ty", "mst": "1700123456"}\n',
        "anh-png-dat-ten-csv.csv": b"\x89PNG\r\n\x1a\n" + bytes(rng.getrandbits(8) for _ in range(512)),
        "xlsx-trang-tinh-trong.xlsx": _xlsx_bytes([]),
    }
    return files


def build_corpus(folder: Path = CORPUS_DIR) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in corpus().items():
        path = folder / name
        path.write_bytes(content)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in build_corpus():
        print(f"{path.stat().st_size:>10}  {path.name}")
