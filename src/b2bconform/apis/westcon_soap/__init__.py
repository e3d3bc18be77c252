"""Westcon SOAP Order Status v2."""
