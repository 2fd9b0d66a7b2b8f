"""Answering mentions: drafting/ (which mentions get a draft and from which saved reply), lint/ (the checks a
reply passes before approval), replies/ (people's actions, posting exactly once, reconciling), posters/ (one
per network); the Celery tasks sit at the top (tasks, similar_tasks)."""
