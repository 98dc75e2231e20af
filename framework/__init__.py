"""The framework as data: YAML, JSON and CSV files, their validation, export and import.

`data` reads, checks and writes framework files and applies them to an organization; the
admin pages (`admin`) and the `export_framework` / `import_framework` commands use only it.
"""
