/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-store.h — the local cache: SQLite in WAL mode with a versioned schema.
 *
 * Each of the four tables keeps the key and the attributes that the seeds' query
 * patterns use as indexed columns, and the whole item as canonical DynamoDB JSON, so
 * that attributes the schema does not list survive every round trip. Two copies are
 * kept: `remote` (what the cloud last said, the base for conflict detection) and
 * `item` (remote plus the local edits not yet pushed).
 *
 * Every local edit changes the item and appends its outbox entry in ONE transaction.
 *
 * An AfStore is used from one thread at a time (open it on a worker, then hand it
 * over, as AfdWorkspace does): its statement cache and transactions are not shared.
 */
#pragma once

#include <gio/gio.h>

#include "af-cache-key.h"
#include "af-table.h"
#include "af-value.h"

G_BEGIN_DECLS

#define AF_STORE_ERROR (af_store_error_quark ())
GQuark af_store_error_quark (void);

typedef enum
{
  AF_STORE_ERROR_CORRUPT,        /* not a cache file, or damaged */
  AF_STORE_ERROR_NEWER_SCHEMA,   /* written by a newer version of the app */
  AF_STORE_ERROR_SQLITE,         /* any other SQLite failure */
  AF_STORE_ERROR_NOT_FOUND,      /* no item with that id */
  AF_STORE_ERROR_INVALID,        /* an item or an argument that cannot be stored */
  AF_STORE_ERROR_NO_IDENTITY,    /* an edit needs the reviewer's e-mail */
  AF_STORE_ERROR_INJECTED,       /* a test's failure point fired */
  AF_STORE_ERROR_INTEGRITY,      /* an item's encrypted values do not authenticate */
  AF_STORE_ERROR_BUSY,           /* an import is creating the cache (af_store_open), or filling
                                  * the table written to (its key's index deferred) */
} AfStoreError;

#define AF_STORE_SCHEMA_VERSION 7

#define AF_TYPE_STORE (af_store_get_type ())
G_DECLARE_FINAL_TYPE (AfStore, af_store, AF, STORE, GObject)

/* Opens (creating or migrating) the cache at @path. A file from a newer schema, or one
 * that is not a healthy cache, is refused with an error and left untouched.
 *
 * Personal data is encrypted at rest with the cache's key (af-cache-key.h): found in
 * AUDITFLOW_DESK_KEY_FILE or the keyring, made on first use. A wrong or missing key,
 * a key file others may read, or no key store at all is an AF_CACHE_KEY_ERROR, with
 * the file left untouched. The file is made 0600 (with its -wal and -shm), its
 * folder 0700 when created. A cache from schema 1 is encrypted in place (resumable). */
AfStore    *af_store_open              (const char     *path,
                                        GError        **error);
const char *af_store_get_path          (AfStore        *self);
/* The cache's key; NULL only for af_store_open_unencrypted() (benchmarks). */
AfCacheKey *af_store_get_key           (AfStore        *self);

/* The reviewer's e-mail, recorded as reviewed_by / corrected_by. */
void        af_store_set_identity      (AfStore        *self,
                                        const char     *email);
const char *af_store_get_identity      (AfStore        *self);

/* ---- Writing what the cloud says ---------------------------------------------- */

/* Inserts or replaces @items (all of @table) in one transaction: all or nothing.
 * Local edits still in the outbox are re-applied on top of the new remote copy.
 * The commit does not wait for the disk: a crash of the app loses nothing committed,
 * a power loss may take back the last batches (never half of one), which the next
 * pull fetches again. */
gboolean    af_store_put_remote_items  (AfStore        *self,
                                        AfTable         table,
                                        GPtrArray      *items,
                                        GError        **error);
/* af_store_put_remote_items(), and in the same transaction the sync state @state_key
 * set to @state_value (NULL removes it): a pull's page and the watermark saying it was
 * read are one write, so neither can be found without the other after a crash. */
gboolean    af_store_put_remote_page   (AfStore        *self,
                                        AfTable         table,
                                        GPtrArray      *items,
                                        const char     *state_key,
                                        const char     *state_value,
                                        GError        **error);
/* af_store_put_remote_page(), after deleting the items @deleted_ids (nullable,
 * element-type utf8) in the same transaction: a batch of a table's change feed and the
 * position after it are one write. The caller keeps items with unsent edits out of
 * @deleted_ids. */
gboolean    af_store_apply_remote_changes (AfStore     *self,
                                        AfTable         table,
                                        GPtrArray      *items,
                                        GPtrArray      *deleted_ids,
                                        const char     *state_key,
                                        const char     *state_value,
                                        GError        **error);
/* Reads a DynamoDB JSON file ({"Items": [...]}) and stores every item in one
 * transaction; each item's table is judged by its keys. Errors name the file and
 * the index of the item. @out_counts (may be NULL) receives per-table counts. */
