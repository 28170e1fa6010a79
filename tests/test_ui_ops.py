"""Background operations: work runs off the UI thread, results and changes arrive on the main thread,
cancel rolls everything back, errors are shown in Vietnamese without a traceback."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from models.core.errors import UserError
from ui.context import AppContext
from ui.ops import BackgroundOp


@pytest.fixture
def ctx(fresh_store, qtbot):
    context = AppContext.create(fresh_store)
    yield context
    context.changes.detach()


def _insert_holidays(store, progress, count=200, delay=0.0):
    with store.atomic():
        for i in range(count):
            store.execute("INSERT INTO holidays(day, name) VALUES (?, ?)", (f"2030-{i:05d}", f"Ngày {i}"))
            progress.update(i + 1, count, f"Đang ghi {i + 1}/{count}")
            if delay:
                time.sleep(delay)
        store.notify("holidays", "bulk")
    return threading.get_ident()


def test_success_runs_off_main_thread_and_delivers_changes_on_main_thread(ctx, qtbot):
    main_thread = threading.get_ident()
    results, change_threads = [], []
    ctx.changes.changed.connect(lambda changes: change_threads.append((threading.get_ident(), changes)))
    op = BackgroundOp(ctx, _insert_holidays).success(results.append)
    with qtbot.waitSignal(op.finished, timeout=10000):
        op.run()
    assert results and results[0] != main_thread
    qtbot.waitUntil(lambda: bool(change_threads))
    assert change_threads[0][0] == main_thread
    assert change_threads[0][1][0].table == "holidays"
    assert ctx.store.scalar("SELECT count(*) FROM holidays") == 200


def test_cancel_rolls_back_and_tells_the_officer(ctx, qtbot):
    op = BackgroundOp(ctx, lambda s, p: _insert_holidays(s, p, count=400, delay=0.005),
                      title="Đang ghi…").with_progress()
    op.run()
    qtbot.waitUntil(lambda: op.progress.done > 20, timeout=10000)
    with qtbot.waitSignal(op.finished, timeout=10000):
        op.cancel()
    assert op.was_cancelled
    assert ctx.store.scalar("SELECT count(*) FROM holidays") == 0
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    assert any("giữ nguyên" in box.text() for box in boxes)
    for box in boxes:
        box.close()


@pytest.mark.parametrize(
    "exc, expected, unexpected",
    [
        (UserError("Tệp «a.xlsx», dòng 7, cột C: mã số thuế sai"), "dòng 7, cột C", "Traceback"),
        (ZeroDivisionError("division by zero"), "lỗi không mong muốn", "division"),
    ],
)
def test_errors_are_shown_in_vietnamese_without_traceback(ctx, qtbot, exc, expected, unexpected):
    def fail(store, progress):
        raise exc

    op = BackgroundOp(ctx, fail)
    with qtbot.waitSignal(op.finished, timeout=10000):
        op.run()
    boxes = [w for w in QApplication.topLevelWidgets() if w.objectName() == "errorBox" and w.isVisible()]
    assert boxes, "an error box is shown"
    assert expected in boxes[-1].text() and unexpected not in boxes[-1].text()
    for box in boxes:
        box.close()


# ---- run_mutation: the same handling for short mutations on the main thread ----------------------------
def _error_boxes():
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.objectName() == "errorBox"
            and w.isVisible()]


def test_run_mutation_returns_the_value_and_views_hear_the_change(ctx, qtbot):
    from models.core.changes import Kind, Table
    from ui.ops import run_mutation

    heard = []
    ctx.changes.changed.connect(heard.extend)

    def add_day():
        with ctx.store.atomic():
            ctx.store.execute("INSERT INTO holidays(day, name) VALUES ('2031-01-02', 'Nghỉ')")
            ctx.store.notify(Table.HOLIDAYS, Kind.INSERT, ("2031-01-02",))
        return 7

    outcome = run_mutation(None, add_day)
    assert outcome and outcome.value == 7
    qtbot.waitUntil(lambda: bool(heard))
    assert heard[0].table is Table.HOLIDAYS and heard[0].kind is Kind.INSERT


def test_run_mutation_shows_a_refusal_in_vietnamese_and_writes_nothing(ctx, qtbot):
    from ui.ops import run_mutation

    def refuse():
        with ctx.store.atomic():
            ctx.store.execute("INSERT INTO holidays(day, name) VALUES ('2031-01-03', 'Nghỉ')")
            raise UserError("Không được phép")

    outcome = run_mutation(None, refuse)
    assert not outcome and isinstance(outcome.error, UserError)
    boxes = _error_boxes()
    assert [b.text() for b in boxes] == ["Không được phép"]
    assert ctx.store.scalar("SELECT count(*) FROM holidays WHERE day = '2031-01-03'") == 0
    for box in boxes:
        box.done(QMessageBox.Ok)


def test_run_mutation_sends_a_stale_edit_to_its_handler_and_hides_a_bug(ctx, qtbot, caplog):
    from models.core.errors import StaleEdit
    from ui.ops import run_mutation

    seen = []

    def stale():
        raise StaleEdit("Hồ sơ đã được người khác cập nhật", changed={"notes": {}})

    assert not run_mutation(None, stale, stale=seen.append)
    assert [e.changed for e in seen] == [{"notes": {}}] and not _error_boxes()

    outcome = run_mutation(None, lambda: 1 / 0)
    assert isinstance(outcome.error, ZeroDivisionError)
    boxes = _error_boxes()
    assert len(boxes) == 1 and "Traceback" not in boxes[0].text() and "không mong muốn" in boxes[0].text()
    assert "ZeroDivisionError" in caplog.text
    for box in boxes:
        box.done(QMessageBox.Ok)


def test_a_misspelt_table_is_refused_where_it_is_written(fresh_store):
    with pytest.raises(ValueError):
        fresh_store.notify("organisations", "update")
