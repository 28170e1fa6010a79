"""The plain data of a report (``ReportData``): everything the PDF, the workbook and the Word copy print.

``collect_report`` fills it from the database for a period: the letterhead (parent body over issuing
body, ``models.reports.period.letterhead_bodies``) and the reporting settings, the plan cited by its
number and date, the figures per group and per area, the dossier figures
(``models.reports.dossier_figures``), the weekly trend, a summary paragraph written from those figures,
and the officer's texts (difficulties, proposals, next week's tasks). The exporters only lay it out, so the printed report, the workbook and
the progress screen show the same numbers. ``ReportData.to_dict``/``from_dict`` round-trip it through
JSON (the register keeps the figures each issued report showed).

Figures: an account counts when its dossier has ``issued_on`` in the range and is issued or
activated (the same rule as the progress screen, ``models.campaigns.progress``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

from models.campaigns.plans import get_campaign_row
from models.core.permissions import require
from models.core.store import Store
from models.reports.citizen_section import CitizenSection, weekly_section
from models.reports.dossier_figures import DossierRow, collect_dossier_figures
from models.reports.figures import FigureRow, TrendPoint, collect_figures  # one place decides the figures
from models.reports.old_divisions import with_old_names
from models.reports.period import (
    ReportPeriod,
    ReportSettings,
    default_recipients,
    get_settings,
    letterhead_bodies,
    unit_id,
)
from models.text.vn_format import DASH, date_text, percent_text, thousands, written_date

__all__ = ["ReportData", "collect_report", "default_recipients", "plan_citation", "write_summary"]

SUBJECT_PREFIX = "Kết quả cấp tài khoản định danh điện tử cho cơ quan, tổ chức"
TREND_WEEKS = 12
# The report's sections, in the order the plans ask for (seed 001: results against targets, difficulties,
# proposals) and the next week's tasks; the PDF, the workbook and the Word copy print the same words.
SECTION_RESULTS = "I. KẾT QUẢ THỰC HIỆN"
SECTION_DIFFICULTIES = "II. KHÓ KHĂN, VƯỚNG MẮC"
SECTION_PROPOSALS = "III. ĐỀ XUẤT, KIẾN NGHỊ"
RESULT_GENERAL = "1. Kết quả chung"
RESULT_GROUPS = "2. Kết quả theo nhóm đối tượng"
RESULT_DOSSIERS = "4. Tình hình tiếp nhận, giải quyết hồ sơ"
RESULT_TREND = "5. Tiến độ theo tuần"
NOTHING = "Không có."


@dataclass
class ReportData:
    kind: str
    period_start: str  # ISO
    period_end: str
    parent_body: str  # the parent body, "Công an tỉnh An Giang" (the PDF prints it in capitals)
    unit_name: str  # the issuing body, "Phòng Cảnh sát QLHC về TTXH" (capitals, bold, under the parent)
    symbol: str  # "BC-CAH"
    number: int | None  # None: not numbered yet (draft)
    place: str
    doc_date: str  # ISO
    subject: str
    summary: str
    groups: list[FigureRow]
    group_total: FigureRow
    areas: list[FigureRow]
    area_total: FigureRow
    trend: list[TrendPoint]
    target_total: int | None = None
    campaign_id: int | None = None
    campaign_name: str = ""
    difficulties: str = ""
    proposals: str = ""
    next_week: str = ""  # "Phương hướng, nhiệm vụ tuần tới"
    plan_citation: str = ""  # "Kế hoạch số 374/KH-UBND ngày 25/12/2024 của UBND tỉnh Kiên Giang"
    dossiers: list[DossierRow] = field(default_factory=list)
    dossiers_since: str = ""  # ISO: where the dossier figures' "Lũy kế" starts ("" = every dossier on record)
    recipients: list[str] = field(default_factory=list)
    signer_authority: str = "KT. TRƯỞNG CÔNG AN"
    signer_title: str = "PHÓ TRƯỞNG CÔNG AN"
    signer_name: str = ""
    title: str = "BÁO CÁO"
    # The second table lists areas in a unit's report and units in the province's consolidated one.
    row_label: str = "Địa bàn"
    rows_heading: str = "Kết quả theo địa bàn"
    # Why a total is not what a reader's own arithmetic gives (``models.reports.figures.footnotes``);
    # printed under the tables. Reports issued before this field have none.
    footnotes: list[str] = field(default_factory=list)
    # The record chain's head when the report was made, "seq-hash16" (models/security/record_chain.py),
    # printed small in the footer: a later rewrite of the record before that point no longer matches it.
    record_head: str = ""
    # The citizens' figures of the week (issue 16) when a citizens' campaign runs in the period; None keeps
    # the organizations' report exactly as before.
    citizens: CitizenSection | None = None

    @property
    def number_line(self) -> str:
        """"Số: 12/BC-CAH", or "Số:      /BC-CAH" before a number is given (Decree 30 leaves a gap)."""
        number = f"{self.number}" if self.number else "\u00a0" * 6
        return f"Số: {number}/{self.symbol}"

    @property
    def place_date(self) -> str:
        day = dt.date.fromisoformat(self.doc_date)
        return f"{self.place}, {written_date(day)}"

    @property
    def rows_title(self) -> str:
        return f"3. {self.rows_heading}"

    @property
    def next_week_title(self) -> str:
        return "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ " + ("TUẦN TỚI" if self.kind == "weekly" else "THỜI GIAN TỚI")

    @property
    def subject_in_sentence(self) -> str:
        return self.subject[:1].lower() + self.subject[1:]

    @property
    def opening(self) -> str:
        """"Thực hiện Kế hoạch số …, <issuing body> báo cáo … như sau:" ("" without a plan to cite)."""
        if not self.plan_citation:
            return ""
        return f"Thực hiện {self.plan_citation}, {self.unit_name or 'đơn vị'} báo cáo {self.subject_in_sentence} như sau:"

    @property
    def closing(self) -> str:
        return f"Trên đây là báo cáo {self.subject_in_sentence} của {self.unit_name or 'đơn vị'}./."

    @property
    def dossier_note(self) -> str:
        """What the dossier table's two columns cover."""
        span = f"từ ngày {date_text(self.period_start)} đến ngày {date_text(self.period_end)}"
        since = (f"từ ngày {date_text(self.dossiers_since)} (bắt đầu thực hiện kế hoạch)" if self.dossiers_since
                 else "từ hồ sơ đầu tiên")
        return (f"Trong kỳ: hồ sơ tiếp nhận, từ chối {span}; lũy kế: {since} đến ngày {date_text(self.period_end)}. "
                "Hồ sơ nhập nhầm đã huỷ không tính; hồ sơ đang chờ tổ chức bổ sung giấy tờ không tính quá hạn.")

    @property
    def footnote_lines(self) -> list[str]:
        """The footnotes as printed under the tables, the first after "Ghi chú: "."""
        notes = [note.strip() for note in self.footnotes if note and note.strip()]
        return [("Ghi chú: " if index == 0 else "") + note for index, note in enumerate(notes)]

    @staticmethod
    def text_lines(text: str) -> list[str]:
        """An officer's text as its non-blank lines (each one paragraph)."""
        return [line.strip() for line in (text or "").splitlines() if line.strip()]

    def to_dict(self) -> dict:
        data = dataclasses.asdict(self)
        if data["citizens"] is None:   # reports without citizens keep the figures they always kept
            del data["citizens"]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "ReportData":
        data = dict(data)
        data["groups"] = [FigureRow(**r) for r in data["groups"]]
        data["areas"] = [FigureRow(**r) for r in data["areas"]]
        data["group_total"] = FigureRow(**data["group_total"])
        data["area_total"] = FigureRow(**data["area_total"])
        data["trend"] = [TrendPoint(**p) for p in data["trend"]]
        data["dossiers"] = [DossierRow(**r) for r in data.get("dossiers") or []]
        data["citizens"] = CitizenSection.from_dict(data.get("citizens"))
        return cls(**data)