gboolean    af_store_import_file       (AfStore        *self,
                                        const char     *path,
                                        guint           out_counts[AF_N_TABLES],
                                        GError        **error);
/* What af_store_import_file_at() brought, per table. */
typedef struct
{
  guint imported[AF_N_TABLES];
  guint expired[AF_N_TABLES];   /* already past their ttl / auto_delete_date: left out */
} AfImportCounts;

/* af_store_import_file(), except that items whose ttl or auto_delete_date lies at or
 * before @now_unix are not imported (retention would remove them at once) but counted,
 * so that the caller can say so. */
gboolean    af_store_import_file_at    (AfStore        *self,
                                        const char     *path,
                                        gint64          now_unix,
                                        AfImportCounts *out_counts,
                                        GError        **error);
/* af_store_import_file_at() for @n_paths files, each in a transaction of its own and in
 * their order, through one pipeline: the next file is read and parsed while the one
 * before is stored and committed. @out_counts and @out_errors (n_paths each, the errors
 * NULL on entry) receive each file's counts or its error, which names the file; a failed
 * file imports nothing (its counts are zero) and the others are still imported. TRUE
 * when every file was imported. */
gboolean    af_store_import_files_at   (AfStore            *self,
                                        const char *const  *paths,
                                        guint               n_paths,
                                        gint64              now_unix,
                                        AfImportCounts     *out_counts,
                                        GError            **out_errors);
/* For a command that imports several files and reports once, at the end: with @bulk,
 * each file's commit no longer waits for the disk (synchronous=NORMAL; a crash of the
 * process still leaves every file either whole or absent, and only a power loss may
 * take back the last files), and af_store_sync() then makes everything committed
 * durable at once, before the command reports success. The connection also keeps
 * twice the pages in memory meanwhile (128 MiB), so that a file's transaction is not
 * written out and read back while it runs. A cache that this open created is built
 * with a rollback journal and held exclusively until the bulk ends (another open meets
 * AF_STORE_ERROR_BUSY meanwhile), then put back in WAL mode (af-store-creating.c). */
void        af_store_set_bulk_import   (AfStore        *self,
                                        gboolean        bulk);
/* Waits until everything committed so far is on the disk (the cache and its WAL). */
gboolean    af_store_sync              (AfStore        *self,
                                        GError        **error);
/* Idempotent: deleting an absent item succeeds. Outbox entries are kept. */
gboolean    af_store_delete_item       (AfStore        *self,
                                        AfTable         table,
                                        const char     *id,
                                        GError        **error);
/* Retention: removes documents and audits whose `ttl`, and analyses whose
 * `auto_delete_date`, is at or before @now_unix (use af_clock_now_unix()). */
gboolean    af_store_purge_expired     (AfStore        *self,
                                        gint64          now_unix,
                                        guint          *out_removed,
                                        GError        **error);
/* Reading is tolerant: an indexed attribute of the wrong type (risk_score as S) is
 * stored anyway, whole, with its column left empty, so the item is missing from the
 * queries on that column. This names the first such attribute, for whoever reports
 * it (AF_STORE_ERROR_INVALID); TRUE when every indexed attribute has its type. */
gboolean    af_store_check_item        (AfTable         table,
                                        const AfValue  *item,
                                        GError        **error);

/* ---- Reading ------------------------------------------------------------------- */

/* The item (local view) by its partition key; NULL with AF_STORE_ERROR_NOT_FOUND. */
AfValue    *af_store_get_item          (AfStore        *self,
                                        AfTable         table,
                                        const char     *id,
                                        GError        **error);
/* What the cloud last said (the base of conflict detection): the item without the
 * local edits still in the outbox. */
AfValue    *af_store_get_remote_item   (AfStore        *self,
                                        AfTable         table,
                                        const char     *id,
                                        GError        **error);
/* Looks @id up in every table (audit id, document id, request id, user id). */
AfValue    *af_store_find_item         (AfStore        *self,
                                        const char     *id,
                                        AfTable        *out_table,
                                        GError        **error);

typedef enum
{
  AF_REVIEWED_ANY,
  AF_REVIEWED_YES,
  AF_REVIEWED_NO,
} AfReviewedFilter;

/* One list query; unset fields (NULL / FALSE / 0) do not filter. The order is the
 * table's natural queue order: audits by risk_score descending when min_risk is set
 * or order_by_risk is TRUE, else newest audit_timestamp first; documents by
 * upload_timestamp ascending; analyses newest created_at first; users by email. */
