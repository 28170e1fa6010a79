"""Tiny hostile spreadsheets (a few KB on disk) that make a careless reader allocate gigabytes: a sheet stored
outside ``xl/worksheets/``, a shared-strings bomb, an .ods with repeated rows and columns. Deterministic."""

from __future__ import annotations

import zipfile
from pathlib import Path

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def _xlsx(path: Path, sheet_part: str, sheet_xml: str, shared: tuple[str, int] | None = None) -> Path:
    """A workbook of one sheet "Danh sách" stored at ``sheet_part``; ``shared``: (one <si> element, count)."""
    types = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
             'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
             'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
             '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
             f'spreadsheetml.sheet.main+xml"/><Override PartName="/{sheet_part}" ContentType="application/'
             'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
    rels = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}"><Relationship Id="rId1" '
            f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    book = (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
            '<sheet name="Danh sách" sheetId="1" r:id="rId1"/></sheets></workbook>')
    book_rels = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}"><Relationship Id="rId1" '
                 f'Type="{_REL}/worksheet" Target="/{sheet_part}"/>'
                 + (f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
                    if shared else "") + "</Relationships>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", types)
        zf.writestr("_rels/.rels", rels)
        zf.writestr("xl/workbook.xml", book)
        zf.writestr("xl/_rels/workbook.xml.rels", book_rels)
        zf.writestr(sheet_part, sheet_xml)
        if shared:
            element, count = shared
            with zf.open("xl/sharedStrings.xml", "w", force_zip64=True) as fh:
                fh.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_MAIN}" count="{count}" '
                         f'uniqueCount="{count}">'.encode())
                block = element.encode() * 100_000
                for _ in range(count // 100_000):
                    fh.write(block)
                fh.write(b"</sst>")
    return path


def far_cell_outside_worksheets(path: Path) -> Path:
    """A two-cell sheet stored as ``xl/data/trang1.xml``, its second cell in XFD1048576 (17 billion cells)."""
    sheet = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}"><sheetData>'
             '<row r="1"><c r="A1" t="inlineStr"><is><t>Tên</t></is></c></row>'
             '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
             '</sheetData></worksheet>')
    return _xlsx(path, "xl/data/trang1.xml", sheet)


def shared_strings_bomb(path: Path, count: int = 30_000_000) -> Path:
    """A one-cell sheet and ``count`` empty shared strings (≈ 390 MB of XML in a file of ≈ 400 KB)."""
    sheet = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}"><sheetData>'
             '<row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>')
    return _xlsx(path, "xl/worksheets/sheet1.xml", sheet, ("<si><t></t></si>", count))


def ods_repeat_bomb(path: Path, *, filled: bool = True) -> Path:
    """One .ods cell with a value, repeated over 16,384 columns and 6,000 rows (98 million cells, under
    calamine's own limit of 100 million); ``filled=False``: the same repeats of an empty cell, as LibreOffice writes at the end of every sheet (harmless)."""
    repeated = ('office:value-type="string"><text:p>x</text:p></table:table-cell>' if filled
                else "/>")
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               '<office:body><office:spreadsheet><table:table table:name="Danh sách">'
               '<table:table-row><table:table-cell office:value-type="string"><text:p>Tên</text:p>'
               '</table:table-cell></table:table-row>'
               '<table:table-row table:number-rows-repeated="6000">'
               f'<table:table-cell table:number-columns-repeated="16384" {repeated}</table:table-row>'
               '</table:table></office:spreadsheet></office:body></office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.'
                'opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" '
                'manifest:media-type="text/xml"/></manifest:manifest>')
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet",
                    compress_type=zipfile.ZIP_STORED)
        zf.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path
