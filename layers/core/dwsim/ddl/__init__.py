"""CREATE TABLE import for Redshift, Snowflake and PostgreSQL DDL."""