typedef struct
{
  AfTable           table;
  const char       *status;        /* status, or processing_status for documents */
  const char       *loan_id;       /* loan_application_id */
  const char       *user_id;       /* analyses */
  const char       *verdict;       /* analyses */
  const char       *search;        /* words found in the applicant name, loan id or file
                                      name (the search index, see af_store_search()), or
                                      one word an item's id starts with */
  gboolean          has_min_risk;  /* audits: risk_score > min_risk */
  double            min_risk;
  gboolean          order_by_risk;
  AfReviewedFilter  reviewed;      /* audits: reviewed_by present or not */
  guint             offset;
  guint             limit;         /* 0 = no limit */
  gint64            count_at_most; /* af_store_count() stops there (0 = counts them all) */
} AfQuery;

GPtrArray  *af_store_query             (AfStore        *self,
                                        const AfQuery  *query,
                                        GError        **error);
/* Keyset pages: a queue read page after page without OFFSET (which reads and drops
 * every row before the page), each page an index range from where the last one ended.
 * The cursor says where; the pages are those af_store_query() gives by offset, in the
 * same order. @query->offset must be 0 and @query->limit is the page size. */
typedef struct _AfStoreCursor AfStoreCursor;

void           af_store_cursor_free    (AfStoreCursor        *cursor);
/* A copy that owns its key: a cursor may travel to and from the store's thread. */
AfStoreCursor *af_store_cursor_copy    (const AfStoreCursor  *cursor);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfStoreCursor, af_store_cursor_free)

/* The page after @after (NULL: the first page); *@out_next (nullable) receives the
 * cursor after it, or NULL when this page is the last one (shorter than the limit). */
GPtrArray  *af_store_query_page        (AfStore              *self,
                                        const AfQuery        *query,
                                        const AfStoreCursor  *after,
                                        AfStoreCursor       **out_next,
                                        GError              **error);
/* The rows @query matches (its offset and limit ignored); with @query->count_at_most,
 * no more than that many: a count of words that the index cannot tell alone reads every
 * matching row (af_store_search_count ()), which a reviewer's "1,000+" does not need. */
gint64      af_store_count             (AfStore        *self,
                                        const AfQuery  *query,
                                        GError        **error);
/* Where the item @id is in @query's order (@query->offset and limit ignored): the
 * number of rows before it, counted by its sort key (keyset, no OFFSET). -1 when
 * @query does not hold it (no error set), or on an error. */
gint64      af_store_query_position    (AfStore        *self,
                                        const AfQuery  *query,
                                        const char     *id,
                                        GError        **error);

/* Search: the items of @table (audits, documents or analyses) matching @text, best
 * first, at most @limit (0 = all). @text is folded (case and accents ignored, af-fold.h)
 * and split into words; an item matches when each word is in its applicant name, loan
 * id or file name (in any order, anywhere in them), or when @text is one word its id
 * starts with (those come first, in id order). Words of three letters or more are
 * looked up in an FTS5 trigram index; shorter words filter those matches, or on their
 * own the rows. The text matches come ranked (af-search-rank.h): each word as a whole
 * word, then at a word's start, then inside a word, the text starting with the first
 * word before one that has it further on; the newest first among equals. With @limit
 * set, the newest 200 (or @limit, if more) matches are ranked and the best kept. */
GPtrArray  *af_store_search            (AfStore        *self,
                                        AfTable         table,
                                        const char     *text,
                                        guint           limit,
                                        GError        **error);

/* The seeds' query patterns, by name. Each returns a GPtrArray of AfValue items. */
GPtrArray  *af_store_documents_for_loan    (AfStore     *self,
                                            const char  *loan_id,
                                            GError     **error);
GPtrArray  *af_store_documents_by_status   (AfStore     *self,
                                            const char  *status,
                                            GError     **error);
GPtrArray  *af_store_audits_above_risk     (AfStore     *self,
                                            const char  *status,
                                            double       threshold,
                                            GError     **error);
GPtrArray  *af_store_audit_history         (AfStore     *self,
                                            const char  *loan_id,
                                            GError     **error);
/* Newest first, @limit per page. @before_created_at is the cursor: NULL for the first
 * page, then the created_at (N text) of the last item of the previous page. */
GPtrArray  *af_store_analyses_for_user     (AfStore     *self,
                                            const char  *user_id,
                                            const char  *before_created_at,
                                            guint        limit,
                                            GError     **error);
GPtrArray  *af_store_analyses_by_status    (AfStore     *self,
                                            const char  *status,
                                            GError     **error);
AfValue    *af_store_user_by_email         (AfStore     *self,
                                            const char  *email,
                                            GError     **error);

/* ---- Local edits (each one item change + its outbox entry, one transaction) ---- */

/* Review and appraisal notes are saved as one types: a note edit whose item's newest
 * outbox entry is a note of the same kind that has never been tried (attempts 0)
 * updates that entry instead of adding one, so the outbox holds the latest text once. */

gboolean    af_store_set_review_notes  (AfStore        *self,
                                        const char     *audit_record_id,
                                        const char     *text,
                                        GError        **error);
