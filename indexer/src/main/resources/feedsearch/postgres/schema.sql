-- feedsearch: the app's tables as the PostgreSQL indexer expects them (see indexer/POSTGRES.md).
-- Idempotent: safe to run again. Apps write these tables; the indexer only reads them (a snapshot for
-- the backfill, then logical replication through the publication below).

-- Versions order changes to one row: every INSERT/UPDATE must carry a version greater than any version
-- the row (or an earlier row with the same key, since deleted) had. The default draws from a sequence so
-- an app that omits it gets that for free; the trigger below bumps a version an UPDATE forgot to raise.
-- Apps that set versions themselves should draw them from this sequence too (nextval) rather than
-- version + 1, which can fall below the version of a deleted earlier row with the same key.
CREATE SEQUENCE IF NOT EXISTS feedsearch_version_seq;

CREATE TABLE IF NOT EXISTS posts (
    id          text        PRIMARY KEY,
    author_id   text        NOT NULL,
    -- no length limit here on purpose: the indexer's 10,000-character rule dead-letters longer
    -- texts with a reason, where a CHECK would fail the app's write
    text        text        NOT NULL,
    lang        text,                      -- the client's BCP-47 hint; the indexer detects the language
    created_at  timestamptz NOT NULL DEFAULT now(),
    visibility  text        NOT NULL DEFAULT 'public'
                CONSTRAINT posts_visibility_check CHECK (visibility IN ('public', 'followers', 'private')),
    tags        text[]      NOT NULL DEFAULT '{}',
    mentions    text[]      NOT NULL DEFAULT '{}',
    reply_to    text,
    likes       bigint      NOT NULL DEFAULT 0,
    reposts     bigint      NOT NULL DEFAULT 0,
    replies     bigint      NOT NULL DEFAULT 0,
    version     bigint      NOT NULL DEFAULT nextval('feedsearch_version_seq') CHECK (version >= 0)
);

CREATE TABLE IF NOT EXISTS follows (
    follower_id text        NOT NULL,
    followee_id text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    version     bigint      NOT NULL DEFAULT nextval('feedsearch_version_seq') CHECK (version >= 0),
    PRIMARY KEY (follower_id, followee_id)
);

-- Apps hard-delete rows. FULL puts the whole old row in the WAL, so a DELETE reaches the indexer with
-- the removed row's version (a removal wins over an upsert of the same version) and an UPDATE's
-- unchanged TOASTed columns (a long text) can be filled in from the old row.
ALTER TABLE posts   REPLICA IDENTITY FULL;
ALTER TABLE follows REPLICA IDENTITY FULL;

CREATE OR REPLACE FUNCTION feedsearch_bump_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- from the sequence, so the version also beats any earlier, deleted row with the same key
    IF NEW.version <= OLD.version THEN
        NEW.version := greatest(OLD.version + 1, nextval('feedsearch_version_seq'));
    END IF;
    RETURN NEW;
END
$$;

CREATE OR REPLACE TRIGGER posts_bump_version BEFORE UPDATE ON posts
    FOR EACH ROW EXECUTE FUNCTION feedsearch_bump_version();
CREATE OR REPLACE TRIGGER follows_bump_version BEFORE UPDATE ON follows
    FOR EACH ROW EXECUTE FUNCTION feedsearch_bump_version();

-- What the indexer's slot streams. INSERT, UPDATE, DELETE and TRUNCATE are published: a TRUNCATE cannot be
-- applied row by row, so the indexer dead-letters it loudly instead of silently missing it.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = 'feedsearch') THEN
        CREATE PUBLICATION feedsearch FOR TABLE posts, follows;
    END IF;
END
$$;
