/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-store-private.h — what the files of AfStore share: the struct, the statement
 * cache, transactions, and the row writer that every write path goes through.
 */
#pragma once

#include <sqlite3.h>

#include "af-store.h"

G_BEGIN_DECLS

/* Copies the WAL back into the database on a thread and a connection of its own
 * (af-store.c), so that the thread writing a large pull does not stop for it. */
typedef struct _AfCheckpointer AfCheckpointer;
typedef struct _AfBulkKeys AfBulkKeys;

struct _AfStore
{
  GObject     parent_instance;

  /* owned references */
  sqlite3    *db;           /* (owned) */
  char       *path;         /* (owned) */
  char       *identity;     /* (owned) (nullable) */
  AfCacheKey *key;          /* (owned) (nullable) NULL: nothing is encrypted (benchmarks) */
  char       *inject_point; /* (owned) (nullable) */
  GHashTable *statements;   /* (owned) SQL text -> sqlite3_stmt */
  sqlite3_stmt *upserts[AF_N_TABLES]; /* (owned) (nullable) the row writers, hot enough in a
                                       * pull that hashing their SQL shows */
  sqlite3_stmt *inserts[AF_N_TABLES]; /* (owned) (nullable) their ON CONFLICT DO NOTHING twins */
  AfCheckpointer *checkpointer;       /* (owned) (nullable) started by the first large WAL */
  gboolean    sync_prepared;          /* the sync tables exist (af_store_sync_prepare) */
  gboolean    search_suspended;       /* af_store_search_suspend() until _resume() */
  gboolean    search_deferred;        /* af_store_search_defer () until _catch_up () */
  gint64      search_deferred_after[AF_N_TABLES]; /* the largest rowid before the deferral */
  struct _AfSearchSide *search_side;  /* (nullable) a bulk import's index builder */
  struct _AfBulkKeys *bulk_keys;      /* (owned) (nullable) a bulk import's keys, where it
                                       * deferred their index (af-store-keys.c) */
  sqlite3_stmt *plain_inserts[AF_N_TABLES]; /* (owned) (nullable) their inserts */
  gboolean    bulk_import;            /* af_store_set_bulk_import () */
  gboolean    created;                /* the open created the cache (af-store-creating.c) */
  gboolean    creating;               /* built with a rollback journal, held exclusively */
  int         write_back_fd;          /* -1 or the cache, open until the connection closed */
};

/* A cached statement, reset and unbound when it goes out of scope:
 *   g_autoptr(AfStmt) stmt = af_store_prepare (self, sql, error); */
typedef sqlite3_stmt AfStmt;

void      af_stmt_release              (AfStmt         *stmt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfStmt, af_stmt_release)

AfStmt   *af_store_prepare             (AfStore        *self,
                                        const char     *sql,
                                        GError        **error);
/* Steps a statement that returns no row. */
gboolean  af_store_step_done           (AfStore        *self,
                                        AfStmt         *stmt,
                                        GError        **error);
gboolean  af_store_exec                (AfStore        *self,
                                        const char     *sql,
                                        GError        **error);
void      af_store_set_sqlite_error    (AfStore        *self,
                                        GError        **error,
                                        const char     *doing);
/* Whether @table holds no row (af-store-indexes.c). */
gboolean  af_store_table_is_empty      (AfStore        *self,
                                        AfTable         table,
                                        gboolean       *out_empty,
                                        GError        **error);
/* Runs @sql (statements, not cached) through sqlite3_exec (); @doing names it in the error. */
gboolean  af_store_exec_script         (AfStore        *self,
                                        const char     *sql,
                                        const char     *doing,
                                        GError        **error);

/* BEGIN IMMEDIATE: the write lock is taken up front, so that a transaction never
 * fails half-way with SQLITE_BUSY after it has read what it is about to change. */
gboolean  af_store_begin               (AfStore        *self,
                                        GError        **error);
/* BEGIN IMMEDIATE for a large transaction (a pull's page, an import): it lets the
 * short ones of the same file that wait for the lock go first (af-store-turns.c). */
gboolean  af_store_begin_bulk          (AfStore        *self,
                                        GError        **error);
gboolean  af_store_commit              (AfStore        *self,
                                        GError        **error);
void      af_store_rollback            (AfStore        *self);

#define AF_STORE_MAX_COLUMNS 8

/* A row as the serializer's workers prepare it ahead of the insert: the item's
 * canonical text and the texts of its indexed columns (in the table's column order),
 * so that the thread holding the transaction only binds and steps. */
