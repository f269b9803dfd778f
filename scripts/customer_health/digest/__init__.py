"""The daily Slack digest: read the alerts from the warehouse, build Block Kit, post to a webhook."""
