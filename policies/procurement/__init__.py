"""Procurement templates: the buyer's requirements (from ENISA and ETSI EN 303 645) and the vendor's declaration."""
