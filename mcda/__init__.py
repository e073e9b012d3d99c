"""Vägval: participatory multi-criteria decisions for Skaraborg's municipalities.

Sub-packages depend one way only: ``web`` → ``store`` → ``core``.
"""

__version__ = "0.1.0"
