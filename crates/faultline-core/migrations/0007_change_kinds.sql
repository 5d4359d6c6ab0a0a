-- How many kinds of pulled change the build that pulled so far knew (faultline_protocol::
-- CHANGE_KINDS). A build that knows more starts the site's feed over, to get the records of the
-- new kinds that the older build skipped. Stores of this schema were pulled by builds knowing 10.
ALTER TABLE sync_state ADD COLUMN change_kinds INTEGER NOT NULL DEFAULT 10;
