"""The three workflows built on a run of the suites: go-live, nightly, partner onboarding."""
