"""The metadata store (experiments, runs, the one-active-run claim): one interface, a SQLite
and a DynamoDB implementation. composition.py picks one from the settings."""
