//! The schema, as numbered forward migrations. `PRAGMA user_version` holds
//! the number of the last migration applied; each runs in its own
//! transaction together with the version bump, so an interrupted migration
//! leaves the store at the previous version.

/// Marks a database file as an imcore store (`PRAGMA application_id`, "IMCR").
pub const APPLICATION_ID: i64 = 0x494D_4352;

/// Migration `n` is `MIGRATIONS[n - 1]`.
pub const MIGRATIONS: &[&str] = &[
    // 1: conversations and messages.
    "CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) STRICT;

    -- One row per conversation ever seen; `visible = 0` after a delete.
    -- The hot columns (unread .. marks) mirror the engine's in-memory state;
    -- `unread` and `at_flags` are derived from `message` and `read_pos`.
    CREATE TABLE conversation (
        id             INTEGER PRIMARY KEY,
        conv_type      INTEGER NOT NULL,
        peer           TEXT    NOT NULL,
        visible        INTEGER NOT NULL DEFAULT 1,
        group_type     INTEGER,
        recv_opt       INTEGER NOT NULL DEFAULT 0,
        unread         INTEGER NOT NULL DEFAULT 0,
        at_flags       INTEGER NOT NULL DEFAULT 0,
        read_pos       INTEGER NOT NULL DEFAULT 0,
        max_pos        INTEGER NOT NULL DEFAULT 0,
        last_msg       INTEGER,
        last_pos       INTEGER NOT NULL DEFAULT 0,
        active_time    INTEGER NOT NULL DEFAULT 0,
        order_key      INTEGER NOT NULL DEFAULT 0,
        pinned         INTEGER NOT NULL DEFAULT 0,
        marks          INTEGER NOT NULL DEFAULT 0,
        peer_read_time INTEGER NOT NULL DEFAULT 0,
        draft          TEXT,
        draft_time     INTEGER NOT NULL DEFAULT 0,
        custom_data    TEXT    NOT NULL DEFAULT '',
        server_ext     TEXT    NOT NULL DEFAULT '',
        local_ext      TEXT    NOT NULL DEFAULT '',
        create_time    INTEGER NOT NULL DEFAULT 0,
        update_time    INTEGER NOT NULL DEFAULT 0,
        UNIQUE (conv_type, peer)
    ) STRICT;

    -- `pos` orders messages inside a conversation: the group sequence, or
    -- for C2C the server time << 20 plus an arrival tie-break.
    CREATE TABLE message (
        id          INTEGER PRIMARY KEY,
        conv        INTEGER NOT NULL REFERENCES conversation (id),
        pos         INTEGER NOT NULL,
        msg_id      TEXT    NOT NULL UNIQUE,
        sender      TEXT    NOT NULL,
        server_time INTEGER NOT NULL,
        seq         INTEGER NOT NULL,
        flags       INTEGER NOT NULL,
        status      INTEGER NOT NULL DEFAULT 2,
        body        TEXT    NOT NULL
    ) STRICT;

    -- Covers the unread recount: count(flags & COUNTED) after a position.
    CREATE INDEX message_by_conv_pos ON message (conv, pos, flags);",
    // 2: conversation groups.
    "CREATE TABLE conv_group (
        id          INTEGER PRIMARY KEY,
        name        TEXT    NOT NULL UNIQUE,
        server_ext  TEXT    NOT NULL DEFAULT '',
        create_time INTEGER NOT NULL,
        update_time INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE conv_group_member (
        group_id INTEGER NOT NULL REFERENCES conv_group (id) ON DELETE CASCADE,
        conv     INTEGER NOT NULL REFERENCES conversation (id),
        PRIMARY KEY (group_id, conv)
    ) STRICT, WITHOUT ROWID;

    CREATE INDEX conv_group_member_by_conv ON conv_group_member (conv);",
    // 3: group rosters, read receipts and the outbox of envelopes to send.
    "-- Who is in a group: group receipts count against it.
    CREATE TABLE group_member (
        conv    INTEGER NOT NULL REFERENCES conversation (id),
        user_id TEXT    NOT NULL,
        PRIMARY KEY (conv, user_id)
    ) STRICT, WITHOUT ROWID;

    -- A reader's receipt for a message (mine, or not arrived yet: a receipt
    -- may come first). Read counts are derived from it, once per reader.
    CREATE TABLE receipt (
        msg_id TEXT    NOT NULL,
        reader TEXT    NOT NULL,
        conv   INTEGER NOT NULL REFERENCES conversation (id),
        time   INTEGER NOT NULL,
        PRIMARY KEY (msg_id, reader)
    ) STRICT, WITHOUT ROWID;

    -- Envelopes the host must deliver to the server, until acknowledged.
    CREATE TABLE outbox (
        id      INTEGER PRIMARY KEY,
        payload TEXT    NOT NULL,
        msg_id  TEXT,
        created INTEGER NOT NULL
    ) STRICT;

    -- Server sync: the update time (and a digest to break ties) of the last
    -- conversation state merged, so merges converge in any order.
    ALTER TABLE conversation ADD COLUMN sync_time INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE conversation ADD COLUMN sync_digest INTEGER NOT NULL DEFAULT 0;",
    // 4: what to restore when the server refuses an envelope.
    "ALTER TABLE outbox ADD COLUMN undo TEXT;",
    // 5: message ids found through a 64-bit hash kept in `message_key`
    // instead of a UNIQUE text index on `message`. Random ~40-byte ids in a
    // UNIQUE index dirtied an extra random index page per received message;
    // `message_key` is filled in bulk, in key order, for the messages up to
    // `meta.rows_upto` (the engine keeps the keys of later ones in memory,
    // engine/lazy_rows.rs), and its 8-byte keys make it a third of the size.
    // `imcore_msg_hash` is `store::msg_hash`, registered by `store::migrate`.
    // Row ids never come back after a delete (AUTOINCREMENT): `rows_upto`
    // and `last_msg` refer to them.
    "CREATE TABLE message_v5 (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        conv        INTEGER NOT NULL REFERENCES conversation (id),
        pos         INTEGER NOT NULL,
        msg_hash    INTEGER NOT NULL,
        msg_id      TEXT    NOT NULL,
        sender      TEXT    NOT NULL,
        server_time INTEGER NOT NULL,
        seq         INTEGER NOT NULL,
        flags       INTEGER NOT NULL,
        status      INTEGER NOT NULL DEFAULT 2,
        body        TEXT    NOT NULL
    ) STRICT;

    INSERT INTO message_v5 (id, conv, pos, msg_hash, msg_id, sender, server_time, seq, flags,
                            status, body)
        SELECT id, conv, pos, imcore_msg_hash(msg_id), msg_id, sender, server_time, seq, flags,
               status, body
        FROM message;

    DROP TABLE message;
    ALTER TABLE message_v5 RENAME TO message;

    -- Covers the unread recount: count(flags & COUNTED) after a position.
    CREATE INDEX message_by_conv_pos ON message (conv, pos, flags);
    -- Finds a message by id (hash, then the id compared in the row).
    CREATE TABLE message_key (
        msg_hash INTEGER NOT NULL,
        id       INTEGER NOT NULL,
        PRIMARY KEY (msg_hash, id)
    ) STRICT, WITHOUT ROWID;

    INSERT INTO message_key (msg_hash, id) SELECT msg_hash, id FROM message ORDER BY 1, 2;

    -- Conversation rows and `message_key` reflect every message up to this
    -- row id; for later ones the receive rule is replayed and the keys are
    -- kept in memory at open (engine/lazy_rows.rs).
    INSERT INTO meta (key, value)
        SELECT 'rows_upto', CAST(coalesce(max(id), 0) AS TEXT) FROM message;",
    // 6: a receipt is keyed by its conversation too (one naming another
    // conversation must not take the place of the right one), and receipts
    // for messages not stored (yet) are marked, so that at most
    // `pending_receipts_max` of them are kept per conversation.
    "CREATE TABLE receipt_v6 (
        msg_id  TEXT    NOT NULL,
        reader  TEXT    NOT NULL,
        conv    INTEGER NOT NULL REFERENCES conversation (id),
        time    INTEGER NOT NULL,
        pending INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (msg_id, reader, conv)
    ) STRICT, WITHOUT ROWID;

    INSERT INTO receipt_v6 (msg_id, reader, conv, time) SELECT msg_id, reader, conv, time FROM receipt;
    DROP TABLE receipt;
    ALTER TABLE receipt_v6 RENAME TO receipt;
    CREATE INDEX receipt_pending ON receipt (conv, time) WHERE pending = 1;",
    // 7: several devices (docs/TRANSPORT.md, "Several devices"). `confirmed`:
    // the settings the server last confirmed (a merged snapshot or an
    // accepted ack; JSON, engine/confirmed.rs), which a refusal restores.
    // `deleted_upto`: the read position of the conversation's last delete
    // (0: never deleted); a message at or before it does not bring the
    // conversation back, and with `deleted_clear` (the delete took the
    // messages) it is not stored again.
    "ALTER TABLE conversation ADD COLUMN confirmed TEXT;
    ALTER TABLE conversation ADD COLUMN deleted_upto INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE conversation ADD COLUMN deleted_clear INTEGER NOT NULL DEFAULT 0;",
    // 8: message lifecycle (engine/lifecycle/). One row per revoke, delete
    // or edit the engine must remember apart from the message row: who
    // revoked a message and why (`op` 1), the version of its last edit
    // (`op` 3), and with `pending = 1` an operation for a message not
    // stored yet (1 revoke, 2 delete, 3 edit with the new body in `data`),
    // applied when it arrives; at most `pending_message_ops_max` pending per
    // conversation.
    "CREATE TABLE message_op (
        msg_id   TEXT    NOT NULL,
        op       INTEGER NOT NULL,
        msg_hash INTEGER NOT NULL,
        conv     INTEGER NOT NULL REFERENCES conversation (id),
        by_user  TEXT    NOT NULL DEFAULT '',
        reason   TEXT    NOT NULL DEFAULT '',
        data     TEXT,
        version  INTEGER NOT NULL DEFAULT 0,
        time     INTEGER NOT NULL,
        pending  INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (msg_id, op)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX message_op_pending ON message_op (conv, time) WHERE pending = 1;",
    // 9: unread mentions, count preferences, versioned read positions and
    // their history (docs/ENGINE.md, "Mentions, preferences, moving back").
    // `mentions`: the counted @me / @all messages after the read position
    // (derived like `unread`; filled here from the messages the rows
    // reflect, those up to `rows_upto`: the open replays the rest).
    // `count_pref`: 0 all, 1 mentions only, 2 none (a synced setting).
    // `read_version`: raised by every mark-unread; read positions merge by
    // (version, position). `read_move`: the last moves of each read
    // position, numbered per conversation, for the unread explanation;
    // `seq` orders every recorded move (meta `read_move_seq`). A clean of
    // every conversation records its move in the rows it updates
    // (`bulk_*`, the last such move only): a row per conversation in
    // `read_move` tripled the cost of that clean.
    "ALTER TABLE conversation ADD COLUMN mentions INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE conversation ADD COLUMN count_pref INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE conversation ADD COLUMN read_version INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE conversation ADD COLUMN bulk_seq INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE conversation ADD COLUMN bulk_time INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE conversation ADD COLUMN bulk_from INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE conversation ADD COLUMN bulk_to INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE conversation ADD COLUMN bulk_version INTEGER NOT NULL DEFAULT 0;
    UPDATE conversation SET mentions = (
        SELECT count(*) FROM message m
        WHERE m.conv = conversation.id AND m.pos > conversation.read_pos
          AND m.flags & 16 != 0 AND m.flags & 96 != 0
          AND m.id <= (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'rows_upto'))
    WHERE at_flags != 0;
    CREATE TABLE read_move (
        conv     INTEGER NOT NULL REFERENCES conversation (id),
        n        INTEGER NOT NULL,
        seq      INTEGER NOT NULL,
        time     INTEGER NOT NULL,
        source   INTEGER NOT NULL,
        from_pos INTEGER NOT NULL,
        to_pos   INTEGER NOT NULL,
        version  INTEGER NOT NULL,
        PRIMARY KEY (conv, n)
    ) STRICT, WITHOUT ROWID;",
    // 10: the (conversation, position) index of the history in a table of its
    // own, filled like `message_key`. As an index on `message`
    // (`message_by_conv_pos`) it took a random page per received message,
    // half of what an ingest wrote; `message_pos` holds the messages up to
    // `meta.rows_upto` and is merged in key order at each flush, and the
    // engine keeps the tail's entries in memory (engine/lazy_rows.rs).
    // `flags` holds only the bits a recount reads (`COUNTED | AT_ME |
    // AT_ALL` = 112, set at the receive and changed only with those bits of
    // the message: a revoke or delete), so a change of another bit (a
    // receipt sent) does not touch it.
    "CREATE TABLE message_pos (
        conv  INTEGER NOT NULL,
        pos   INTEGER NOT NULL,
        id    INTEGER NOT NULL,
        flags INTEGER NOT NULL,
        PRIMARY KEY (conv, pos, id)
    ) STRICT, WITHOUT ROWID;

    INSERT INTO message_pos (conv, pos, id, flags)
        SELECT conv, pos, id, flags & 112 FROM message
        WHERE id <= coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'rows_upto'),
                             9223372036854775807)
        ORDER BY 1, 2, 3;

    DROP INDEX message_by_conv_pos;",
];

/// The schema version a fresh store gets.
pub const LATEST: i64 = MIGRATIONS.len() as i64;
