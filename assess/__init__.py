"""Quality-label assessment suite for eTwinning projects.

Packages:
- ``assess.domain``: pure domain code (rubrics, scoring, permissions); no Streamlit, no SQL.
- ``assess.storage``: SQLAlchemy models, engine set-up and Alembic migrations.
- ``assess.services``: use cases that combine domain and storage, with permission checks.
- ``assess.reports``: PDF rendering (WeasyPrint) and SVG charts.
- ``assess.ui``: Streamlit pages; thin, they call services only.
- ``assess.cli``: the ``assess`` command.
"""

__version__ = "0.1.0"
