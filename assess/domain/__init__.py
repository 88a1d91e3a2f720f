"""Pure domain code: importable and testable without Streamlit or a database."""
