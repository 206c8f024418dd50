"""Storage: Peewee models, queries returning plain records, the job queue, migrations.

The only package that touches Peewee; see the README's architecture section.
"""
