-- Faultline hub, schema 9: the inbound side of the CMMS connector (docs/cmms-connectors.md):
-- records changed in Maximo, fetched page by page and loaded like `faultline-hub load`.
-- Migrations are only ever added, never edited.

-- How far the hub has read each object structure of a site: the highest `_rowstamp` of the
-- rows it loaded (moved only after a page's rows are committed), and what the last fetch did.
CREATE TABLE cmms_fetch_positions (
    site text NOT NULL REFERENCES sites(code),
    -- The object structure (mxapiwodetail, mxapiasset, mxapijobplan).
    object text NOT NULL,
    -- NULL: from the start.
    position text,
    -- When a fetch last reached the end of the changes.
    fetched_at timestamptz,
    -- Rows loaded, refused and put off (their work order had changes still to send), in all.
    rows bigint NOT NULL DEFAULT 0,
    refused bigint NOT NULL DEFAULT 0,
    deferred bigint NOT NULL DEFAULT 0,
    -- Why the last fetch stopped short (Maximo down, key refused…); NULL once one got through.
    last_error text,
    PRIMARY KEY (site, object)
);

-- A fetched row the hub's importer refused (an unknown asset, a value outside the domain): the
-- rest of its page is loaded; a person reads why here (`maximo status`), and a later change of
-- the record in Maximo brings it again.
CREATE TABLE cmms_fetch_refused (
    site text NOT NULL,
    object text NOT NULL,
    key text NOT NULL,
    rowstamp text,
    reason text NOT NULL,
    refused_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (site, object, key)
);

-- A work order changed in Maximo while the hub still had changes of it to send: loading it
-- then would undo on the hub what a laptop did and Maximo has not received yet. It is read again
-- by key once its queue is empty (the send compares fields and makes conflicts meanwhile).
CREATE TABLE cmms_fetch_deferred (
    site text NOT NULL,
    object text NOT NULL,
    key text NOT NULL,
    deferred_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (site, object, key)
);
