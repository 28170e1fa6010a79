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
