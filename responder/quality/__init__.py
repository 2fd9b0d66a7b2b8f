"""The reply-quality test set (reply_quality.jsonl) and `earful eval --drafts`, which drafts each of its mentions the
way the pipeline would and judges the result. The set is for measuring only: nothing reads it to choose templates."""
