"""Custom-auth domain logic: pure functions, no chalice or boto3 imports."""
