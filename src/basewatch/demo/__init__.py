"""The bundled demo scenario: Syria, 27 Nov - 8 Dec 2024."""
