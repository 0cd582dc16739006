-- The source articles' schemes in plain SQL, the competitors of groupreceipt
-- in the benchmark.  Message content is left out of every scheme: only what
-- receipts need is stored.

-- msg_acks (seeds 000/003): group_msgs, group_users(last_ack_msgid) and one
-- msg_acks row per recipient, inserted at post.
CREATE SCHEMA msg_acks;
CREATE TABLE msg_acks.group_msgs (
	gid bigint NOT NULL, msgid bigint NOT NULL, sender_uid bigint NOT NULL,
	time timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (gid, msgid));
CREATE TABLE msg_acks.group_users (
	gid bigint NOT NULL, uid bigint NOT NULL, last_ack_msgid bigint NOT NULL DEFAULT 0,
	PRIMARY KEY (gid, uid));
CREATE TABLE msg_acks.msg_acks (
	sender_uid bigint NOT NULL, msgid bigint NOT NULL, recv_uid bigint NOT NULL,
	gid bigint NOT NULL, if_ack boolean NOT NULL DEFAULT false,
	PRIMARY KEY (gid, msgid, recv_uid));
CREATE INDEX ON msg_acks.msg_acks (gid, recv_uid, msgid) WHERE NOT if_ack;

-- lists (seed 002 §5.2/5.3): per message a receiver list, a read list and an
-- unread list.
CREATE SCHEMA lists;
CREATE TABLE lists.group_users (gid bigint NOT NULL, uid bigint NOT NULL, PRIMARY KEY (gid, uid));
CREATE TABLE lists.msgs (
	gid bigint NOT NULL, msgid bigint NOT NULL, sender_uid bigint NOT NULL,
	time timestamptz NOT NULL DEFAULT now(),
	receivers bigint[] NOT NULL, readers bigint[] NOT NULL DEFAULT '{}', unread bigint[] NOT NULL,
	PRIMARY KEY (gid, msgid));

-- bitmap rows (seed 002 §5.4 without this extension): a shared member list
-- per membership version, one varbit per message in member-list order.
CREATE SCHEMA bitmap_rows;
CREATE TABLE bitmap_rows.member_lists (
	gid bigint NOT NULL, list_id integer NOT NULL, uids bigint[] NOT NULL,
	PRIMARY KEY (gid, list_id));
CREATE TABLE bitmap_rows.msgs (
	gid bigint NOT NULL, msgid bigint NOT NULL, sender_uid bigint NOT NULL,
	time timestamptz NOT NULL DEFAULT now(), list_id integer NOT NULL, read varbit NOT NULL,
	PRIMARY KEY (gid, msgid));

-- the floor: one small write transaction by key
CREATE SCHEMA floor;
CREATE TABLE floor.ins (gid bigint NOT NULL, msgid bigint NOT NULL, sender bigint NOT NULL,
                        PRIMARY KEY (gid, msgid));
CREATE TABLE floor.upd (id integer PRIMARY KEY, v bigint NOT NULL DEFAULT 0);
INSERT INTO floor.upd SELECT g FROM generate_series(0, 63) g;

CREATE SEQUENCE bench_msgid START 100000000;
