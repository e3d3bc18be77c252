"""Westcon REST Order Status, with its Azure AD client-credentials token endpoint."""
