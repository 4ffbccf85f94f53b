"""``python -m sdg_interactions.cli``: the same as the ``sdg-interactions`` command."""

from sdg_interactions.cli import _entry

__all__: list[str] = []

if __name__ == "__main__":
    _entry()
