"""Citizens' campaigns (issue 16): the organizations' campaign engine with persons as the subject.

- ``campaigns.subject_type`` 'organization' (every campaign so far) | 'person'; ``campaigns.every_day`` 1
  when the plan counts every day of the week (seed 003's "80 ngày, đêm" mobile teams work weekends too),
  so daily targets divide by calendar days instead of working days. Phases stay in ``campaign_phases``.
- ``persons.portal_on``: the date the person's national public-service portal account ("tài khoản dịch vụ
  công quốc gia") is known to exist (seed 004 asks for it).
- ``citizen_targets``: per phase, what is counted (``measure``: 'level1' any account (level 1 or 2),
  'level2', 'activated', 'portal'), among whom (``scope``: 'all' residents, 'communes' (xã), 'towns'
  (phường, thị trấn), 'agencies' staff, 'enterprises' staff of agencies of type 'enterprise'), as a
  number or a percentage of a baseline (``baseline``: 'plan' as written, 'eligible' residents aged 14+
  on ``baseline_as_of``, 'not_activated' eligible residents not yet activated on that date, 'staff' of
  the agencies); the baseline is frozen when the target is allocated (``baseline_frozen``).
  ``since``: what counts as achieved — 'all' accounts to date (a "100 % of residents" target),
  'campaign' since the campaign's first day (264,720 activations in 80 days), 'phase' within the phase.
- ``citizen_allocations``: a target's share per level ('commune' area code, 'village' "code|village",
  'officer' officer id, 'agency' agency id) with the baseline it was split on; ``edited`` 1 when typed.
- ``officer_areas``: the area police officers ("cán bộ CSKV") and the communes / villages they answer for
  (``village`` '' = the whole commune).
- ``person_daily``: per measure, day and commune/village, how many persons reached the measure that day.
- ``person_checkpoints`` / ``person_prefix``: running totals per measure and commune/village up to chosen
  days (a citizens' campaign's first day − 1, its phases' edges, its month ends; '9999-12-31' is the live
  total), so a figure "up to day D" reads one checkpoint and the few days between it and D.
- ``staff_daily``: per measure, day and agency, how many of its listed staff reached the measure that day.
  All three are kept by the triggers below (on persons and agency_staff), so that a campaign's figures
  over a million persons read a few thousand rows (docs/progress.md, "Citizens").
"""

VERSION = 21

# measure → SQL date of the event for a row alias (NEW / OLD). Level 1 is "any account": the earlier of
# the self-registration and the level-2 issue (SQLite's min() is NULL when either is NULL).
MEASURES = {
    "level1": "COALESCE(MIN({r}.level1_on, {r}.level2_issued_on), {r}.level1_on, {r}.level2_issued_on)",
    "level2": "{r}.level2_issued_on",
    "activated": "{r}.activated_on",
    "portal": "{r}.portal_on",
}
MEASURE_COLUMNS = {"level1": "level1_on, level2_issued_on", "level2": "level2_issued_on",
                   "activated": "activated_on", "portal": "portal_on"}


def up(store) -> None:
    for sql in SCHEMA + triggers():
        store.execute(sql)
    for sql in backfill():
        store.execute(sql)