gboolean    af_store_mark_reviewed     (AfStore        *self,
                                        const char     *audit_record_id,
                                        GError        **error);
/* Appends {field, original_value, corrected_value, corrected_by, corrected_at, note}
 * to the document's `corrections`; extracted_data is never changed. @note may be NULL. */
gboolean    af_store_add_correction    (AfStore        *self,
                                        const char     *document_id,
                                        const char     *field,
                                        const char     *value,
                                        const char     *note,
                                        GError        **error);
/* The reviewer confirms that @field's extracted value is right: an edit like a
 * correction (its outbox entry, the same push), whose entry in `corrections` gives the
 * extracted value back as corrected_value, without a note. The cloud's readers see a
 * correction that changed nothing; af_field_list_apply_corrections() reads it as a
 * confirmation. */
gboolean    af_store_confirm_field     (AfStore        *self,
                                        const char     *document_id,
                                        const char     *field,
                                        GError        **error);
gboolean    af_store_set_appraisal_note (AfStore       *self,
                                        const char     *request_id,
                                        const char     *text,
                                        GError        **error);
/* AUTHENTIC, SUSPICIOUS or LIKELY_FORGED: sets reviewer_verdict, reviewed_by, review_timestamp. */
gboolean    af_store_set_verdict       (AfStore        *self,
                                        const char     *request_id,
                                        const char     *verdict,
                                        GError        **error);

/* The appraiser's mark on one local forensic finding: sets `appraisal_findings`, the
 * item's list of {kind, status, comment, marked_by, marked_at} (status OK, CHECK or
 * WARNING), replaced as a whole like the note. The mark of the same finding (its kind,
 * and its @region [x, y, width, height] when it has one, kept in the entry as `region`)
 * is replaced; marked_by is the identity, marked_at now. */
gboolean    af_store_mark_finding      (AfStore        *self,
                                        const char     *request_id,
                                        const char     *kind,
                                        const int      *region,
                                        const char     *status,
                                        const char     *comment,
                                        GError        **error);

/* ---- Outbox and sync state ----------------------------------------------------- */

typedef enum
{
  AF_OP_NOTE,             /* audits: review_notes */
  AF_OP_REVIEW,           /* audits: reviewed_by, review_timestamp */
  AF_OP_CORRECTION,       /* documents: list_append to corrections */
  AF_OP_APPRAISAL_NOTE,   /* analyses: review_notes */
  AF_OP_VERDICT,          /* analyses: reviewer_verdict, reviewed_by, review_timestamp */
  AF_OP_APPRAISAL_FINDINGS, /* analyses: appraisal_findings */
} AfOpKind;

const char *af_op_kind_to_string       (AfOpKind        kind);

typedef struct
{
  gint64    seq;          /* order of the outbox */
  char     *op_id;        /* UUID, written to the item as last_op_id */
  AfTable   table;
  char     *item_id;
  AfOpKind  kind;
  AfValue  *changes;      /* M: the attributes this operation SETs (for a correction:
                             {"corrections": L[ the one new correction ]}) */
  char     *created_at;   /* ISO 8601 */
  guint     attempts;
  char     *last_error;   /* nullable */
  gint64    base_version; /* the remote `version` the edit was made against (absent = 0) */
  gboolean  integrity_failed; /* its sealed values do not authenticate: never sent */
} AfOutboxEntry;

void        af_outbox_entry_free       (AfOutboxEntry  *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfOutboxEntry, af_outbox_entry_free)

/* The index, from @from on, of the entry of @entries (AfOutboxEntry, one item's, in
 * order) whose op id @item carries as last_op_id, -1 when none: that entry and every
 * earlier one are in @item already (a lost answer, a run killed before it committed). */
gint        af_outbox_applied_through  (GPtrArray      *entries,
                                        guint           from,
                                        const AfValue  *item);

gint64      af_store_outbox_length     (AfStore        *self,
                                        GError        **error);
/* Entries in order (GPtrArray of AfOutboxEntry). */
GPtrArray  *af_store_outbox_list       (AfStore        *self,
                                        GError        **error);
gboolean    af_store_outbox_remove     (AfStore        *self,
                                        gint64          seq,
                                        GError        **error);
/* The push calls this BEFORE sending an entry (attempts + 1, @last_error may be NULL):
 * a note entry that has been tried is never folded into by a later note edit. */
gboolean    af_store_outbox_mark_attempt (AfStore      *self,
                                        gint64          seq,
                                        const char     *last_error,
                                        GError        **error);

/* Key/value sync state (watermarks, last sync time). get returns NULL when unset. */
char       *af_store_get_state         (AfStore        *self,
                                        const char     *key,
                                        GError        **error);
gboolean    af_store_set_state         (AfStore        *self,
                                        const char     *key,
                                        const char     *value,
                                        GError        **error);

G_END_DECLS
