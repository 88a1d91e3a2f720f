"""Quality-label assessment suite for eTwinning projects.

Packages:
- ``assess.domain``: pure domain code (rubrics, scoring, permissions); no Streamlit, no SQL.
- ``assess.storage``: SQLAlchemy models, engine set-up and Alembic migrations.
- ``assess.services``: use cases that combine domain and storage, with permission checks.
- ``assess.reports``: PDF rendering (WeasyPrint) and SVG charts.
- ``assess.ui``: Streamlit pages; thin, they call services only.
- ``assess.cli``: the ``assess`` command.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    # The one version number is pyproject.toml's; the installed metadata carries it.
    __version__ = version("etwinning-assess")
except PackageNotFoundError:  # imported from a checkout that was never installed
    __version__ = "0+unknown"
