"""The engine: the model of traffic, contracts and their rules, the checks, the formats, and the
proofs that a rule can fail. It imports nothing of the traffic, targets, sandboxes or reports."""
