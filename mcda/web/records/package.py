"""The archive package as bytes: an E-ARK information package (the Common Specification for
Information Packages, CSIP 2.x, which Riksarkivet's FGS Paketstruktur 2.0 follows) in one
ZIP. Pure: files in, ZIP out; no Flask, no database.

Layout (``<id>/`` is the package's own folder, as CSIP asks)::

    <id>/METS.xml                        every other file: SHA-256, size, MIME type
    <id>/metadata/descriptive/...        the decision's descriptive data (title, dnr, dates)
    <id>/representations/rep1/data/...   the report (PDF/A), CSV, JSON, the audit log
    <id>/schemas/...                     the JSON Schema of the analysis file
    <id>/documentation/LASMIG.txt        what the package holds, in Swedish
"""

from __future__ import annotations

import hashlib
import io
import uuid
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

METS_NS = "http://www.loc.gov/METS/"
XLINK_NS = "http://www.w3.org/1999/xlink"
CSIP_NS = "https://DILCIS.eu/XML/METS/CSIPExtensionMETS"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
CSIP_PROFILE = "https://earkcsip.dilcis.eu/profile/E-ARK-CSIP.xml"
METS_SCHEMA = "http://www.loc.gov/METS/ http://www.loc.gov/standards/mets/mets.xsd"

# The file groups CSIP names (USE), chosen by a file's top folder in the package.
USES = {"metadata": "Metadata", "representations": "Representations/rep1",
        "schemas": "Schemas", "documentation": "Documentation"}

for _prefix, _uri in (("mets", METS_NS), ("xlink", XLINK_NS), ("csip", CSIP_NS),
                      ("xsi", XSI_NS)):
    ET.register_namespace(_prefix, _uri)


@dataclass(frozen=True)
class PackageFile:
    """One file of the package: its path under the package folder, bytes and MIME type."""

    path: str
    data: bytes
    mime: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class PackageInfo:
    """What METS.xml says about the package as a whole."""

    package_id: str
    label: str
    authority: str
    software: str
    created: datetime


def _m(tag: str) -> str:
    return f"{{{METS_NS}}}{tag}"


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _file_id(index: int) -> str:
    return f"ID-{index:04d}"


def mets_xml(info: PackageInfo, files: list[PackageFile]) -> bytes:
    """The package's METS.xml (CSIP): header with the authority as creator, the descriptive
    metadata referenced from a dmdSec, every file in a fileGrp by its use with checksum,
    size and MIME type, and one physical structMap."""
    created = _iso(info.created)
    root = ET.Element(_m("mets"), {
        "OBJID": info.package_id, "LABEL": info.label, "TYPE": "Other",
        f"{{{CSIP_NS}}}OTHERTYPE": "Vägval beslutsunderlag",
        f"{{{CSIP_NS}}}CONTENTINFORMATIONTYPE": "MIXED",
        "PROFILE": CSIP_PROFILE, f"{{{XSI_NS}}}schemaLocation": METS_SCHEMA})
    hdr = ET.SubElement(root, _m("metsHdr"), {
        "CREATEDATE": created, "RECORDSTATUS": "NEW",
        f"{{{CSIP_NS}}}OAISPACKAGETYPE": "SIP"})
    agent = ET.SubElement(hdr, _m("agent"), {"ROLE": "CREATOR", "TYPE": "ORGANIZATION"})
    ET.SubElement(agent, _m("name")).text = info.authority
    sw = ET.SubElement(hdr, _m("agent"), {"ROLE": "CREATOR", "TYPE": "OTHER",
                                          "OTHERTYPE": "SOFTWARE"})
    ET.SubElement(sw, _m("name")).text = info.software
    ids = {f.path: _file_id(i + 1) for i, f in enumerate(files)}
    descriptive = [f for f in files if f.path.startswith("metadata/descriptive/")]
    for i, f in enumerate(descriptive):
        dmd = ET.SubElement(root, _m("dmdSec"), {"ID": f"dmd-{i + 1}", "CREATED": created})
        ET.SubElement(dmd, _m("mdRef"), {
            "LOCTYPE": "URL", "MDTYPE": "DC",
            f"{{{XLINK_NS}}}type": "simple", f"{{{XLINK_NS}}}href": f.path,
            "MIMETYPE": f.mime, "SIZE": str(len(f.data)), "CREATED": created,
            "CHECKSUM": f.sha256, "CHECKSUMTYPE": "SHA-256"})
    file_sec = ET.SubElement(root, _m("fileSec"), {"ID": "fileSec-1"})
    groups: dict[str, ET.Element] = {}
    for f in files:
        use = USES.get(f.path.split("/", 1)[0], "Other")
        grp = groups.get(use)
        if grp is None:
            grp = groups[use] = ET.SubElement(file_sec, _m("fileGrp"), {
                "ID": f"fileGrp-{len(groups) + 1}", "USE": use})
        el = ET.SubElement(grp, _m("file"), {
            "ID": ids[f.path], "MIMETYPE": f.mime, "SIZE": str(len(f.data)),
            "CREATED": created, "CHECKSUM": f.sha256, "CHECKSUMTYPE": "SHA-256"})
        ET.SubElement(el, _m("FLocat"), {"LOCTYPE": "URL", f"{{{XLINK_NS}}}type": "simple",
                                         f"{{{XLINK_NS}}}href": f.path})
    smap = ET.SubElement(root, _m("structMap"), {"ID": "structMap-1", "TYPE": "PHYSICAL",
                                                 "LABEL": "CSIP"})
    top = ET.SubElement(smap, _m("div"), {"ID": "div-root", "LABEL": info.package_id})
    for use, grp in groups.items():
        div = ET.SubElement(top, _m("div"), {"LABEL": use})
        if use == "Metadata" and descriptive:
            div.set("DMDID", " ".join(f"dmd-{i + 1}" for i in range(len(descriptive))))
        ET.SubElement(div, _m("fptr"), {"FILEID": grp.get("ID", "")})
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def package_id(seed: str) -> str:
    """A stable, unique package id: ``uuid:`` + a UUID derived from ``seed`` (the round and
    the build time), as CSIP asks for a globally unique OBJID."""
    return "uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, seed))


def build_zip(info: PackageInfo, files: list[PackageFile]) -> bytes:
    """The ZIP: ``<folder>/METS.xml`` first, then every file under the package folder.
    Deflate-compressed, timestamps from ``info.created`` (the same input gives the same ZIP)."""
    folder = info.package_id.removeprefix("uuid:")
    stamp = info.created.astimezone(UTC).timetuple()[:6]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path, data in [("METS.xml", mets_xml(info, files)),
                           *((f.path, f.data) for f in files)]:
            zi = zipfile.ZipInfo(f"{folder}/{path}", date_time=stamp)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zf.writestr(zi, data)
    return buf.getvalue()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
