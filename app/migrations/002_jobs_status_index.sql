-- Lets operators find stuck jobs without a full scan.
CREATE INDEX jobs_status_created_at_idx ON jobs (status, created_at);
