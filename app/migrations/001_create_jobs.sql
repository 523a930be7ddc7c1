-- Jobs accepted by the api or created by the scheduler, completed by the worker.
CREATE TABLE jobs (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  source       text NOT NULL,
  payload      jsonb NOT NULL DEFAULT 'null'::jsonb,
  status       text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'done', 'failed')),
  result       text,
  processed_by text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz
);
