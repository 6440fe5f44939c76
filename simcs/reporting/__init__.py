"""Reporting: result folders (written and read), terminal tables, figures, HTML reports and
customer traces."""