SCHEMA = [
    "ALTER TABLE campaigns ADD COLUMN subject_type TEXT NOT NULL DEFAULT 'organization'"
    " CHECK (subject_type IN ('organization', 'person'))",
    "ALTER TABLE campaigns ADD COLUMN every_day INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE persons ADD COLUMN portal_on TEXT",
    """CREATE TABLE citizen_targets (
        id INTEGER PRIMARY KEY,
        campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
        phase_id INTEGER NOT NULL REFERENCES campaign_phases(id) ON DELETE CASCADE,
        position INTEGER NOT NULL DEFAULT 0,
        label TEXT NOT NULL,
        measure TEXT NOT NULL CHECK (measure IN ('level1', 'level2', 'activated', 'portal')),
        scope TEXT NOT NULL DEFAULT 'all' CHECK (scope IN ('all', 'communes', 'towns', 'agencies', 'enterprises')),
        kind TEXT NOT NULL CHECK (kind IN ('absolute', 'percent')),
        value REAL,
        baseline TEXT NOT NULL DEFAULT 'plan' CHECK (baseline IN ('plan', 'eligible', 'not_activated', 'staff')),
        baseline_as_of TEXT,
        plan_baseline INTEGER,
        baseline_frozen INTEGER,
        unit_value INTEGER,
        since TEXT NOT NULL DEFAULT 'campaign' CHECK (since IN ('all', 'campaign', 'phase')),
        note TEXT
    )""",
    "CREATE INDEX citizen_targets_phase ON citizen_targets(phase_id, position)",
    "CREATE INDEX citizen_targets_campaign ON citizen_targets(campaign_id)",
    """CREATE TABLE citizen_allocations (
        target_id INTEGER NOT NULL REFERENCES citizen_targets(id) ON DELETE CASCADE,
        level TEXT NOT NULL CHECK (level IN ('commune', 'village', 'officer', 'agency')),
        key TEXT NOT NULL,
        value INTEGER NOT NULL CHECK (value >= 0),
        baseline INTEGER,
        edited INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (target_id, level, key)
    ) WITHOUT ROWID""",
    """CREATE TABLE officer_areas (
        officer_id INTEGER NOT NULL REFERENCES officers(id) ON DELETE CASCADE,
        area_code TEXT NOT NULL REFERENCES areas(code),
        village TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (officer_id, area_code, village)
    ) WITHOUT ROWID""",
    "CREATE INDEX officer_areas_area ON officer_areas(area_code, village)",
    """CREATE TABLE person_daily (
        measure TEXT NOT NULL,
        d TEXT NOT NULL,
        area_code TEXT NOT NULL,
        village TEXT NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (measure, d, area_code, village)
    ) WITHOUT ROWID""",
    "CREATE TABLE person_checkpoints (d TEXT PRIMARY KEY) WITHOUT ROWID",
    "INSERT INTO person_checkpoints(d) VALUES ('9999-12-31')",
    """CREATE TABLE person_prefix (
        measure TEXT NOT NULL,
        area_code TEXT NOT NULL,
        village TEXT NOT NULL,
        d TEXT NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (measure, area_code, village, d)
    ) WITHOUT ROWID""",
    "CREATE INDEX person_prefix_day ON person_prefix(measure, d)",
    """CREATE TABLE staff_daily (
        measure TEXT NOT NULL,
        d TEXT NOT NULL,
        agency_id INTEGER NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (measure, d, agency_id)
    ) WITHOUT ROWID""",
]


def _bump(measure: str, row: str, delta: int) -> str:
    day = MEASURES[measure].format(r=row)
    area, village = f"COALESCE({row}.area_code, '')", f"COALESCE({row}.village, '')"
    return (f"INSERT INTO person_daily(measure, d, area_code, village, n) SELECT '{measure}', {day}, {area}, {village},"
            f" {delta} WHERE {day} IS NOT NULL ON CONFLICT(measure, d, area_code, village) DO UPDATE SET n = n + ({delta});"
            f" INSERT INTO person_prefix(measure, area_code, village, d, n) SELECT '{measure}', {area}, {village}, c.d,"
            f" {delta} FROM person_checkpoints c WHERE {day} IS NOT NULL AND c.d >= {day}"
            f" ON CONFLICT(measure, area_code, village, d) DO UPDATE SET n = n + ({delta});"
            f" INSERT INTO staff_daily(measure, d, agency_id, n) SELECT '{measure}', {day}, s.agency_id, {delta}"
            f" FROM agency_staff s WHERE {day} IS NOT NULL AND s.person_id = {row}.id"
            f" ON CONFLICT(measure, d, agency_id) DO UPDATE SET n = n + ({delta});")


def _staff_bump(row: str, delta: int) -> str:
    """An agency_staff row added (removed): its person's events count for the agency (no longer)."""
    out = []
    for measure, expr in MEASURES.items():
        day = expr.format(r="p")
        out.append(f"INSERT INTO staff_daily(measure, d, agency_id, n) SELECT '{measure}', {day}, {row}.agency_id,"
                   f" {delta} FROM persons p WHERE p.id = {row}.person_id AND {day} IS NOT NULL"
                   f" ON CONFLICT(measure, d, agency_id) DO UPDATE SET n = n + ({delta});")
    return " ".join(out)


