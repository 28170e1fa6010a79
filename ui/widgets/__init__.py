"""Reusable widgets: date fields, organization look-up, progress cards and charts, receipt actions."""