typedef struct
{
  char       *text;                             /* (owned) */
  gsize       length;
  const char *columns[AF_STORE_MAX_COLUMNS];    /* borrowed from the item; NULL when the
                                                 * attribute is absent or of another type */
  char       *search_text;                      /* (owned) (nullable) af-store-search.c */
} AfRow;

/* How an indexed column is read from its attribute. */
typedef enum
{
  AF_STORE_COLUMN_TEXT,    /* S */
  AF_STORE_COLUMN_REAL,    /* N, as a double for ordering */
  AF_STORE_COLUMN_INT,     /* N, integral (unix seconds or milliseconds) */
} AfStoreColumnKind;

typedef struct
{
  const char        *column;
  const char        *attribute;
  AfStoreColumnKind  kind;
} AfStoreColumn;

/* The indexed columns of @table in their order, *@out_n of them; what turns an item
 * into a row lives with the serializer (af-store-serializer.c), which the writes use. */
const AfStoreColumn *af_store_columns  (AfTable         table,
                                        guint          *out_n);
/* Fills @row's columns and search text from @item, a @table item; leaves its text alone. */
void      af_store_row_init            (AfRow          *row,
                                        AfTable         table,
                                        const AfValue  *item);

/* Writes one row: the indexed columns are taken from @item (the local view), which is
 * also stored whole; @remote_text is what the cloud last said, NULL when it equals
 * the item (nothing pending), which keeps the file half the size. Both texts are
 * (transfer full), even on error. */
gboolean  af_store_write_row           (AfStore        *self,
                                        AfTable         table,
                                        const AfValue  *item,
                                        char           *item_text,
                                        char           *remote_text,
                                        GError        **error);

/* Stores @item (of @table) from @row, its row as the serializer prepared it ((transfer
 * full) even on error); when the item has unsent edits (@outbox_empty FALSE and some
 * pending for it) they are applied again on top and the item kept as the remote copy. */
gboolean  af_store_put_row             (AfStore        *self,
                                        AfTable         table,
                                        const AfValue  *item,
                                        AfRow          *row,
                                        gboolean        outbox_empty,
                                        GError        **error);
/* af_store_put_row () with an empty outbox, @row's texts borrowed: the caller frees
 * them. An import's texts are freed by its reader thread with the rest of their chunk
 * rather than by the thread that holds the transaction. */
gboolean  af_store_put_new_row         (AfStore        *self,
                                        AfTable         table,
                                        const AfRow    *row,
                                        GError        **error);
/* A bulk import into empty tables (af-store-indexes.c): their secondary indexes are
 * dropped, recorded in the same transaction, and created again by _restore (), which
 * the import calls after its files; every open calls _restore_orphaned () for what an
 * import killed before left (not while the importing process still runs). */
/* A bulk import into a new cache (af-store-creating.c): begin FALSE when the cache
 * stays as it is (not new, or another connection has it open). */
gboolean  af_store_creating_begin      (AfStore        *self);
gboolean  af_store_creating_end        (AfStore        *self,
                                        GError        **error);
/* After a file's commit: starts writing the new cache out, not waiting for it. */
void      af_store_creating_write_back (AfStore        *self);
/* The header of a cache of ours with a rollback journal: being created, or the import
 * that created it was killed. */
gboolean  af_store_creating_header     (const guint8    header[100]);
/* Waits for the import creating @db's cache (the busy timeout); FALSE with
 * AF_STORE_ERROR_BUSY when it still runs. */
gboolean  af_store_creating_wait       (sqlite3        *db,
                                        const char     *path,
                                        GError        **error);
/* Schema 7, inside the migration's transaction: the item tables rebuilt with their keys
 * as unique indexes rather than primary keys (af-store-keys.c). */
gboolean  af_store_keys_migrate        (AfStore        *self,
                                        GError        **error);
/* The name of @table's unique index of its key (transfer full). */
char     *af_store_key_index_name      (AfTable         table);
/* A bulk import that dropped @table's key index keeps its keys from now on, until
 * _stop (); _tracked (): whether it does. */
void      af_store_keys_track          (AfStore        *self,
                                        AfTable         table);
gboolean  af_store_keys_tracked        (AfStore        *self,
                                        AfTable         table);
/* The rowid of the row that the bulk import wrote with @key into @table (tracked), if any. */
gboolean  af_store_keys_lookup         (AfStore        *self,
                                        AfTable         table,
                                        const char     *key,
                                        gint64         *out_rowid);
