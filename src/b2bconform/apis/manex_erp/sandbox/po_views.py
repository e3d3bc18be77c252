"""The Purchase Order API's response objects, member for member as the doc's examples show them.

Unlike the SO API's, these come back trimmed (the doc shows "OPEN", "NET 30/2% 10", "12:00").
``ponum`` is passed in as text so a fault can write it unpadded.
"""

from __future__ import annotations

import base64
from typing import Any

from b2bconform.apis.manex_erp.sandbox.erp import PoItem, PoSchedule, PurchaseOrder
from b2bconform.apis.manex_erp.sandbox.wire import number, pad, stamp

__all__ = [
    "ITEMNO_WIDTH",
    "PONUM_WIDTH",
    "padded_ponum",
    "render_item_added",
    "render_item_listed",
    "render_po",
    "render_schedule",
]

PONUM_WIDTH = 15
ITEMNO_WIDTH = 3
_INVENTORY_GL = "1315000-00-00"


def padded_ponum(ponum: int) -> str:
    return pad(ponum, PONUM_WIDTH)


def _row_version(version: int) -> str:
    # SQL Server rowversion: eight bytes, base64 in JSON.
    return base64.b64encode(version.to_bytes(8, "big")).decode("ascii")


def render_po(po: PurchaseOrder, ponum: str) -> dict[str, Any]:
    supplier = po.supplier
    return {
        "PONUM": ponum,
        "PODATE": stamp(po.po_date),
        "POSTATUS": po.status,
        "CONUM": 0,
        "VERDATE": stamp(po.verdate),
        "BUYER": po.buyer,
        "APPVNAME": "",
        "FINALNAME": "",
        "POTAX": 0,
        "POTOTAL": number(po.total),
        "TERMS": po.terms,
        "PONOTE": "",
        "POFOOTER": "",
        "CLOSDDATE": None,
        "IS_PRINTED": False,
        "C_LINK": po.confirm_link,
        "R_LINK": po.remit_link,
        "I_LINK": po.receive_link,
        "B_LINK": po.bill_link,
        "SHIPCHG": number(po.shipping_amount),
        "IS_SCTAX": po.shipping_taxable,
        "SCTAXPCT": number(po.shipping_tax_pct),
        "CONFNAME": po.conf_name,
        "CONFIRMBY": "",
        "SHIPCHARGE": po.ship_charge,
        "FOB": po.fob,
        "SHIPVIA": po.ship_via,
        "DELTIME": po.deltime,
        "ISINBATCH": False,
        "RECONTODT": 0,
        "ARCSTAT": "",
        "POPRIORITY": "Standard",
        "POACKNDOC": "",
        "VERINIT": "",
        "UNIQSUPNO": supplier.uniqsupno,
        "POCHANGES": po.changes,
        "LFREIGHTINCLUDE": po.freight_included,
        "POUNIQUE": po.pounique,
        "CurrChange": "",
        "Acknowledged": False,
        "RecVer": _row_version(po.version),
        "Supname": supplier.sup_name,
        "Status": supplier.status,
        "SUP_TYPE": supplier.sup_type,
        "Supid": supplier.supid,
    }


def _item_core(po: PurchaseOrder, item: PoItem) -> dict[str, Any]:
    """The members both item shapes open with, up to NO_PKG."""
    return {
        "UNIQLNNO": item.uniqlnno,
        "PONUM": padded_ponum(po.ponum),
        "UNIQ_KEY": item.part.uniq_key,
        "ITEMNO": pad(item.itemno, ITEMNO_WIDTH),
        "COSTEACH": number(item.costeach),
        "ORD_QTY": number(item.ord_qty),
        "RECV_QTY": number(item.recv_qty),
        "REJ_QTY": 0,
        "ACPT_QTY": 0,
        "NOTE1": "",
        "IS_TAX": item.is_tax,
        "TAX_PCT": 0,
        "IS_CONTR": False,
        "OVERAGE": number(item.overage),
        "POITTYPE": item.poittype,
        "L_PRINT": False,
        "NO_PKG": 0,
    }


