"""Files for auditors and other programs: summary JSON, audit CSV, ZIP, calendar, badges."""
