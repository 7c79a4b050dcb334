-- Casefile schema 11: a consent binds what its profile was when the consent was recorded (the
-- provider kind, the host requests go to, the region and the model or Azure deployment), so
-- changing the profile's endpoint does not carry the consent over. Consents recorded before keep
-- NULLs here: they bind nothing that can be compared, and so cover no send until recorded again.
ALTER TABLE consents ADD COLUMN bound_kind TEXT CHECK (bound_kind IS NULL OR bound_kind <> '');
ALTER TABLE consents ADD COLUMN bound_endpoint_host TEXT;
ALTER TABLE consents ADD COLUMN bound_region TEXT;
ALTER TABLE consents ADD COLUMN bound_model TEXT;

-- The bindings are part of what was recorded: only the revocation may still change.
DROP TRIGGER consents_change_only_by_revocation;
CREATE TRIGGER consents_change_only_by_revocation BEFORE UPDATE ON consents
WHEN OLD.revoked_at IS NOT NULL
  OR NEW.revoked_at IS NULL
  OR NEW.id IS NOT OLD.id
  OR NEW.client_id IS NOT OLD.client_id
  OR NEW.scope IS NOT OLD.scope
  OR NEW.profile IS NOT OLD.profile
  OR NEW.method IS NOT OLD.method
  OR NEW.given_on IS NOT OLD.given_on
  OR NEW.note IS NOT OLD.note
  OR NEW.recorded_at IS NOT OLD.recorded_at
  OR NEW.recorded_by IS NOT OLD.recorded_by
  OR NEW.bound_kind IS NOT OLD.bound_kind
  OR NEW.bound_endpoint_host IS NOT OLD.bound_endpoint_host
  OR NEW.bound_region IS NOT OLD.bound_region
  OR NEW.bound_model IS NOT OLD.bound_model
BEGIN
    SELECT RAISE(ABORT, 'a consent can only be revoked, once');
END;