def _item_manufacturing(item: PoItem) -> dict[str, Any]:
    """The members both item shapes share from DESCRIPT to lRemvRcv."""
    return {
        "DESCRIPT": item.part.description,
        "PARTMFGR": item.manufacturer.partmfgr,
        "MFGR_PT_NO": item.manufacturer.mfgr_pt_no,
        "PACKAGE": item.package,
        "PART_CLASS": item.part.part_class,
        "PART_TYPE": item.part.part_type,
        "U_OF_MEAS": item.u_of_meas,
        "PUR_UOFM": item.pur_uofm,
        "S_ORD_QTY": number(item.ord_qty),
        "ISFIRM": item.isfirm,
        "UNIQMFGRHD": item.manufacturer.uniqmfgrhd,
        "FIRSTARTICLE": item.firstarticle,
        "INSPEXCEPT": False,
        "INSPEXCEPTION": "",
        "INSPEXCINIT": "",
        "INSPEXCDT": None,
        "INSPEXCNOTE": item.inspexcnote,
        "INSPEXCDOC": item.inspexcdoc,
        "LCANCEL": False,
        "UNIQMFSP": "",  # no supplier-part records in the seed
        "INSPECTIONOTE": "",
        "lRemvRcv": False,
    }


def render_item_added(po: PurchaseOrder, item: PoItem) -> dict[str, Any]:
    """The item object PO Item Add answers with (PART_NO/REVISION inline, schedules nested)."""
    manufacturing = _item_manufacturing(item)
    return {
        **_item_core(po, item),
        "PART_NO": item.part.part_no,
        "REVISION": item.part.revision,
        **manufacturing,
        "UNIQSUPNO": po.supplier.uniqsupno,
        "pur_ltime": item.pur_ltime,
        "pur_lunit": item.pur_lunit,
        "updatePLT": item.update_plt,
        "minorder": number(item.minorder),
        "ordmult": number(item.ordmult),
        "updateMinOrdMult": item.update_min_ord_mult,
        "updateMaterialCost": item.update_material_cost,
        "Targetprice": 0,
        "updateTargetPrice": item.update_target_price,
        "supplierPartNumber": item.supplier_part_number,
        "PoitschdList": [render_schedule(po, item, schedule) for schedule in item.schedules],
    }


def render_item_listed(po: PurchaseOrder, item: PoItem) -> dict[str, Any]:
    """One entry of PO Item Get's list (with the PO's and the supplier's members)."""
    supplier = po.supplier
    return {
        **_item_core(po, item),
        **_item_manufacturing(item),
        "POSTATUS": po.status,
        "PODATE": stamp(po.po_date),
        "Part_No": item.part.part_no,
        "Revision": item.part.revision,
        "Part_Sourc": item.part.source,
        "Supname": supplier.sup_name,
        "Status": supplier.status,
        "SUP_TYPE": supplier.sup_type,
        "Supid": supplier.supid,
    }


def render_schedule(po: PurchaseOrder, item: PoItem, schedule: PoSchedule) -> dict[str, Any]:
    warehouse = schedule.warehouse
    inventory = item.poittype == "Invt Part"
    return {
        "UNIQDETNO": schedule.uniqdetno,
        "UNIQLNNO": item.uniqlnno,
        "SCHD_DATE": stamp(schedule.schd_date),
        "REQ_DATE": stamp(schedule.req_date),
        "SCHD_QTY": number(schedule.schd_qty),
        "RECDQTY": number(schedule.recd_qty),
        "BALANCE": number(schedule.schd_qty - schedule.recd_qty),
        "GL_NBR": _INVENTORY_GL if inventory else "",
        "REQUESTTP": "Invt Recv" if inventory else item.poittype,
        "REQUESTOR": "",
        "UNIQWH": warehouse.uniqwh if warehouse else "",
        "LOCATION": schedule.location,
        "WOPRJNUMBER": "",
        "COMPLETEDT": None,
        "PONUM": padded_ponum(po.ponum),
        "ORIGCOMMITDT": stamp(schedule.origcommitdt),
        "SCHDNOTES": schedule.notes,
        "UNIQMFGRHD": item.manufacturer.uniqmfgrhd,
        "UNIQ_KEY": item.part.uniq_key,
        "WAREHOUSE": warehouse.name if warehouse else "",
        "ORD_QTY": number(item.ord_qty),
        "RECV_QTY": number(item.recv_qty),
        "POITTYPE": item.poittype,
        # The item's own members: the ERP answers them null here (both doc examples do).
        "ITEMNO": None,
        "PART_NO": None,
        "REVISION": None,
        "PARTMFGR": None,
        "MFGR_PT_NO": None,
    }
