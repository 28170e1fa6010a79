"""A citizen's level-2 dossier logged on a laptop at a mobile session travels in the desk's sync file and is
merged by the unit's lead desk with its person columns (format 2.1, docs/sync-format.md); a 2.0 reader's
columns are all still there, in the same order."""

from __future__ import annotations

import datetime as dt

from models.core.store import Store
from models.people import level2, persons, schedules
from models.sync.format import DOSSIER_COLUMNS
from models.sync.merge import merge_files, set_lead_desk
from models.sync.reader import read_sync_file
from services.sync import export_workbook
from tests.factories.sync import make_unit, trust

ID = "079085001234"


def test_person_dossier_round_trip_to_the_lead_desk(tmp_path, clock):
    laptop = Store(tmp_path / "laptop.sqlite", clock=clock)
    lead = Store(tmp_path / "lead.sqlite", clock=clock)
    try:
        areas = make_unit(laptop, "CAX-VH-B2", "Bàn lưu động 2")
        make_unit(lead, "CAX-VH", "Công an xã Vĩnh Hòa")
        set_lead_desk(lead, True)
        trust(lead, laptop)
        persons.create_person(laptop, {"id_number": ID, "full_name": "Nguyễn Thị Ánh Tuyết",
                                       "birth_date": "1985-03-02"})
        session = schedules.create_session(laptop, held_on=dt.date(2025, 1, 9), area_code=areas[0], expected_people=40)
        first = level2.intake(laptop, ID, session_id=session, id_card_valid=False)
        second = level2.intake(laptop, "001190004567", session_id=session, person={"full_name": "Đỗ Văn Hùng"})
        level2.send(laptop, first)
        level2.issue(laptop, second)
        path = tmp_path / "ban-luu-dong.xlsx"
        export_workbook(laptop, path, full=True, unencrypted=True)
        sync = read_sync_file(path)
        keys = [c.key for c in DOSSIER_COLUMNS]
        assert keys[:22] == [c.key for c in DOSSIER_COLUMNS if not c.optional]  # 2.0 columns first, unchanged
        [result] = merge_files(lead, [path])
        assert result.status == "accepted", result.reason
        rows = {r["person_id_number"]: r for r in lead.query(
            "SELECT person_id_number, person_name, person_birth_date, id_card_valid, session_uuid, sent_on, status, "
            "subject_type, channel, issued_on FROM remote_dossiers WHERE unit_code = 'CAX-VH-B2'")}
        session_uuid = laptop.scalar("SELECT uuid FROM intake_sessions WHERE id = ?", (session,))
        assert rows[ID] == {"person_id_number": ID, "person_name": "Nguyễn Thị Ánh Tuyết",
                            "person_birth_date": "1985-03-02", "id_card_valid": 0, "session_uuid": session_uuid,
                            "sent_on": "2025-01-09", "status": "sent", "subject_type": "person",
                            "channel": "Tổ lưu động", "issued_on": None}
        assert rows["001190004567"]["status"] == "issued" and rows["001190004567"]["issued_on"] == "2025-01-09"
        assert len(sync.records["HoSo"]) == 2
    finally:
        laptop.close()
        lead.close()
