"""Infrastructure as code: the CloudFormation that `chalice package --merge-template` merges into its own.

Nothing here is deployed to Lambda (chalice packages only app.py and chalicelib/). The merge template is
generated from the code (`python -m infra.build_template`), so the triggers, tables and permissions of
the stack cannot drift from what the code declares.
"""