/* @key's row inserted at @rowid, by the open transaction. */
void      af_store_keys_add            (AfStore        *self,
                                        AfTable         table,
                                        const char     *key,
                                        gint64          rowid);
/* The open transaction ended (af_store_commit (), af_store_rollback ()): rolled back,
 * the keys it added go. */
void      af_store_keys_end_transaction (AfStore       *self,
                                         gboolean       committed);
void      af_store_keys_stop           (AfStore        *self);
/* After a failed write into @table: while a bulk import (of another process) has its
 * key's index deferred, *@error becomes AF_STORE_ERROR_BUSY, saying so. */
void      af_store_keys_explain_failure (AfStore       *self,
                                         AfTable        table,
                                         GError       **error);
/* Whether a bulk import deferred the index @name (its record is there). */
gboolean  af_store_indexes_deferred    (AfStore        *self,
                                        const char     *name);
gboolean  af_store_indexes_defer       (AfStore        *self,
                                        GError        **error);
gboolean  af_store_indexes_restore     (AfStore        *self,
                                        GError        **error);
gboolean  af_store_indexes_restore_orphaned (AfStore   *self,
                                             GError   **error);
/* "PID START" of this process (START its start time in clock ticks since boot), which
 * the records of a bulk import name; _alive (): whether that process still runs. */
char     *af_store_import_owner        (void);
gboolean  af_store_import_owner_alive  (const char     *owner);
gboolean  af_store_outbox_is_empty     (AfStore        *self,
                                        gboolean       *out_empty,
                                        GError        **error);
/* FALSE, naming item @index, when @item is not a map with its table's key as S. */
gboolean  af_store_check_key           (AfTable         table,
                                        const AfValue  *item,
                                        guint           index,
                                        GError        **error);

/* @item's row: its text (personal values sealed with @key, when not NULL) and its
 * indexed columns. @size_hint carries the previous text's size from one call to the
 * next (start it at 1024). */
void      af_store_row_prepare         (AfCacheKey     *key,
                                        AfTable         table,
                                        const AfValue  *item,
                                        gsize          *size_hint,
                                        AfRow          *row);
/* The same row for an item the codec parsed (no node of it in two places): its
 * personal values are sealed as its text is written (af_pii_seal_leaves()), where
 * af_store_row_prepare() builds a sealed copy of the item first. The same text. */
void      af_store_row_prepare_parsed  (AfCacheKey     *key,
                                        AfTable         table,
                                        const AfValue  *item,
                                        gsize          *size_hint,
                                        AfRow          *row);
/* Frees what a row owns (a row never written). */
void      af_store_row_clear           (AfRow          *row);

/* Applies one outbox entry's changes to @item, as the cloud will: SET for every
 * attribute, except a correction, which appends to `corrections`. */
void      af_store_apply_changes       (AfValue        *item,
                                        AfOpKind        kind,
                                        const AfValue  *changes);

/* The local view of @remote, an item the cloud holds: a copy with every entry of
 * @pending (the item's, oldest first) applied again, so that a pull never hides an
 * edit. The entries up to the one @remote names as last_op_id are in it already
 * (the push got through before the entry could be removed): applying them again would
 * append a correction twice. */
AfValue  *af_store_reapply_pending     (const AfValue  *remote,
                                        GPtrArray      *pending);

/* Pending outbox entries of one item, oldest first (GPtrArray of AfOutboxEntry). */
GPtrArray *af_store_pending_for_item   (AfStore        *self,
                                        AfTable         table,
                                        const char     *item_id,
                                        GError        **error);

/* Appends an outbox entry, or folds a note into the item's last entry when that is a
 * note of the same kind nobody has tried to send yet (notes are saved as one types,
 * and one entry per keystroke pause would flood the outbox). */
gboolean  af_store_outbox_add          (AfStore        *self,
                                        AfTable         table,
                                        const char     *item_id,
                                        AfOpKind        kind,
                                        const AfValue  *changes,
                                        gint64          base_version,
                                        GError        **error);

/* The rows of a batch of items, prepared on worker threads ahead of the inserts that
 * consume them in order (af-store-serializer.c). items[i] belongs to tables[i], or to
 * @table when @tables is NULL. With @key, the texts have their personal values sealed. */
typedef struct _AfSerializer AfSerializer;

AfSerializer *af_serializer_new        (GPtrArray      *items,
                                        AfTable         table,
                                        const AfTable  *tables,
                                        AfCacheKey     *key);
/* The row of items[@index], its text (transfer full); waits for it when a worker
 * prepares it. */
