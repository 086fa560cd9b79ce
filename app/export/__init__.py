"""Export of any list (CSV and XLSX) with the filters and sort the user sees, streamed.

Views opt in with `ExportMixin`; the permission to export is the list's own read permission.
"""
from .views import ExportMixin

__all__ = ["ExportMixin"]
