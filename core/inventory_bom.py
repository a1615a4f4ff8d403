"""The device inventory as a CycloneDX BOM: one device component per asset, its firmware nested in it."""

from collections.abc import Iterable

from cyclonedx.model import Property
from cyclonedx.model.bom import Bom
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.contact import OrganizationalEntity
from cyclonedx.output.json import JsonV1Dot6
from cyclonedx.schema import SchemaVersion

from muniscan import __version__
from muniscan.queries import AssetRow

SCHEMA_VERSION = SchemaVersion.V1_6


def _device(row: AssetRow) -> Component:
    properties = [
        Property(name="muniscan:address", value=row.address),
        Property(name="muniscan:site", value=row.site),
        Property(name="muniscan:online", value=str(row.online).lower()),
        Property(name="muniscan:last_seen", value=row.last_seen.isoformat()),
    ]
    if row.mac:
        properties.append(Property(name="muniscan:mac", value=row.mac))
    if row.device_class:
        properties.append(Property(name="muniscan:device_class", value=row.device_class))
    if row.identity_confidence is not None:
        properties.append(Property(name="muniscan:identity_confidence", value=f"{row.identity_confidence:.3f}"))
    properties += [
        Property(name="muniscan:service", value=f"{s['port']}/{s['transport']} {s['name']}") for s in row.services
    ]
    device = Component(
        type=ComponentType.DEVICE,
        name=row.model or row.device_class or row.address,
        bom_ref=f"asset-{row.id}",
        manufacturer=OrganizationalEntity(name=row.vendor) if row.vendor else None,
        properties=properties,
    )
    if row.firmware:
        device.components.add(
            Component(
                type=ComponentType.FIRMWARE,
                name=f"{row.model or row.address} firmware",
                version=row.firmware,
                bom_ref=f"asset-{row.id}-firmware",
                manufacturer=OrganizationalEntity(name=row.vendor) if row.vendor else None,
            )
        )
    return device


def inventory_bom(rows: Iterable[AssetRow]) -> Bom:
    """The BOM names muniscan as the tool that wrote it (metadata.tools), so an importer can tell whose
    inventory it holds and which version described the devices."""
    bom = Bom(components=[_device(row) for row in rows])
    bom.metadata.tools.components.add(
        Component(
            type=ComponentType.APPLICATION,
            name="muniscan",
            version=__version__,
            bom_ref="tool-muniscan",
            description="Security and privacy compliance scanner for a municipality's IoT estate",
        )
    )
    return bom


def inventory_bom_json(rows: Iterable[AssetRow]) -> str:
    return JsonV1Dot6(inventory_bom(rows)).output_as_string(indent=2)
