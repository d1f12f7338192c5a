"""The templates of a kind, generated from its declaration: an Excel workbook – the data sheet
“Dữ liệu” with the column titles (required ones marked), an example row and drop-down lists for
coded values; the sheet “Hướng dẫn” explaining every column (meaning, type, unit, required, allowed
values, example); a sheet “Danh mục” holding the longer lists – and the same columns as CSV."""

from __future__ import annotations

import io

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from khuyencong.core.spreadsheets import CsvLines, Workbook
from khuyencong.exchange.kinds import TYPES, Kind
from khuyencong.exchange.readers import DATA_SHEET

GUIDE_SHEET = "Hướng dẫn"
LISTS_SHEET = "Danh mục"
DATA_ROWS = 5_000  # rows the drop-down lists cover
INLINE_LIST_LIMIT = 250  # Excel refuses an inline list longer than 255 characters


def template_xlsx(kind: Kind) -> bytes:
    output = io.BytesIO()
    book = Workbook(output)
    header = book.add_format(
        {"bold": True, "bg_color": "#E8EEF7", "border": 1, "text_wrap": True, "valign": "top"}
    )
    required = book.add_format(
        {"bold": True, "bg_color": "#FCE4D6", "border": 1, "text_wrap": True, "valign": "top"}
    )
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    data = book.add_worksheet(DATA_SHEET)
    guide = book.add_worksheet(GUIDE_SHEET)
    lists = book.add_worksheet(LISTS_SHEET)
    list_column = 0
    for index, column in enumerate(kind.columns):
        title = str(capfirst(column.title))
        data.set_column(index, index, max(14, min(40, len(title) + 2)))
        book.write(data, 0, index, title, required if column.required else header)
        data.write_comment(0, index, str(capfirst(column.meaning)), {"x_scale": 2, "y_scale": 2})
        allowed = column.allowed_values()
        if allowed and column.validation_list:
            inline = ",".join(allowed)
            if len(inline) <= INLINE_LIST_LIMIT and "," not in "".join(allowed):
                source: object = allowed
            else:
                book.write(lists, 0, list_column, title, header)
                for offset, value in enumerate(allowed, start=1):
                    book.write(lists, offset, list_column, value)
                letter = _column_letter(list_column)
                source = f"='{LISTS_SHEET}'!${letter}$2:${letter}${len(allowed) + 1}"
                list_column += 1
            data.data_validation(
                1,
                index,
                DATA_ROWS,
                index,
                {
                    "validate": "list",
                    "source": source,
                    "error_title": title[:32],
                    "error_message": _("Choose a value from the list.")[:255],
                },
            )
    for offset, example in enumerate(kind.example_rows(), start=1):
        for index, cell in enumerate(example):
            if cell:
                book.write(data, offset, index, cell)
    data.freeze_panes(1, 0)
    # the longer lists (provinces, sectors) go to the list sheet without a drop-down
    for column in kind.columns:
        allowed = column.allowed_values()
        if allowed and not column.validation_list:
            book.write(lists, 0, list_column, str(capfirst(column.title)), header)
            for offset, value in enumerate(allowed, start=1):
                book.write(lists, offset, list_column, value)
            list_column += 1
    guide_headers = [
        _("Column"),
        _("Meaning"),
        _("Type"),
        _("Unit"),
        _("Required"),
        _("Allowed values"),
        _("Example"),
    ]
    for index, width in enumerate((32, 60, 28, 12, 10, 50, 28)):
        guide.set_column(index, index, width)
    book.write_row(guide, 0, 0, guide_headers, header)
    for row, column in enumerate(kind.columns, start=1):
        allowed = column.allowed_values()
        if len(allowed) > 12:
            allowed_text = _("%(n)s values – see the sheet “%(sheet)s”") % {
                "n": len(allowed),
                "sheet": LISTS_SHEET,
            }
        else:
            allowed_text = "; ".join(allowed)
        book.write_row(
            guide,
            row,
            0,
            [
                str(capfirst(column.title)),
                str(capfirst(column.meaning)),
                str(TYPES.get(column.type, column.type)),
                str(column.unit),
                _("yes") if column.required else "",
                allowed_text,
                column.example,
            ],
            wrap,
        )
    note_row = len(kind.columns) + 2
    book.write(guide, note_row, 0, _("Records are found by"), header)
    book.write(guide, note_row, 1, str(kind.natural_key), wrap)
    if kind.notes:
        note_row += 1
        book.write(guide, note_row, 0, _("Rules of this kind"), header)
        book.write(guide, note_row, 1, str(kind.notes), wrap)
    book.write(guide, note_row + 1, 0, _("Rules"), header)
    book.write(
        guide,
        note_row + 1,
        1,
        _(
            "Every row is checked before anything is written; one error and nothing is imported. The same "
            "file imported twice changes nothing. Formulas are refused: paste values. Amounts may be "
            "written 1.234.567, 1,5 tỷ or 150 triệu; dates dd/mm/yyyy; names with or without accents "
            "where only one place matches."
        ),
        wrap,
    )
    book.close()
    return output.getvalue()


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def template_csv(kind: Kind) -> bytes:
    """The same columns as CSV (UTF-8 with a byte-order mark, comma): titles and the example row."""
    lines = CsvLines()
    text = lines.row(str(capfirst(c.title)) for c in kind.columns)
    for example in kind.example_rows():
        text += lines.row(example)
    return text.encode("utf-8")


