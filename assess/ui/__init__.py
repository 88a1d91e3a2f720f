"""Streamlit interface: thin pages that call services. No domain logic lives here."""
