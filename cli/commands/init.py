"""``init``: start a unit's (or, with ``--province``, a province desk's) database from the command line.

Creates the database with the unit using it (name, parent body, place written on documents, communes and
wards by their official codes) and the first administrator. The administrator's password is never an
argument (other users of the machine can read the process list): it comes from the environment variable
``SODINHDANH_PASSWORD`` or is asked twice without echo. A database that already holds a unit, an officer,
an organization or a dossier is refused (exit 2) and left as it was; on any refusal nothing is written.
"""

from __future__ import annotations

import getpass
import os
import warnings
from pathlib import Path

from cli.common import print_json
from models.core.db_probe import probe
from models.core.errors import UserError
from models.core.store import Store
from models.registry import units
from models.security import auth
from models.sync import keys

PASSWORD_ENV = "SODINHDANH_PASSWORD"


def register(sub) -> None:
    p = sub.add_parser("init", help="khởi tạo CSDL mới cho đơn vị (hoặc đơn vị cấp tỉnh) và tài khoản quản trị")
    p.add_argument("--db", required=True, help="tệp cơ sở dữ liệu mới")
    p.add_argument("--province", action="store_true", help="đơn vị cấp tỉnh (tổng hợp tệp đồng bộ của các đơn vị)")
    p.add_argument("--name", required=True, help="tên đơn vị, ví dụ «Công an phường Long Xuyên»")
    p.add_argument("--parent", metavar="NAME", help="cơ quan cấp trên, ví dụ «Công an tỉnh An Giang»")
    p.add_argument("--place", metavar="NAME", help="địa danh ghi trên văn bản, ví dụ «An Giang»")
    p.add_argument("--areas", metavar="CODE,…",
                   help="mã xã, phường (5 chữ số, danh mục hành chính hiện hành) mà đơn vị phụ trách, cách nhau "
                        "bằng dấu phẩy; bắt buộc với đơn vị không phải cấp tỉnh")
    p.add_argument("--code", help="mã đơn vị trong tệp đồng bộ gửi tỉnh (mặc định: tạo từ tên)")
    p.add_argument("--admin", default="quantri", metavar="USERNAME",
                   help="tên đăng nhập của quản trị viên (mặc định: quantri)")
    p.add_argument("--admin-name", default="Quản trị viên", metavar="NAME",
                   help="họ và tên quản trị viên (mặc định: «Quản trị viên»; sửa sau ở trang Quản trị)")
    p.set_defaults(func=run)


def run(args) -> int:
    path = Path(args.db)
    values, areas = _unit_values(args)
    _check_target(path)
    password = _password()  # asked before the file is created
    created = not path.exists()
    store = Store(path)
    try:
        with store.atomic():
            actor = auth.create_first_admin(store, args.admin, args.admin_name, password)
            store.actor = actor  # the unit is the administrator's first act, audited as such
            if areas:
                unit_id = units.save_unit_with_areas(store, values, areas)
            else:
                unit_id = units.save_unit(store, values)
            keys.ensure_key(store)  # the key that signs this desk's sync files
        unit = units.current_unit(store)
        area_count = len(units.unit_areas(store, unit_id))
    except BaseException:
        store.close()
        if created:  # a refused init leaves no half-made database behind
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
        raise
    store.close()
    print_json({"ok": True, "db": str(path), "kind": unit["kind"], "unit_id": unit_id, "code": unit["code"],
                "name": unit["name"], "parent": unit["parent_name"], "place": unit["place_name"],
                "province_code": unit["province_code"], "areas": area_count, "admin": actor.username})
    return 0


def _unit_values(args) -> tuple[dict, list]:
    """The unit's fields and its areas, checked before anything is written."""
    name = (args.name or "").strip()
    if not name:
        raise UserError("Tên đơn vị (--name) không được để trống")
    codes = [c.strip() for c in (args.areas or "").split(",") if c.strip()]
    if len(set(codes)) != len(codes):
        dup = next(c for c in codes if codes.count(c) > 1)
        raise UserError(f"Mã xã, phường «{dup}» bị lặp trong --areas")
    areas = [units.official_ward(code) for code in codes]
    provinces = sorted({a.province_code for a in areas})
    if len(provinces) > 1:
        raise UserError("Các xã, phường trong --areas thuộc nhiều tỉnh, thành phố khác nhau "
                        f"({', '.join(units.official_province(p).name for p in provinces)}); một đơn vị chỉ "
                        "phụ trách địa bàn trong một tỉnh")
    if not areas and not args.province:
        raise UserError("Hãy cho biết các xã, phường đơn vị phụ trách: --areas MÃ,MÃ… (mã 5 chữ số trong danh mục "
                        "hành chính hiện hành), hoặc --province cho đơn vị cấp tỉnh")
    province = units.official_province(provinces[0]) if provinces else None
    if province is None and args.place:
        province = units.province_by_name(args.place)
    values = {"name": name, "parent_name": args.parent, "place_name": args.place, "code": args.code,
              "province_code": province.code if province else None,
              "kind": "province" if args.province else "local"}
    return values, areas


def _check_target(path: Path) -> None:
    found = probe(path)
    if not found.exists:
        if path.parent.exists() and not path.parent.is_dir():
            raise UserError(f"«{path.parent}» không phải là thư mục")
        return
    if not found.is_database:
        raise UserError(f"Tệp «{path}» đã có và không phải cơ sở dữ liệu của chương trình; hãy chọn tệp khác")
    if found.has_data:
        raise UserError(f"Cơ sở dữ liệu «{path}» đã có dữ liệu (đơn vị, cán bộ, tổ chức hoặc hồ sơ); lệnh init chỉ "
                        "khởi tạo cơ sở dữ liệu mới và không thay đổi gì ở tệp này")


def _password() -> str:
    password = os.environ.get(PASSWORD_ENV)
    if password is None:
        with warnings.catch_warnings():
            # Without a terminal getpass reads standard input (a script can pipe the password in).
            warnings.simplefilter("ignore", getpass.GetPassWarning)
            try:
                password = getpass.getpass(f"Mật khẩu của quản trị viên (ít nhất {auth.MIN_PASSWORD_LENGTH} ký tự): ")
                if not password:
                    raise UserError("Chưa nhập mật khẩu; chưa tạo cơ sở dữ liệu")
                if getpass.getpass("Nhập lại mật khẩu: ") != password:
                    raise UserError("Hai lần nhập mật khẩu không giống nhau; chưa tạo cơ sở dữ liệu")
            except EOFError as exc:
                raise UserError("Không đọc được mật khẩu (đầu vào đã hết); chưa tạo cơ sở dữ liệu") from exc
    auth.check_password_rules(password)
    return password
