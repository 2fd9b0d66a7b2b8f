"""The inbox's domain, without Flask: what the queue pages, the API and the CLI share.

queue/ is the query model (filters, tabs, sorts and keyset cursors, the page and tab-count queries, a mention's
detail, presence, query-string parsing from a plain mapping); triage, bulk, lint and corrections are the actions
staff take on mentions and replies; auth/ is staff accounts (passwords, sessions, API tokens, throttled sign-in).
Every function takes the Session it works in; nothing here reads a request, an app or the settings.
"""
