"""PDF reports (WeasyPrint + Jinja2 templates in the top-level ``reports/`` folder) and SVG charts."""