def column_reference() -> str:
    """``docs/import.md``: the column reference of every kind, generated from the declarations."""
    from django.utils.translation import override

    from khuyencong.exchange.kinds import KINDS

    out = [
        "# Nhập dữ liệu – mô tả các cột của mẫu",
        "",
        "Tệp này được sinh từ khai báo các loại dữ liệu (`src/khuyencong/exchange/kinds/`); một kiểm thử",
        "báo lỗi khi nó không khớp. Sinh lại: `khuyencong template --reference docs/import.md`.",
        "",
        "Quy tắc chung: mọi dòng được kiểm tra trước khi ghi; một lỗi là không ghi gì (mọi lỗi được liệt kê",
        "theo trang tính, dòng, cột và lý do). Nhập lại cùng một tệp không thay đổi gì. Ô chứa công thức bị từ chối",
        "(hãy dán giá trị); văn bản bắt đầu bằng `=` được lưu đúng như văn bản. Tệp Excel (.xlsx) hoặc CSV UTF-8",
        "(có hoặc không có BOM, dấu phẩy hoặc chấm phẩy); tối đa 50 MB và 200.000 dòng (cấu hình",
        "`KC_IMPORT_MAX_MB`, `KC_IMPORT_MAX_ROWS`). Số tiền: `1.234.567`, `1,5 tỷ`, `150 triệu`; ngày `dd/mm/yyyy`;",
        "tên tỉnh, xã có dấu hoặc không dấu khi chỉ một nơi khớp; tên tỉnh cũ (ví dụ Hà Giang) vẫn được nhận.",
        "",
        "Ba đường nhập, cùng một quy tắc: trang *Nhập dữ liệu*, lệnh `khuyencong import TỆP --kind LOẠI --user U",
        "[--dry-run]` và API. Kiểm tra và nhập chạy trong hàng đợi công việc (`/cong-viec/`): trang hiện thanh",
        "tiến độ rồi trang kết quả, liệt kê từng bản ghi đã ghi (tên, mã) với liên kết tới trang của nó; trang của",
        "mỗi bản ghi ghi rõ “Nhập từ tệp … (dòng N) ngày dd/mm/yyyy”.",
        "",
        "API (`/api/v1/imports/`, tài liệu tại `/api/docs/`):",
        "",
        "- `POST /api/v1/imports/` (multipart: `file`, `kind`, `dry_run` – mặc định `true`) lưu tệp, xếp việc kiểm tra",
        "  vào hàng đợi và trả lời ngay **202** với lô nhập (trạng thái `uploaded`) và tiêu đề `Location` của nó;",
        "  với `dry_run=false`, tệp không có lỗi được nhập luôn trong cùng công việc.",
        "- `GET /api/v1/imports/{id}/` (địa chỉ `Location`): trạng thái (`uploaded` → `invalid` với mọi lỗi, hoặc",
        "  `checked`, hoặc `imported`), số dòng, và `job` – công việc đang chạy với `progress` (`done`, `total`,",
        "  `percent`) và `url` của nó trong `/api/v1/jobs/{id}/`. Hỏi lại cho tới khi `job.state` là `done` hoặc `failed`.",
        "- `POST /api/v1/imports/{id}/confirm/` nhập một lô đã kiểm tra (chỉ người tải lên): **202**, rồi hỏi lại như",
        "  trên; **400** khi lô chưa sẵn sàng, đã nhập hoặc đang được nhập.",
        "",
    ]
    with override("vi"):
        for kind in KINDS.values():
            out += [f"## {kind.label} (`--kind {kind.key}`)", "", str(kind.description), ""]
            out += [f"Tìm bản ghi đã có theo: {kind.natural_key}", ""]
            if kind.notes:
                out += [str(kind.notes), ""]
            out += [
                "| Cột | Khóa | Ý nghĩa | Kiểu | Đơn vị | Bắt buộc | Giá trị cho phép | Ví dụ |",
                "|---|---|---|---|---|---|---|---|",
            ]
            for c in kind.columns:
                allowed = c.allowed_values()
                allowed_text = (
                    "; ".join(allowed)
                    if len(allowed) <= 12
                    else f"{len(allowed)} giá trị (trang “{LISTS_SHEET}” của mẫu Excel)"
                )
                cells = [
                    str(capfirst(c.title)),
                    f"`{c.key}`",
                    str(capfirst(c.meaning)),
                    str(TYPES.get(c.type, c.type)),
                    str(c.unit),
                    "có" if c.required else "",
                    allowed_text,
                    c.example,
                ]
                out.append("| " + " | ".join(x.replace("|", "\\|") for x in cells) + " |")
            out.append("")
    return "\n".join(out)
