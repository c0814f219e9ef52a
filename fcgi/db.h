/* db.h: the worker's one PostgreSQL connection.
 *
 * The only interface to libpq: prepared statements registered once (before
 * the workers fork) and prepared on each connection at first use; results as
 * opaque handles; SQLSTATEs mapped to HTTP statuses in one table. */
#ifndef PARTNERSHIPS_DB_H
#define PARTNERSHIPS_DB_H

#include <jansson.h>
#include <stdbool.h>

struct pg_result;   /* libpq's PGresult */
struct db;

enum { DB_MAX_STATEMENTS = 256 };

/* Registers a statement to be prepared on every connection; sql and name
 * must live for the whole process.  Returns its index, or -1 when the
 * registry is full. */
int db_statement_register(const char *name, const char *sql);

/* A handle for conninfo; connects lazily.  db_close() frees it. */
struct db *db_open(const char *conninfo);
void db_close(struct db *db);

/* Cancels a statement that runs longer (0: the server's setting); applies
 * from the next connection. */
void db_set_statement_timeout(struct db *db, int seconds);

/* The days a lead registered through the partner portal is protected
 * (PARTNERSHIPS_REFERRAL_PROTECTION_DAYS), set on each connection. */
void db_set_protection_days(struct db *db, int days);

/* Connects (again) if the connection is missing or broken.  Returns 0, or -1
 * when the database cannot be reached now (answer 503). */
int db_ensure(struct db *db);

/* Runs a registered statement, or ad-hoc SQL built only from the program's
 * own tables (never request text), with text parameters (NULL = SQL null).
 * Returns a result the caller must db_clear(), or NULL when the connection
 * was lost (answer 503; the next db_ensure() reconnects). */
struct pg_result *db_run(struct db *db, int statement, int nparams, const char *const *values);
struct pg_result *db_query(struct db *db, const char *sql, int nparams, const char *const *values);
/* Round trips saved: the next statement run (db_run, db_query_cached) goes
 * with BEGIN before it, which starts the request's transaction, or with
 * COMMIT after it, which ends it: a request's last statement whose answer
 * cannot undo it (a read, or a create: if it fails, COMMIT only ends the
 * failed transaction).  The result is then the first that failed, or the
 * statement's.  db_begin_with_next() clears a pending commit; db_query()
 * and db_command() run alone and clear both. */
void db_begin_with_next(struct db *db);
void db_commit_with_next(struct db *db);
bool db_in_transaction(const struct db *db);
/* While held, db_commit_with_next() is ignored: the caller has more to
 * write in the transaction after the handler's last statement. */
void db_hold_commit(struct db *db, bool hold);
/* The last statement failed as a deadlock victim or a serialization failure
 * (SQLSTATE 40P01, 40001): its transaction is lost as a whole and may be run
 * again from its start. */
bool db_retryable(const struct db *db);
/* db_query for SQL that a program builds again and again from its own
 * tables (a list's filters and sort, a patch's columns): prepared on the
 * connection at first use and kept for the next (the last 64). */
struct pg_result *db_query_cached(struct db *db, const char *sql, int nparams, const char *const *values);

/* Runs a script of several statements (migrations only: the program's own
 * files).  Returns a result the caller must db_clear(), or NULL when the
 * connection was lost. */
struct pg_result *db_script(struct db *db, const char *sql);

/* Runs a command without parameters or results (BEGIN, COMMIT, ROLLBACK).
 * Returns 0, or -1 on failure. */
int db_command(struct db *db, const char *sql);

bool db_ok(const struct pg_result *res);
int db_rows(const struct pg_result *res);
const char *db_value(const struct pg_result *res, int row, int column);  /* NULL for SQL null */
size_t db_length(const struct pg_result *res, int row, int column);
/* Rows changed by an INSERT/UPDATE/DELETE. */
int db_affected(const struct pg_result *res);
void db_clear(struct pg_result *res);

/* Turns a failed result into an API error: returns the HTTP status, sets
 * *message (static text, or text written for users by a PT class error,
 * valid until db_clear) and, for errors tied to a column of table, *fields
 * to a new {"apiField": "what is wrong"} object (else NULL), worded by the
 * constraint's COMMENT when it has one.  db may be NULL. */
int db_error_http(const struct db *db, const struct pg_result *res, const char *table, const char **message,
                  json_t **fields);

/* The full server message of a failed result, for the log only. */
const char *db_error_detail(const struct pg_result *res);

/* The SQLSTATE of a failed result, or "" when it has none. */
const char *db_sqlstate(const struct pg_result *res);

/* The labels of enum type type_name in order, as a JSON array (borrowed), or
 * NULL if there is no such type.  Loaded from pg_enum at connection time so
 * that the database stays their only definition. */
const json_t *db_enum_labels(const struct db *db, const char *type_name);

/* snake_case column -> camelCase API name into out (the rule of api_name()
 * in sql/001_core.sql).  And the reverse. */
void db_api_name(const char *column, char *out, size_t out_size);
void db_column_name(const char *api_name, char *out, size_t out_size);

#endif
