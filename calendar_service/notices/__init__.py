"""3 · Notices: the one writer of notices (issued on change and by the anniversary sweep) and their reads."""
