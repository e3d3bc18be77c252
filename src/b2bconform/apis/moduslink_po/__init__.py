"""ModusLink Purchase Order API."""
