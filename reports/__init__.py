"""Reports for the security officer, the DPO and procurement, in several formats.

Each report is built once as plain data (`build_*`) and rendered by a format module.
"""
