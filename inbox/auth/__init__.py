"""Staff accounts: password hashing, users, server-side sessions, API tokens and throttled password attempts."""
