"""Personal-data detection in device traffic and anonymisation audits of datasets."""