void          af_serializer_take       (AfSerializer   *self,
                                        guint           index,
                                        AfRow          *out_row);
/* Stops the workers and frees what no one took. */
void          af_serializer_free       (AfSerializer   *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfSerializer, af_serializer_free)

/* Tests' failure points ("after-item-update", "during-put"): TRUE, with @error set,
 * once, when af_store_inject_failure() named @point. */
gboolean  af_store_injected            (AfStore        *self,
                                        const char     *point,
                                        GError        **error);

gboolean  af_op_kind_from_string       (const char     *text,
                                        AfOpKind       *out_kind);

/* ---- Sealing (af-store-seal.c) ---- */

/* Where an item's sealed values are bound: "documents/ID" (table judged by its keys). */
char     *af_store_item_ad             (const AfValue  *item);
/* Where an outbox entry's (or a conflict's) sealed values are bound. */
char     *af_store_outbox_ad           (AfTable         table,
                                        const char     *item_id);
/* The text stored for @value (an item of @table, or an outbox entry's changes): its
 * personal values sealed, bound to @ad (NULL: af_store_item_ad()). */
char     *af_store_seal_text           (AfStore        *self,
                                        AfTable         table,
                                        const AfValue  *value,
                                        const char     *ad);
/* A stored text parsed, its sealed values opened; a value that fails authentication
 * reads "***" and is listed under AF_PII_INTEGRITY_ATTRIBUTE. */
AfValue  *af_store_open_text           (AfStore        *self,
                                        const char     *text,
                                        gssize          length,
                                        const char     *ad,
                                        GError        **error);
/* FALSE, with AF_STORE_ERROR_INTEGRITY naming the item, when some of its sealed values
 * failed: such an item is shown masked and never edited or sent. */
gboolean  af_store_check_integrity     (const AfValue  *item,
                                        GError        **error);

/* The cache WITHOUT encryption: only for benchmarks that measure what encryption
 * costs against the same work without it. Never used by the app or the CLI. */
AfStore  *af_store_open_unencrypted    (const char     *path,
                                        GError        **error);

/* Encrypts what a cache of schema 1 holds in clear, when crypto/migration says it is
 * due; resumable (af-store-migrate.c). TRUE at once when nothing is due. */
gboolean  af_store_finish_migration    (AfStore        *self,
                                        GError        **error);

/* The rows of a query whose first column is `item`, as items (skipping, and reporting,
 * rows that do not read back). */
GPtrArray *af_store_items_from_stmt    (AfStore        *self,
                                        AfStmt         *stmt,
                                        GError        **error);

/* ---- The search index (af-store-search.c) ---- */

/* A bulk import's search index built on a thread of its own (af-store-search-side.c). */
typedef struct _AfSearchSide AfSearchSide;

/* When a bulk import starts with indexed tables that hold no row: the builder of their
 * index, started, the import recorded; NULL when no table is empty (or on error). */
AfSearchSide *af_search_side_start     (AfStore        *store,
                                        GError        **error);
/* TRUE when @self (nullable) indexes @table's rows. */
gboolean  af_search_side_covers        (AfSearchSide   *self,
                                        AfTable         table);
/* Hands a new row's text (nullable, copied) to the builder. */
void      af_search_side_add           (AfSearchSide   *self,
                                        AfTable         table,
                                        gint64          rowid,
                                        const char     *text);
/* A row written again: its old text (as indexed) out, its new one in. */
void      af_search_side_replace       (AfSearchSide   *self,
                                        AfTable         table,
                                        gint64          rowid,
                                        const char     *old_text,
                                        const char     *text);
/* After each file's transaction (@self nullable): kept or rolled back on the side too. */
void      af_search_side_end_file      (AfSearchSide   *self,
                                        gboolean        committed);
/* After the last file: the builder's index copied into the cache's (rebuilt when that
 * fails), the record cleared; frees @self. */
gboolean  af_search_side_finish        (AfSearchSide   *self,
                                        AfStore        *store,
                                        GError        **error);
/* At every open: the index of a killed bulk import rebuilt (not while it runs). */
gboolean  af_store_search_side_restore_orphaned (AfStore  *self,
                                                 GError  **error);
/* The FTS5 table of @table. */
const char *af_store_search_table      (AfTable         table);

/* Writes one row (whatever @data says), TRUE on success. */
typedef gboolean (* AfSearchWrite) (AfStore *self, gpointer data, GError **error);

