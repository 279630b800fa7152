"""cogworks: Cognito trigger Lambdas and an auth API, deployed by Chalice."""
