"""The plain data of a report (``ReportData``): everything the PDF and the workbook print.

``collect_report`` fills it from the database for a period: header lines from the unit and the
reporting settings, the figures per group and per area, the weekly trend, and a summary paragraph
written from those figures. The exporters only lay it out, so the printed report, the workbook and
the progress screen show the same numbers. ``ReportData.to_dict``/``from_dict`` round-trip it through
JSON (the register keeps the figures each issued report showed).

Figures: an account counts when its dossier has ``issued_on`` in the range and is issued or
activated (the same rule as the progress screen, ``models.campaigns.progress``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

from models.core.permissions import require
from models.core.store import Store
from models.reports.figures import FigureRow, TrendPoint, collect_figures  # one place decides the figures
from models.reports.period import ReportPeriod, ReportSettings, get_settings, unit_id
from models.text.vn_format import DASH, date_text, percent_text, thousands, written_date

SUBJECT_PREFIX = "Kết quả cấp tài khoản định danh điện tử cho cơ quan, tổ chức"
TREND_WEEKS = 12


@dataclass
class ReportData:
    kind: str
    period_start: str  # ISO
    period_end: str
    parent_body: str  # "Công an tỉnh Kiên Giang" (the PDF prints it in capitals)
    unit_name: str  # "Công an huyện Châu Thành"
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

    @property
    def number_line(self) -> str:
        """"Số: 12/BC-CAH", or "Số:      /BC-CAH" before a number is given (Decree 30 leaves a gap)."""
        number = f"{self.number}" if self.number else "\u00a0" * 6
        return f"Số: {number}/{self.symbol}"

    @property
    def place_date(self) -> str:
        day = dt.date.fromisoformat(self.doc_date)
        return f"{self.place}, {written_date(day)}"

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "ReportData":
        data = dict(data)
        data["groups"] = [FigureRow(**r) for r in data["groups"]]
        data["areas"] = [FigureRow(**r) for r in data["areas"]]
        data["group_total"] = FigureRow(**data["group_total"])
        data["area_total"] = FigureRow(**data["area_total"])
        data["trend"] = [TrendPoint(**p) for p in data["trend"]]
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
    recipients: list[str] | None = None,
    signer_name: str | None = None,
    settings: ReportSettings | None = None,
) -> ReportData:
    """All the report's data for ``period``. ``campaign_id`` None: the active campaign, if any."""
    require(store, "report.view")

    settings = settings or get_settings(store)
    unit = _unit_row(store)
    figures = collect_figures(store, period.start, period.end, campaign_id=campaign_id, trend_weeks=TREND_WEEKS)
    doc_day = doc_date or (period.due_at.date() if period.due_at else period.end + dt.timedelta(days=1))
    data = ReportData(
        kind=period.kind,
        period_start=period.start.isoformat(),
        period_end=period.end.isoformat(),
        parent_body=unit.get("parent_name") or "",
        unit_name=unit.get("name") or "",
        symbol=settings.symbol,
        number=number,
        place=unit.get("place_name") or unit.get("province_name") or "",
        doc_date=doc_day.isoformat(),
        subject=f"{SUBJECT_PREFIX}, {period.subject_phrase}",
        summary="",
        groups=figures.groups,
        group_total=figures.group_total,
        areas=figures.areas,
        area_total=figures.area_total,
        trend=figures.trend,
        target_total=figures.group_total.target,
        campaign_id=figures.campaign_id,
        campaign_name=figures.campaign_name,
        difficulties=difficulties.strip(),
        proposals=proposals.strip(),
        recipients=list(recipients) if recipients is not None else list(settings.recipients) or default_recipients(),
        signer_authority=settings.signer_authority,
        signer_title=settings.signer_title,
        signer_name=signer_name if signer_name is not None else settings.signer_name,
        footnotes=list(figures.footnotes),
    )
    data.summary = write_summary(data, data.unit_name or "Đơn vị", period)
    return data


def default_recipients() -> list[str]:
    return ["Công an tỉnh (qua PC06) (để báo cáo);", "Lãnh đạo đơn vị;", "Lưu: VT."]


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
    text += f" Lũy kế{campaign_since(data.campaign_name)} đến ngày {date_text(period.end)}: " \
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


def campaign_since(name: str) -> str:
    """" từ khi bắt đầu thực hiện “<name>”": the campaign's name quoted as typed (it is a title with its own
    capitals and may contain "triển khai" itself), empty without a campaign."""
    name = " ".join((name or "").split()).strip("\"“”«»'")
    return f" từ khi bắt đầu thực hiện “{name}”" if name else ""
