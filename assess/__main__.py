"""``python -m assess``: the ``assess`` command, for a checkout or a virtual environment
whose scripts folder is not on the PATH."""

from assess.cli import cli

if __name__ == "__main__":
    cli(prog_name="assess")
