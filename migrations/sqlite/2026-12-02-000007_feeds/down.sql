DROP TABLE job_runs;
DROP TABLE feed_quarantine;
DROP TABLE feed_records;
DROP TABLE feed_providers;