# ---- collecting ------------------------------------------------------------------------------
def collect_report(
    store: Store,
    period: ReportPeriod,
    *,
    campaign_id: int | None = None,
    doc_date: dt.date | None = None,
    number: int | None = None,
    difficulties: str = "",
    proposals: str = "",
    next_week: str = "",
    recipients: list[str] | None = None,
    signer_name: str | None = None,
    settings: ReportSettings | None = None,
) -> ReportData:
    """All the report's data for ``period``. ``campaign_id`` None: the active campaign, if any."""
    require(store, "report.view")

    settings = settings or get_settings(store)
    unit = _unit_row(store)
    parent_body, issuing_body = letterhead_bodies(store, settings)
    figures = collect_figures(store, period.start, period.end, campaign_id=campaign_id, trend_weeks=TREND_WEEKS)
    campaign = get_campaign_row(store, figures.campaign_id) if figures.campaign_id is not None else None
    since = dt.date.fromisoformat(campaign["start_on"]) if campaign else None
    doc_day = doc_date or (period.due_at.date() if period.due_at else period.end + dt.timedelta(days=1))
    data = ReportData(
        kind=period.kind,
        period_start=period.start.isoformat(),
        period_end=period.end.isoformat(),
        parent_body=parent_body,
        unit_name=issuing_body,
        symbol=settings.symbol,
        number=number,
        place=unit.get("place_name") or unit.get("province_name") or "",
        doc_date=doc_day.isoformat(),
        subject=f"{SUBJECT_PREFIX}, {period.subject_phrase}",
        summary="",
        groups=figures.groups,
        group_total=figures.group_total,
        areas=with_old_names(store, figures.areas, period.end),  # before 1/7/2025: the old communes' names
        area_total=figures.area_total,
        trend=figures.trend,
        target_total=figures.group_total.target,
        campaign_id=figures.campaign_id,
        campaign_name=figures.campaign_name,
        difficulties=difficulties.strip(),
        proposals=proposals.strip(),
        next_week=next_week.strip(),
        plan_citation=plan_citation(campaign),
        dossiers=collect_dossier_figures(store, period.start, period.end, since),
        dossiers_since=min(since, period.start).isoformat() if since else "",
        recipients=(list(recipients) if recipients is not None
                    else list(settings.recipients) or default_recipients(parent_body, settings.symbol)),
        signer_authority=settings.signer_authority,
        signer_title=settings.signer_title,
        signer_name=signer_name if signer_name is not None else settings.signer_name,
        footnotes=list(figures.footnotes),
        citizens=weekly_section(store, period.start, period.end),
    )
    data.summary = write_summary(data, data.unit_name or "Đơn vị", period)
    return data


