#!/usr/bin/env python
"""Write the default manual's printable forms (content/assets/forms/*.docx, *.xlsx).

    python scripts/make_forms.py           # rewrite the forms whose bytes changed
    python scripts/make_forms.py --check   # exit 1, naming them, when a form is out of date

Each form is described once below and written with python-docx or openpyxl. The files are
reproducible: zip entries carry a fixed date and order, document properties a fixed date, so the
same script always writes the same bytes and a diff of content/assets/forms/ means a real change.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

FORMS = Path(__file__).resolve().parent.parent / "content" / "assets" / "forms"
OFFICE = "某市人民政府办公室"
FIXED_DATE = "2026-12-01T00:00:00Z"
ZIP_DATE = (2026, 12, 1, 0, 0, 0)


@dataclass(frozen=True)
class Sheet:
    """A one-page form: a title, then rows of (label, value cell) pairs, as an office prints it."""

    name: str
    title: str
    rows: tuple[tuple[str, ...], ...]  # each row: label, label, … (a value cell follows each label)
    tall: tuple[str, ...] = ()  # labels whose value cell is a block of lines
    notes: tuple[str, ...] = ()  # small print under the table
    number: str = ""  # the serial line above the table (编号), empty for none
    signatures: tuple[str, ...] = ()  # signature lines under the table


@dataclass(frozen=True)
class Register:
    """A register kept as a spreadsheet (登记簿): a title, columns with widths, blank ruled rows."""

    name: str
    title: str
    columns: tuple[tuple[str, int], ...]
    rows: int = 30
    notes: tuple[str, ...] = field(default=())


SHEETS = (
    Sheet("duty-log.docx", "市政府总值班室值班记录表", number="值班日期：　　年　　月　　日（08:30至次日08:30）", rows=(
        ("带班领导", "值班员"),
        ("接班时间", "交班时间"),
    ), tall=("来电来文记录（时间、来源、事由、处理情况）", "突发事件和紧急情况报告（接报时间、首报时间、续报情况）",
             "领导批示和交办事项的落实情况", "未办结事项和需要接班人员注意的事项"),
        signatures=("交班人签字：", "接班人签字：", "带班领导阅签："),
        notes=("本表一班一页，交接班时由交接双方当面核对签字，次月初交秘书科归档。",
               "电话记录写明来电单位、姓名、号码和时间；突发事件按报告时限标准首报和续报。")),
    Sheet("draft-sheet.docx", "市人民政府办公室发文稿纸", number="发文字号：　　〔　　〕　　号　　　密级和保密期限：　　　　　紧急程度：", rows=(
        ("签发", "会签"),
        ("审核（分管副秘书长）", "核稿（秘书科科长）"),
        ("拟稿单位", "拟稿人及电话"),
        ("主送", "抄送"),
        ("公开属性", "印发份数"),
        ("合法性审核意见", "附件"),
    ), tall=("标题", "正文（可另附页）"),
        signatures=("校对：", "缮印：", "用印：", "印发日期：　　年　　月　　日"),
        notes=("签发人签署意见、姓名和日期；会签单位负责人签署意见和姓名。",
               "公开属性填“主动公开”“依申请公开”或“不予公开”，不予公开的注明理由。")),
    Sheet("seal-approval.docx", "印章使用审批单", number="编号：　　　　　　　申请日期：　　年　　月　　日", rows=(
        ("申请科室（单位）", "经办人及电话"),
        ("印章名称", "用印份数"),
        ("文件名称", "文件编号或发文字号"),
        ("是否带出使用", "带出期限和监印人"),
    ), tall=("用印事由", "科室负责人意见", "审批人意见（按印章审批权限签署）"),
        signatures=("监印人（印章管理人员）签字：", "用印时间：　　月　　日　　时"),
        notes=("申请用印须附经签发或审批的文件原件；用印文件与审批内容、份数不一致的，不予用印。",
               "空白纸张、空白介绍信和内容未定稿的材料一律不予用印。本单用后随用印登记簿存档。")),
    Sheet("meeting-sign-in.docx", "会议签到表", number="会议名称：", rows=(
        ("会议时间", "会议地点"),
        ("主持人", "记录人"),
    ), tall=("参会单位　　　　姓名　　　　职务　　　　联系电话　　　　签到时间",),
        notes=("参会人员本人签到，不得代签；请假须事先报会议组织科室并经批准，由会务人员在备注中注明。",
               "会后签到表随会议材料归档，会议纪要的出席名单与签到表核对一致。")),
    Sheet("supervision-notice.docx", "督查事项交办单", number="督查编号：〔　　〕第　　号　　　交办日期：　　年　　月　　日", rows=(
        ("事项来源（会议、批示、文件）", "交办领导"),
        ("主办单位", "协办单位"),
        ("办理时限", "反馈方式"),
    ), tall=("交办事项和领导批示原文", "办理要求", "承办单位办理情况（另附书面报告，加盖单位印章）"),
        signatures=("督查科联系人：", "承办单位签收人：", "签收时间："),
        notes=("承办单位接单后确定责任人，按时限书面反馈；不能按期办结的，在期满前说明原因和计划完成时间。",)),
    Sheet("vehicle-dispatch.docx", "公务用车派车单", number="编号：　　　　　　　用车日期：　　年　　月　　日", rows=(
        ("用车科室", "用车人"),
        ("用车事由", "乘车人数"),
        ("出发地", "目的地"),
        ("出车时间", "返回时间"),
        ("驾驶员", "车牌号"),
        ("出车里程表读数", "返回里程表读数"),
    ), tall=("审批意见（行政科科长）",),
        signatures=("用车人签字：", "驾驶员签字："),
        notes=("公务用车通过公务用车管理平台申请和调度，本单供平台不能使用时补办手续和存档；严禁公车私用。",
               "车辆用毕回到定点位置停放，节假日除执行公务外封存停放。")),
    Sheet("reception-list.docx", "公务接待清单", number="编号：　　　　　　　接待日期：　　年　　月　　日至　　月　　日", rows=(
        ("来访单位", "公函文号"),
        ("来访人数", "陪同人数"),
        ("接待事由", "接待地点"),
        ("用餐次数和人数", "住宿安排"),
        ("用餐费用（元）", "其他费用（元）"),
    ), tall=("活动项目和行程",),
        signatures=("经办人签字：", "行政科科长审核：", "分管副秘书长审批："),
        notes=("无公函的一律不予接待；接待清单、公函和财务票据一并作为报销凭证。",
               "接待用餐按标准安排工作餐，不上高档菜肴和酒水，不安排宴请和娱乐活动。")),
    Sheet("referral-slip.docx", "市长信箱来信和信访事项转办单", number="转办编号：　　　　　　　转办日期：　　年　　月　　日", rows=(
        ("来信渠道（市长信箱、来信、领导批示）", "原编号"),
        ("来信人（按保密要求填写）", "联系方式"),
        ("承办单位", "办理时限"),
    ), tall=("来信内容摘要", "领导批示或拟办意见", "承办单位办理结果和答复情况"),
        signatures=("转办人：", "承办单位签收人："),
        notes=("来信人的姓名和联系方式只提供给承办单位办理使用，不得透露给被反映的单位和个人。",
               "办理结果须答复来信人；办结后将答复情况反馈督查科。")),
    Sheet("media-release-approval.docx", "政府网站和政务新媒体信息发布审核单", number="编号：　　　　　　　提交日期：　　年　　月　　日", rows=(
        ("信息标题", "发布栏目或账号"),
        ("提供科室", "撰稿人"),
        ("信息来源和依据", "是否配发政策解读"),
    ), tall=("保密审查意见（不涉及国家秘密、工作秘密、个人隐私）", "科室负责人审核意见", "分管副秘书长审批意见（重要信息）"),
        signatures=("发布人：", "发布时间：　　月　　日　　时"),
        notes=("先审后发：未经审核的信息不得发布；转载信息须注明来源并核实。",
               "发布后发现差错的，立即更正或撤回，并报信息科科长。")),
)

REGISTERS = (
    Register("incoming-register.xlsx", "收文登记簿", (
        ("收文编号", 10), ("收文日期", 11), ("来文单位", 18), ("文号", 14), ("标题", 34),
        ("密级", 7), ("紧急程度", 9), ("份数", 6), ("拟办意见", 22), ("承办科室", 12),
        ("办结情况", 14), ("归档号", 10)),
        notes=("当天来文当天登记；涉密文件另在涉密载体收发登记表登记。",)),
    Register("seal-register.xlsx", "用印登记簿", (
        ("序号", 6), ("用印日期", 11), ("印章名称", 14), ("申请科室", 12), ("文件名称", 34),
        ("发文字号", 14), ("份数", 6), ("审批人", 10), ("经办人", 10), ("监印人", 10), ("备注", 14)),
        notes=("每次用印逐项登记，经办人和监印人签名；审批单编号写在备注栏。",)),
    Register("supervision-tracker.xlsx", "督查事项登记和跟踪表", (
        ("督查编号", 10), ("事项来源", 14), ("交办日期", 11), ("事项内容", 34), ("主办单位", 14),
        ("协办单位", 14), ("办理时限", 11), ("进展情况", 26), ("办结日期", 11), ("办结评价", 10)),
        notes=("每周更新进展，逾期未办结的列入督办通报。",)),
    Register("classified-media-register.xlsx", "涉密载体收发登记表", (
        ("序号", 6), ("收发日期", 11), ("来文单位或发往单位", 20), ("文号", 14), ("标题", 30),
        ("密级", 7), ("份号", 8), ("份数", 6), ("经手人", 10), ("签收人", 10), ("清退或销毁情况", 18)),
        notes=("涉密载体逐件登记、逐件签收，不得漏登；本表按秘密级事项管理。",)),
    Register("archive-borrowing.xlsx", "档案查借阅登记表", (
        ("序号", 6), ("日期", 11), ("借阅人", 10), ("所在单位", 16), ("档号", 14), ("案卷或文件题名", 32),
        ("利用目的", 16), ("批准人", 10), ("归还日期", 11), ("经手人", 10)),
        notes=("借出档案须经批准并按期归还；涉密档案在档案室内查阅，不得复制和带出。",)),
    Register("disclosure-request-register.xlsx", "政府信息公开申请登记表", (
        ("登记号", 10), ("收到日期", 11), ("申请人", 12), ("申请方式", 10), ("申请内容", 34),
        ("补正情况", 14), ("答复期限", 11), ("答复日期", 11), ("答复类型", 14), ("承办人", 10)),
        notes=("答复期限自收到申请之日起计算，不超过20个工作日；需要延长的须经批准并告知申请人。",)),
)


# ---- writing --------------------------------------------------------------------------------------


def _font(run, size: float, east_asia: str, bold: bool = False) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = "Times New Roman"
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asia)


def _paragraph(container, text: str, size: float, east_asia: str = "宋体", *, bold: bool = False,
               align=WD_ALIGN_PARAGRAPH.LEFT, after: float = 0):
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(after)
    _font(paragraph.add_run(text), size, east_asia, bold)
    return paragraph


def _cell(cell, text: str, *, bold: bool = False) -> None:
    cell.paragraphs[0].text = ""
    _font(cell.paragraphs[0].add_run(text), 12, "宋体", bold)


def sheet_docx(sheet: Sheet) -> bytes:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2.5)
    section.left_margin = section.right_margin = Cm(2.2)
    _paragraph(document, OFFICE, 12, align=WD_ALIGN_PARAGRAPH.CENTER, after=4)
    _paragraph(document, sheet.title, 20, "黑体", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=10)
    if sheet.number:
        _paragraph(document, sheet.number, 11, after=4)
    table = document.add_table(rows=0, cols=4)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = (Cm(3.6), Cm(4.7), Cm(3.6), Cm(4.7))
    for labels in sheet.rows:
        row = table.add_row()
        row.height, row.height_rule = Cm(1.1), WD_ROW_HEIGHT_RULE.AT_LEAST
        cells = row.cells
        for cell in cells:
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        for i, label in enumerate(labels):
            _cell(cells[2 * i], label, bold=True)
        if len(labels) == 1:
            cells[1].merge(cells[3])
    for label in sheet.tall:
        row = table.add_row()
        row.height, row.height_rule = Cm(3.2), WD_ROW_HEIGHT_RULE.AT_LEAST
        merged = row.cells[0].merge(row.cells[3])
        _cell(merged, label, bold=True)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
    if sheet.signatures:
        _paragraph(document, "", 6)
        _paragraph(document, "　　　　".join(sheet.signatures), 12, after=4)
    for note in sheet.notes:
        _paragraph(document, "注：" + note if note is sheet.notes[0] else "　　" + note, 10.5, after=2)
    properties = document.core_properties
    properties.author = properties.last_modified_by = OFFICE
    properties.title = sheet.title
    properties.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def register_xlsx(register: Register) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = register.title
    last = len(register.columns)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    sheet.cell(1, 1, f"{OFFICE}{register.title}").font = Font(name="黑体", size=16, bold=True)
    sheet.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 30
    for column, (label, width) in enumerate(register.columns, start=1):
        cell = sheet.cell(2, column, label)
        cell.font = Font(name="宋体", size=11, bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = box
        sheet.column_dimensions[cell.column_letter].width = width
    for row in range(3, 3 + register.rows):
        sheet.row_dimensions[row].height = 24
        for column in range(1, last + 1):
            cell = sheet.cell(row, column)
            cell.border = box
            cell.font = Font(name="宋体", size=11)
            cell.alignment = Alignment(vertical="center", wrap_text=True)
    for offset, note in enumerate(register.notes):
        sheet.cell(4 + register.rows + offset, 1, "注：" + note).font = Font(name="宋体", size=10)
    sheet.freeze_panes = "A3"
    sheet.print_title_rows = "1:2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    workbook.properties.creator = workbook.properties.lastModifiedBy = OFFICE
    workbook.properties.title = register.title
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


_STAMPS = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def reproducible(data: bytes) -> bytes:
    """The same package with fixed zip dates and fixed created/modified properties."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _STAMPS.sub(rb"\g<1>" + FIXED_DATE.encode() + rb"\g<2>", body)
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, body)
    return out.getvalue()


def forms() -> dict[str, bytes]:
    """File name → bytes of every form."""
    made = {sheet.name: sheet_docx(sheet) for sheet in SHEETS}
    made |= {register.name: register_xlsx(register) for register in REGISTERS}
    return {name: reproducible(data) for name, data in sorted(made.items())}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report forms that are out of date")
    args = parser.parse_args()
    stale = {name: data for name, data in forms().items()
             if not (FORMS / name).is_file() or (FORMS / name).read_bytes() != data}
    for name, data in stale.items():
        if args.check:
            print(f"{FORMS / name} is out of date: run python scripts/make_forms.py", file=sys.stderr)
        else:
            FORMS.mkdir(parents=True, exist_ok=True)
            (FORMS / name).write_bytes(data)
            print(f"wrote {FORMS / name}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
