"""The queue's query model: filters, tabs, sorts and cursors, the page and count queries, a mention's detail."""