# The kind of a plan's document from the symbol in its number ("374/KH-UBND" → Kế hoạch).
DOCUMENT_KINDS = {"KH": "Kế hoạch", "CT": "Chỉ thị", "QĐ": "Quyết định", "CĐ": "Công điện", "TB": "Thông báo",
                  "NQ": "Nghị quyết", "HD": "Hướng dẫn"}


def plan_citation(campaign: dict | None) -> str:
    """The plan as a document is cited: "Kế hoạch số 374/KH-UBND ngày 25/12/2024 của UBND tỉnh Kiên
    Giang", from the campaign's legal basis (number, date, issuer); the campaign's name, quoted, only when
    no number was recorded; empty without a campaign."""
    if not campaign:
        return ""
    number = " ".join((campaign.get("plan_number") or "").split())
    if not number:
        name = " ".join((campaign.get("name") or "").split()).strip("\"“”«»'")
        return f"Kế hoạch “{name}”" if name else ""
    symbol = number.partition("/")[2].partition("-")[0].upper()
    text = f"{DOCUMENT_KINDS.get(symbol, 'Kế hoạch')} số {number}"
    if campaign.get("plan_date"):
        text += f" ngày {date_text(campaign['plan_date'])}"
    issuer = " ".join((campaign.get("issuer") or "").split())
    return f"{text} của {issuer}" if issuer else text


def _unit_row(store: Store) -> dict:
    unit = unit_id(store)
    row = store.query_one("SELECT * FROM units WHERE id = ?", (unit,)) if unit else None
    return row or {}


def write_summary(data: ReportData, unit_name: str, period: ReportPeriod) -> str:
    """The opening paragraph, written from the figures (never typed by hand, so it cannot disagree)."""
    span = f"từ ngày {date_text(period.start)} đến ngày {date_text(period.end)}"
    when = f"Trong tuần {span}" if period.kind == "weekly" else f"Trong thời gian {span}"
    total = data.group_total
    parts = [f"{r.label[:1].lower()}{r.label[1:]}: {thousands(r.this_week)}" for r in data.groups if r.this_week]
    text = (f"{when}, {unit_name} đã cấp {thousands(total.this_week)} tài khoản định danh điện tử cho cơ quan, "
            "tổ chức")
    text += f" ({'; '.join(parts)})." if parts else "."
    since = f" từ khi thực hiện {data.plan_citation}" if data.plan_citation else ""
    text += f" Lũy kế{since} đến ngày {date_text(period.end)}: " \
            f"{thousands(total.cumulative)} tài khoản"
    if total.target:
        within = total.target - total.remaining if total.remaining is not None else None
        if within is not None and within != total.cumulative:   # some group over its target (figures' rule)
            text += f", trong đó {thousands(within)} tài khoản trong chỉ tiêu của từng nhóm"
        text += (f", đạt {percent_text(total.percent, DASH)} chỉ tiêu được giao ({thousands(total.target)}); "
                 f"còn {thousands(total.remaining, DASH)} tài khoản phải thực hiện.")
    else:
        text += "."
    return text
