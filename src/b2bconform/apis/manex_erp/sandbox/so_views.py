"""The Sales Order API's response objects, member for member as the doc's Get examples show them.

CHAR columns come back space-padded to their width; the widths are the ERP's (SHIPVIA, FOB, TERMS:
15; STATUS: 10; ...). ``sono`` is passed in as text so a fault can write it unpadded.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from b2bconform.apis.manex_erp.sandbox.erp import DueDate, Price, SalesOrder, SoItem
from b2bconform.apis.manex_erp.sandbox.wire import char, number, pad, stamp

__all__ = [
    "LINE_NO_WIDTH",
    "SONO_WIDTH",
    "extended",
    "padded_sono",
    "render_due_date",
    "render_item",
    "render_order",
    "render_price",
]

SONO_WIDTH = 10
LINE_NO_WIDTH = 7
_NO_USER = "00000000-0000-0000-0000-000000000000"
_CATEGORY = "000000000~"
_PRICE_GL, _COST_GL = "4050000-00-00", "5090000-00-00"


def extended(item: SoItem, price: Price) -> Decimal:
    """A price line's amount: as sent, else the price (flat) or price times the ordered quantity."""
    if price.extended is not None:
        return price.extended
    return price.price if price.flat else price.price * item.ord_qty


def _line_amount(item: SoItem) -> Decimal:
    return sum((extended(item, price) for price in item.prices), Decimal(0))


def render_price(item: SoItem, price: Price, sono: str) -> dict[str, Any]:
    return {
        "PLPRICELNK": price.plpricelnk,
        "SONO": sono,
        "DESCRIPTIO": char(item.description, 45),
        "QUANTITY": number(item.ord_qty),
        "PRICE": number(price.price),
        "EXTENDED": number(extended(item, price)),
        "TAXABLE": price.taxable,
        "FLAT": price.flat,
        "RECORDTYPE": char(price.record_type, 1),
        "SALETYPEID": char(price.sale_type, 10),
        "UNIQUELN": item.uniqueln,
        "PL_GL_NBR": _PRICE_GL,
        "COG_GL_NBR": _COST_GL,
        "OrigPluniqLnk": char("", 10),
    }


def render_due_date(due: DueDate, sono: str) -> dict[str, Any]:
    return {
        "DUEDT_UNIQ": due.duedt_uniq,
        "SONO": sono,
        "DUE_DTS1": stamp(due.due),
        "SHIP_DTS": stamp(due.ship),
        "COMMIT_DTS": stamp(due.commit),
        "QTY": number(due.qty),
        "STDCHG": 0,
        "PRICHG": 0,
        "OTHCHG": 0,
        "JOBPRI": char("", 1),
        "DAYMIN": 0,
        "LOTNO": char("", 15),
        "QUOTE_SEL": False,
        "START_DTS": None,
        "ACT_SHP_QT": 0,
        "ON_SCHED": False,
        "COMPL_DTS": None,
        "UNIQUELN": due.uniqueln,
    }


def render_item(item: SoItem, sono: str) -> dict[str, Any]:
    blank_key = char("", 10)
    return {
        "DueDateList": [render_due_date(due, sono) for due in item.due_dates],
        "SOPRICESList": [render_price(item, price, sono) for price in item.prices],
        "UNIQUELN": item.uniqueln,
        "UNIQ_KEY": item.part.uniq_key,
        "SONO": sono,
        "LINE_NO": pad(item.line_no, LINE_NO_WIDTH),
        "UOFMEAS": char(item.uofmeas, 4),
        "EACHQTY": number(item.each_qty),
        "ORD_QTY": number(item.ord_qty),
        "SHIPPEDQTY": number(item.shipped_qty),
        "BALANCE": number(item.balance),
        "Sodet_Desc": char(item.description, 45),
        "TRANS_DAYS": item.trans_days,
        "FSTDUEDT": stamp(item.fstduedt),
        "DELIFREQ": char(item.deli_freq, 2),
        "CATEGORY": _CATEGORY,
        "NOTE": item.note,
        "EXTENDED": number(_line_amount(item)),
        "BULLETIN": "",
        "WONOFLAG": False,
        "QTYFROMINV": 0,
        "STATUS": char(item.status, 10),
        "W_KEY": item.w_key,
        "ORIGINUQLN": blank_key,
        "PRJUNIQUE": blank_key,
        "ARCSTATUS": blank_key,
        "PRODTPUNIQ": blank_key,
        "PRODTPUKLN": blank_key,
        "CNFGQTYPER": 0,
        "MRPONHOLD": False,
        "SOURCEINSP": False,
        "FIRSTARTCL": False,
        "LFCSTITEM": False,
        "LWARRANTY": False,
        # Input-only members: the ERP answers them null (the doc's examples do too).
        "PART_NUM": None,
        "PRJCT_NUM": None,
        "REVISION": None,
    }


def render_order(order: SalesOrder, sono: str) -> dict[str, Any]:
    items = sorted(order.items, key=lambda item: item.line_no)
    amount = sum((_line_amount(item) for item in items), Decimal(0))
    return {
        "SODETAILList": [render_item(item, sono) for item in items],
        "SONO": sono,
        "BLINKADD": order.blinkadd,
        "SLINKADD": order.slinkadd,
        "CUSTNO": order.customer.custno,
        "SHIPNO": char("", 15),
        "ORDERDATE": stamp(order.order_date),
        "TMPACK": False,
        "TMPACKDT": None,
        "TMPACKINIT": char("", 8),
        "POACK": order.poack,
        "POACKDT": stamp(order.saved) if order.poack else None,
        "POACKINIT": char("", 8),
        "PORECEIV": False,
        "POREINIT": char("", 8),
        "POREDT": None,
        "PONO": char(order.pono, 20),
        "CUSTWONO": char("", 15),
        "SONOTE": order.sonote,
        "ORDPASSWD": char("", 8),
        "FOB": char(order.fob, 15),
        "SHIPVIA": char(order.ship_via, 15),
        "SHIPCHARGE": char(order.ship_charge, 15),
        "IS_CLOSED": False,
        "DATECHG": stamp(order.changed),
        "SOFOOT": order.sofoot,
        "ORD_TYPE": char("OPEN", 10),
        "DELIV_TIME": char(order.deliv_time, 8),
        "DELIV_AMPM": char("", 2),
        "BUYER": char(order.buyer, 35),
        "SOAMOUNT": number(amount - order.discount),
        "ATTENTION": char(order.attention, 10),
        "GLDIVNO": char("", 2),
        "IS_RMA": False,
        "ORIGINSONO": char("", 10),
        "INVOICENO": char("", 10),
        "SOAMTDSCT": number(order.discount),
        "SOEXTEND": number(amount),
        "SOTAX": 0,
        "PRINTPRDT": False,
        "SOAPPROVAL": order.approved,
        "SOAPPRVINT": char(order.approver, 8),
        "SOAPPRVDT": stamp(order.approved_on),
        "SAVEINT": char("NA", 8),
        "SAVEDT": stamp(order.saved),
        "ACKPO_DOC": order.ackpo_doc or " ",
        "TERMS": char(order.terms, 15),
        "SOPTAX": 0,
        "SOSTAX": 0,
        "SOCHANGES": "",
        "BILLACOUNT": char(order.bill_account, 20),
        "CustomerName": order.customer.name,
        "CanApproveSo": False,
        "UserId": _NO_USER,
    }


def padded_sono(sono: int) -> str:
    return pad(sono, SONO_WIDTH)
