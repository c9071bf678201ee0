"""Peewee storage: the database connection, the tables, the repositories and the migrations."""
