"""SQLite backend that uses the connection's real limit of bound parameters.

Django 5.2 assumes SQLite's historic limit of 999 variables and splits a bulk insert of a hundred
audit events into two statements; every SQLite since 3.32 allows 32,766 (Debian's allows more), so a
list page writes its events in one statement on both databases.
"""

import sqlite3

from django.db.backends.sqlite3 import base, features


class DatabaseFeatures(features.DatabaseFeatures):
    max_query_params = 32766 if sqlite3.sqlite_version_info >= (3, 32) else 999


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures
