-- Not a numbered migration: re-applied (idempotently) at the end of every
-- migrate run, because the platform may create the per-service group roles
-- after the first run. Login roles <service>_a / <service>_b are members of
-- the group role <service>, so granting to the group covers both credential slots.
DO $$
DECLARE
  grantee text;
BEGIN
  FOREACH grantee IN ARRAY ARRAY['api', 'worker', 'scheduler'] LOOP
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = grantee) THEN
      EXECUTE format('GRANT SELECT, INSERT, UPDATE ON jobs TO %I', grantee);
      -- /ready checks the applied migration version.
      EXECUTE format('GRANT SELECT ON schema_migrations TO %I', grantee);
    END IF;
  END LOOP;
END
$$;
