"""ogi-report: the annual Open Government Information report (政府信息公开工作年度报告), computed from an
agency's ledgers, executed as a parameterized notebook and exported to HTML and PDF."""

__version__ = "0.1.0"