def triggers() -> list[str]:
    out = []
    for measure, expr in MEASURES.items():
        new, old = expr.format(r="NEW"), expr.format(r="OLD")
        out.append(f"CREATE TRIGGER person_daily_{measure}_insert AFTER INSERT ON persons WHEN {new} IS NOT NULL"
                   f" BEGIN {_bump(measure, 'NEW', 1)} END")
        out.append(f"CREATE TRIGGER person_daily_{measure}_delete AFTER DELETE ON persons WHEN {old} IS NOT NULL"
                   f" BEGIN {_bump(measure, 'OLD', -1)} END")
        # an update takes the old event off and puts the new one on, each only when there is one (a first
        # activation runs the second trigger alone)
        changed = (f"(({old}) IS NOT ({new}) OR OLD.area_code IS NOT NEW.area_code"
                   " OR OLD.village IS NOT NEW.village)")
        columns = f"{MEASURE_COLUMNS[measure]}, area_code, village"
        out.append(f"CREATE TRIGGER person_daily_{measure}_update_old AFTER UPDATE OF {columns} ON persons"
                   f" WHEN ({old}) IS NOT NULL AND {changed} BEGIN {_bump(measure, 'OLD', -1)} END")
        out.append(f"CREATE TRIGGER person_daily_{measure}_update_new AFTER UPDATE OF {columns} ON persons"
                   f" WHEN ({new}) IS NOT NULL AND {changed} BEGIN {_bump(measure, 'NEW', 1)} END")
    out.append(f"CREATE TRIGGER staff_daily_insert AFTER INSERT ON agency_staff BEGIN {_staff_bump('NEW', 1)} END")
    out.append(f"CREATE TRIGGER staff_daily_delete AFTER DELETE ON agency_staff BEGIN {_staff_bump('OLD', -1)} END")
    out.append("CREATE TRIGGER staff_daily_update AFTER UPDATE OF agency_id, person_id ON agency_staff"
               " WHEN OLD.agency_id IS NOT NEW.agency_id OR OLD.person_id IS NOT NEW.person_id"
               f" BEGIN {_staff_bump('OLD', -1)} {_staff_bump('NEW', 1)} END")
    return out


def prefix_sql(day: str | None = None) -> str:
    """Running totals up to every checkpoint (or one, ``day`` given as a :day parameter) from person_daily."""
    where = "c.d = :day" if day else "1"
    return ("INSERT INTO person_prefix(measure, area_code, village, d, n) SELECT p.measure, p.area_code, p.village,"
            f" c.d, SUM(p.n) FROM person_checkpoints c JOIN person_daily p ON p.d <= c.d WHERE {where}"
            " GROUP BY p.measure, p.area_code, p.village, c.d"
            " ON CONFLICT(measure, area_code, village, d) DO UPDATE SET n = excluded.n")


def backfill() -> list[str]:
    """Rebuild the three tables from persons and agency_staff (the migration; tests compare with it)."""
    out = ["DELETE FROM person_daily", "DELETE FROM person_prefix", "DELETE FROM staff_daily"]
    for measure, expr in MEASURES.items():
        day = expr.format(r="persons")
        out.append(f"INSERT INTO person_daily(measure, d, area_code, village, n) SELECT '{measure}', {day},"
                   " COALESCE(area_code, ''), COALESCE(village, ''), COUNT(*) FROM persons"
                   f" WHERE {day} IS NOT NULL GROUP BY 2, 3, 4")
        staff_day = expr.format(r="p")
        out.append(f"INSERT INTO staff_daily(measure, d, agency_id, n) SELECT '{measure}', {staff_day}, s.agency_id,"
                   f" COUNT(*) FROM agency_staff s JOIN persons p ON p.id = s.person_id WHERE {staff_day} IS NOT NULL"
                   " GROUP BY 2, 3")
    out.append(prefix_sql())
    return out
