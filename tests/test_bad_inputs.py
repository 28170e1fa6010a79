"""Every importer against the corpus of broken files in ``tests/bad_inputs``.

For each (importer, file): no crash (exit code 0, 1 or 2, never a signal/abort), no traceback, a
Vietnamese message that names the file, and nothing written (row counts of every table, the audit log
included, unchanged). A few files hold correct data in an unusual encoding or under a wrong extension;
for those an importer may instead import them — but then the Vietnamese text must come out right.

Importers are those that exist when the suite runs: CLI ``import-orgs``, ``import-dossiers``, ``merge``,
``import-areas`` (any that are registered), and the area-list reader used by the unit screen.
"""

from __future__ import annotations

import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "bad_inputs"
FILES = sorted(p for p in CORPUS.iterdir() if p.is_file())

# Correct data, unusual form: importing it correctly is as good as refusing it.
DECODABLE = {
    "windows-1258.csv": "Công ty TNHH Thương mại Dịch vụ Rạch Giá",
    "utf16-khong-bom.csv": "Công ty TNHH Thương mại Dịch vụ Rạch Giá",
    "byte-nul.csv": "Công ty TNHH Thương mại Dịch vụ Rạch Giá",
    "csv-dat-ten-xlsx.xlsx": "Công ty TNHH Thương mại Dịch vụ Rạch Giá",
    "html-luu-thanh-xls.xls": "Công ty TNHH Thương mại Dịch vụ Rạch Giá",
    "tcvn3-abc.csv": "Công ty TNHH Thương mại",
}
MOJIBAKE = ("\ufffd", "Ã", "Æ°", "\x00", "«ng", "Ð")
VIETNAMESE_LETTERS = set("ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")

AREA_IMPORT = """
import sys
from models.registry import units
from models.core.errors import UserError
from models.core.store import Store
store = Store(sys.argv[1])
try:
    areas = units.read_area_file(sys.argv[2])
    units.set_unit_areas(store, units.current_unit(store)["id"], areas)
except UserError as exc:
    print(f"Lỗi: {exc}", file=sys.stderr)
    sys.exit(2)
finally:
    store.close()
"""


def _cli_commands() -> set[str]:
    from cli import build_parser

    parser = build_parser()
    for action in parser._subparsers._group_actions:  # the sub-command names
        return set(action.choices)
    return set()


def _importers() -> dict[str, object]:
    commands = _cli_commands()
    cli = [sys.executable, str(ROOT / "main.py")]
    candidates = {
        "import-orgs": lambda db, f: [*cli, "import-orgs", "--db", db, "--group", "1", f],
        "import-dossiers": lambda db, f: [*cli, "import-dossiers", "--db", db, f],
        "merge": lambda db, f: [*cli, "merge", "--db", db, f],
        "import-areas": lambda db, f: [*cli, "import-areas", "--db", db, f],
    }
    found = {name: build for name, build in candidates.items() if name in commands}
    found["area-list"] = lambda db, f: [sys.executable, "-c", AREA_IMPORT, db, f]
    return found


IMPORTERS = _importers()


def test_corpus_is_big_enough_and_varied():
    assert len(FILES) >= 20
    sizes = [p.stat().st_size for p in FILES]
    assert 0 in sizes  # 0-byte files
    assert sum(sizes) < 2_000_000  # the million-row sheet is compressed, not committed huge
    suffixes = {p.suffix for p in FILES}
    assert {".csv", ".xlsx", ".xls"} <= suffixes


@pytest.fixture(scope="module")
def base_db(tmp_path_factory) -> Path:
    """A database with a provincial unit (so that ``merge`` gets as far as reading the file)."""
    from models.core.store import Store
    from models.registry import units

    path = tmp_path_factory.mktemp("bad-inputs") / "base.sqlite"
    store = Store(path)
    try:
        units.save_unit(store, {"name": "Phòng Cảnh sát QLHC về TTXH", "kind": "province", "code": "PC06-KG"})
        store.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        store.close()
    return path


def _counts(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(str(db))
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                             "AND name NOT LIKE 'sqlite_%'")]
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        conn.close()


def _dump(db: Path) -> str:
    conn = sqlite3.connect(str(db))
    try:
        return unicodedata.normalize("NFC", "\n".join(conn.iterdump()))
    finally:
        conn.close()


def _limit_memory() -> None:  # in the child: a reader that trusts a huge size fails instead of swapping
    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))


@pytest.mark.slow
@pytest.mark.parametrize("importer", sorted(IMPORTERS))
@pytest.mark.parametrize("bad_file", FILES, ids=[p.name for p in FILES])
def test_importer_refuses_bad_file_cleanly(importer, bad_file, base_db, tmp_path):
    db = tmp_path / "work.sqlite"
    shutil.copyfile(base_db, db)
    before = _counts(db)
    env = dict(os.environ, PYTHONIOENCODING="utf-8", QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT),
               XDG_DATA_HOME=str(tmp_path / "xdg"))
    argv = IMPORTERS[importer](str(db), str(bad_file))
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, encoding="utf-8", errors="replace",
                              timeout=120, env=env, cwd=str(tmp_path), preexec_fn=_limit_memory)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{importer} {bad_file.name}: still running after 120 s")
    output = proc.stdout + proc.stderr
    assert proc.returncode in (0, 1, 2), (
        f"{importer} {bad_file.name}: crashed (exit {proc.returncode}): {proc.stderr[-600:]}")
    assert "Traceback" not in output, f"{importer} {bad_file.name}: traceback shown:\n{output[-1500:]}"
    after = _counts(db)
    changed = {t: (before.get(t), n) for t, n in after.items() if before.get(t) != n}
    data_changed = set(changed) - {"audit_log", "imports"}
    expected = DECODABLE.get(bad_file.name)
    if changed and expected and data_changed:  # imported: acceptable only if the text came out right
        dump = _dump(db)
        assert expected in dump, f"{importer} {bad_file.name}: imported {changed}, but the Vietnamese text is wrong"
        assert not [m for m in MOJIBAKE if m in dump], f"{importer} {bad_file.name}: imported garbled text"
    else:
        assert bad_file.name in output, (
            f"{importer} {bad_file.name}: the message does not name the file: {output[:400]}")
        assert VIETNAMESE_LETTERS & set(output.lower()), (
            f"{importer} {bad_file.name}: no Vietnamese message: {output[:300]}")
        assert not changed, f"{importer} {bad_file.name}: refused, yet wrote to the database {changed}"
    conn = sqlite3.connect(str(db))
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
