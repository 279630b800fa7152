"""DynamoDB table models (pynamodb), one module per table.

Every ``Model`` subclass defined under this package is a table of the deployed stack:
``infra/build_template.py`` imports the package, walks its models and creates one table per model, with
the keys, indexes and TTL the model declares. A model names its table through
:class:`chalicelib.models.base.EnvTableName`, so the stack can wire the variable to the table it creates.
"""
