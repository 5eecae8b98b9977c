"""The object store for Parquet parts and run artifacts: one interface, a local folder and an
S3 implementation. composition.py picks one from the settings."""