/* Runs @write, the writing of @table's row of id @key whose search text is @text
 * (nullable), and indexes it: a row new, or whose text changed, goes into the index,
 * its old text out. Nothing more while the index is suspended. */
gboolean  af_store_search_index_row    (AfStore        *self,
                                        AfTable         table,
                                        const char     *key,
                                        const char     *text,
                                        AfSearchWrite   write,
                                        gpointer        data,
                                        GError        **error);

/* TRUE when the rows written to @table are indexed one by one (it has an index, and
 * the index is not suspended). */
gboolean  af_store_search_indexes_rows (AfStore        *self,
                                        AfTable         table);
/* Indexes the row at @rowid written again: @old_text out of the index, @text in (both
 * nullable). */
gboolean  af_store_search_index_rewritten (AfStore     *self,
                                           AfTable      table,
                                           gint64       rowid,
                                           const char  *old_text,
                                           const char  *text,
                                           GError     **error);
/* Indexes a row just inserted (none had its key before) under @rowid; @text nullable. */
gboolean  af_store_search_index_new_row (AfStore       *self,
                                         AfTable        table,
                                         gint64         rowid,
                                         const char    *text,
                                         GError       **error);

/* In the transaction just begun (a file's import), the rows inserted from now on are
 * indexed all at once by af_store_search_catch_up () before the commit, not one by one;
 * a row already there and rewritten is still indexed at once. */
gboolean  af_store_search_defer        (AfStore        *self,
                                        GError        **error);
/* Indexes the rows inserted since af_store_search_defer (); the deferral ends. */
gboolean  af_store_search_catch_up     (AfStore        *self,
                                        GError        **error);
/* Ends a deferral without indexing (the transaction rolls back). */
void      af_store_search_cancel_defer (AfStore        *self);

/* A LIKE pattern (ESCAPE '\\') finding @word anywhere, its own % and _ taken literally. */
char     *af_store_like_pattern        (const char     *word);

/* TRUE for the tables that have a search index (all but users). */
gboolean  af_store_search_has_index    (AfTable         table);
/* @item's text for the index, folded (transfer full); NULL when it has none. */
char     *af_store_search_text         (AfTable         table,
                                        const AfValue  *item);
/* The SQL function af_search_text(), which the migration to schema 4 uses. */
gboolean  af_store_search_register     (AfStore        *self,
                                        GError        **error);
/* Schema 4, inside the migration's transaction. */
gboolean  af_store_search_migrate      (AfStore        *self,
                                        GError        **error);
/* Schema 5, inside the migration's transaction: the index tables made again with the
 * layout for bulk writes (columnsize = 0, a 16 MiB hash), every row indexed again. */
gboolean  af_store_search_migrate_layout (AfStore      *self,
                                          GError      **error);
/* Schema 6, inside the migration's transaction: the index tables made again without
 * positions (detail = none), every row indexed again. */
gboolean  af_store_search_migrate_detail (AfStore      *self,
                                          GError      **error);
/* A WHERE clause (in parentheses) for AfQuery.search on @table, its parameters appended
 * to @binds (texts); FALSE, with nothing appended, when @text has no word. */
gboolean  af_store_search_clause       (AfTable         table,
                                        const char     *text,
                                        GString        *clause,
                                        GPtrArray      *binds);

/* How many items af_store_search () finds for @text in @table with no limit, read off
 * the index (and the text of each row it matches, for a word of more than three
 * letters): *@out_count is -1 when the index cannot tell (a word under three letters:
 * only the filter's scan of every row can). FALSE on error. */
gboolean  af_store_search_count        (AfStore        *self,
                                        AfTable         table,
                                        const char     *text,
                                        gint64          at_most,
                                        gint64         *out_count,
                                        GError        **error);

/* For bench-search only, to time the search before it in the same run: FALSE makes
 * the index match every word whole, ids included (the default is TRUE: an id-like word
 * is matched by its last part, then checked). Process-wide; not for the app. */
void      af_store_search_set_id_keys  (gboolean        enabled);

/* For a bulk write of many rows, inside its transaction: suspend stops the index
 * following each row (drops its triggers); resume indexes every row again in one pass
 * and restores the triggers. Resume also after anything that renumbers rowids (VACUUM). */
gboolean  af_store_search_suspend      (AfStore        *self,
                                        GError        **error);
gboolean  af_store_search_resume       (AfStore        *self,
                                        GError        **error);
/* Re-indexes every row (FTS5 'rebuild'); the triggers are left as they are. */
gboolean  af_store_search_rebuild      (AfStore        *self,
                                        GError        **error);

G_END_DECLS
