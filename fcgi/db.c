/* db.c: see db.h. */
#include "db.h"

#include <ctype.h>
#include <libpq-fe.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"

struct db_statement {
    const char *name;
    const char *sql;
};

static struct db_statement db_statements[DB_MAX_STATEMENTS];
static int db_nstatements;

/* Statements built per request (lists, creates, patches) are few in kind:
 * the last DB_CACHE_SLOTS of them stay prepared on the connection, so that
 * a repeated one is neither parsed nor planned again.
 *
 * How each is planned is measured, per connection.  PostgreSQL plans a
 * prepared statement for its values five times, then keeps a generic plan
 * only if its estimated cost is no higher; a list's generic plan cannot see
 * the limit (a parameter), so its estimate always loses, and such a list
 * was planned at every request even where the generic plan was the same
 * and twice as fast (tests/bench PLANS=1).  So a cached statement, after
 * DB_PLAN_WARMUP runs, is timed DB_PLAN_SAMPLES times as PostgreSQL
 * chooses; if PostgreSQL still makes a plan per run then
 * (pg_prepared_statements), it is timed as many times with a generic plan
 * (plan_cache_mode, for that statement alone, inside its transaction), and
 * the generic plan is kept when its median time is under DB_PLAN_GAIN of
 * the other's.  A statement PostgreSQL already plans generically is left
 * to it: forcing the same plan would only cost the setting. */
enum { DB_CACHE_SLOTS = 64, DB_PLAN_WARMUP = 5, DB_PLAN_SAMPLES = 8 };
#define DB_PLAN_GAIN 0.8

enum db_plan { DB_PLAN_LEARNING, DB_PLAN_CHOSEN, DB_PLAN_GENERIC };

struct db_cached {
    char *sql;               /* NULL: a free slot */
    unsigned long used;      /* db->clock at its last use */
    enum db_plan plan;
    int runs;                /* while learning: runs in a transaction */
    float chosen_ms[DB_PLAN_SAMPLES], generic_ms[DB_PLAN_SAMPLES];
};

struct db {
    char *conninfo;
    PGconn *conn;
    bool prepared[DB_MAX_STATEMENTS];
    struct db_cached cache[DB_CACHE_SLOTS];   /* prepared as "c<slot>" */
    unsigned long clock;
    bool begin_next, commit_next;             /* see db_exec() */
    int statement_timeout_ms;                 /* 0: the server's */
    int protection_days;                      /* a lead's protection window (sql/031); 0: the database's 90 */
    bool hold_commit;                         /* db_hold_commit() */
    char last_state[6];                       /* SQLSTATE of the last result, "" if it succeeded */
    json_t *enums;         /* {"type_name": ["label", ...]} */
    json_t *constraints;   /* {"constraint_name": "what the API says when it fails"} */
};

int db_statement_register(const char *name, const char *sql)
{
    if (db_nstatements == DB_MAX_STATEMENTS)
        return -1;
    db_statements[db_nstatements].name = name;
    db_statements[db_nstatements].sql = sql;
    return db_nstatements++;
}

struct db *db_open(const char *conninfo)
{
    struct db *db = calloc(1, sizeof(*db));

    if (!db)
        return NULL;
    db->conninfo = strdup(conninfo);
    if (!db->conninfo) {
        free(db);
        return NULL;
    }
    return db;
}

static void db_disconnect(struct db *db)
{
    if (db->conn)
        PQfinish(db->conn);
    db->conn = NULL;
    memset(db->prepared, 0, sizeof(db->prepared));
    db->begin_next = db->commit_next = false;
    for (int i = 0; i < DB_CACHE_SLOTS; i++) {
        free(db->cache[i].sql);
        db->cache[i].sql = NULL;
    }
    json_decref(db->enums);
    db->enums = NULL;
    json_decref(db->constraints);
    db->constraints = NULL;
}

void db_close(struct db *db)
{
    if (!db)
        return;
    db_disconnect(db);
    free(db->conninfo);
    free(db);
}

static void db_notice_ignore(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* Runs sql (two text columns: key, JSON value) into a new JSON object. */
static json_t *db_load_map(struct db *db, const char *sql)
{
    PGresult *res = PQexec(db->conn, sql);
    json_t *map = NULL;

    if (PQresultStatus(res) != PGRES_TUPLES_OK || !(map = json_object()))
        goto fail;
    for (int i = 0; i < PQntuples(res); i++) {
        json_t *value = json_loads(PQgetvalue(res, i, 1), JSON_DECODE_ANY, NULL);

        if (!value || json_object_set_new(map, PQgetvalue(res, i, 0), value))
            goto fail;
    }
    PQclear(res);
    return map;
fail:
    log_error("loading the schema's metadata failed: %s", PQresultErrorMessage(res));
    json_decref(map);
    PQclear(res);
    return NULL;
}

/* Enum labels and constraint messages: the database is their one source. */
static int db_load_metadata(struct db *db)
{
    db->enums = db_load_map(db,
        "select t.typname, json_agg(e.enumlabel order by e.enumsortorder)::text"
        "  from pg_catalog.pg_enum e join pg_catalog.pg_type t on t.oid = e.enumtypid"
        " where t.typnamespace = 'public'::regnamespace group by t.typname");
    db->constraints = db_load_map(db,
        "select c.conname, to_json(d.description)::text"
        "  from pg_catalog.pg_constraint c join pg_catalog.pg_description d"
        "    on d.objoid = c.oid and d.classoid = 'pg_catalog.pg_constraint'::regclass"
        " where c.connamespace = 'public'::regnamespace"
        " union all "
        "select i.relname, to_json(d.description)::text"
        "  from pg_catalog.pg_class i join pg_catalog.pg_description d"
        "    on d.objoid = i.oid and d.classoid = 'pg_catalog.pg_class'::regclass"
        " where i.relkind = 'i' and i.relnamespace = 'public'::regnamespace");
    return db->enums && db->constraints ? 0 : -1;
}

void db_set_protection_days(struct db *db, int days)
{
    db->protection_days = days;
}

void db_set_statement_timeout(struct db *db, int seconds)
{
    db->statement_timeout_ms = seconds * 1000;
}

/* Whether the server has said something on a connection at rest: it sends
 * nothing unasked but a termination notice before it closes the connection
 * (a restart, a terminated backend), so anything there means the
 * connection is gone.  Found before a request uses it, not by failing it. */
static bool db_closed_by_server(PGconn *conn)
{
    struct pollfd fd = {.fd = PQsocket(conn), .events = POLLIN};

    return fd.fd < 0 || poll(&fd, 1, 0) > 0;   /* -1 (a signal): not known, used as it is */
}

int db_ensure(struct db *db)
{
    char setup[160];
    PGresult *res;

    if (db->conn && PQstatus(db->conn) == CONNECTION_OK && PQtransactionStatus(db->conn) == PQTRANS_IDLE) {
        if (!db_closed_by_server(db->conn))
            return 0;
        log_info("the database closed the connection; connecting again");
    }
    db_disconnect(db);
    db->conn = PQconnectdb(db->conninfo);
    if (PQstatus(db->conn) != CONNECTION_OK) {
        log_error("database unreachable: %s", PQerrorMessage(db->conn));
        db_disconnect(db);
        return -1;
    }
    PQsetNoticeProcessor(db->conn, db_notice_ignore, NULL);
    /* Timestamps in API answers are UTC (sql/README.md "Records"). */
    snprintf(setup, sizeof(setup), "set time zone 'UTC'; set statement_timeout = %d; set partnerships.protection_days = %d",
             db->statement_timeout_ms, db->protection_days > 0 ? db->protection_days : 90);
    res = PQexec(db->conn, setup);
    if (PQresultStatus(res) != PGRES_COMMAND_OK || db_load_metadata(db)) {
        log_error("database session setup failed: %s", PQerrorMessage(db->conn));
        PQclear(res);
        db_disconnect(db);
        return -1;
    }
    PQclear(res);
    return 0;
}

/* NULL when the connection is gone (the caller answers 503).  Notes the
 * result's SQLSTATE for db_retryable(). */
static PGresult *db_checked(struct db *db, PGresult *res)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

    snprintf(db->last_state, sizeof(db->last_state), "%s", state ? state : "");
    if (PQstatus(db->conn) != CONNECTION_OK) {
        log_error("database connection lost: %s", PQerrorMessage(db->conn));
        PQclear(res);
        db_disconnect(db);
        return NULL;
    }
    return res;
}

/* Reads one command's results in pipeline mode: its result, then the NULL
 * that ends them. */
static PGresult *db_pipeline_result(PGconn *conn)
{
    PGresult *res = PQgetResult(conn), *extra;

    while ((extra = PQgetResult(conn)))
        PQclear(extra);
    return res;
}

/* Executes the statement prepared as name; with BEGIN before it and/or
 * COMMIT after it in the same round trip when db_begin_with_next() or
 * db_commit_with_next() asked for that (libpq "Pipeline Mode"); generic:
 * planned generically (inside a transaction only), the setting back to
 * the session's after it, or ended by the COMMIT. */
static PGresult *db_exec(struct db *db, const char *name, int nparams, const char *const *values, bool generic)
{
    bool begin = db->begin_next, commit = db->commit_next, sent;
    PGresult *begun = NULL, *set = NULL, *ran = NULL, *committed = NULL, *reset = NULL, *sync;

    db->begin_next = db->commit_next = false;
    if (!begin && !commit && !generic)
        return db_checked(db, PQexecPrepared(db->conn, name, nparams, values, NULL, NULL, 0));
    sent = PQenterPipelineMode(db->conn) &&
           (!begin || PQsendQueryParams(db->conn, "begin", 0, NULL, NULL, NULL, NULL, 0)) &&
           (!generic || PQsendQueryParams(db->conn, "set local plan_cache_mode = force_generic_plan", 0, NULL, NULL,
                                          NULL, NULL, 0)) &&
           PQsendQueryPrepared(db->conn, name, nparams, values, NULL, NULL, 0) &&
           (!commit || PQsendQueryParams(db->conn, "commit", 0, NULL, NULL, NULL, NULL, 0)) &&
           (commit || !generic ||
            PQsendQueryParams(db->conn, "set local plan_cache_mode = default", 0, NULL, NULL, NULL, NULL, 0)) &&
           PQpipelineSync(db->conn);
    if (sent) {
        begun = begin ? db_pipeline_result(db->conn) : NULL;
        set = generic ? db_pipeline_result(db->conn) : NULL;
        ran = db_pipeline_result(db->conn);
        committed = commit ? db_pipeline_result(db->conn) : NULL;
        reset = !commit && generic ? db_pipeline_result(db->conn) : NULL;
        sync = PQgetResult(db->conn);
        sent = PQresultStatus(sync) == PGRES_PIPELINE_SYNC;
        PQclear(sync);
    }
    if (!sent || !PQexitPipelineMode(db->conn)) {
        log_error("database pipeline failed: %s", PQerrorMessage(db->conn));
        PQclear(begun);
        PQclear(set);
        PQclear(ran);
        PQclear(committed);
        PQclear(reset);
        db_disconnect(db);   /* a connection in an unknown state is not reused */
        return NULL;
    }
    /* The settings cannot fail but in a failed transaction, where the
     * statement then failed too, and tells why. */
    PQclear(set);
    PQclear(reset);
    /* The first failure is the answer: BEGIN's, the statement's, or (after a
     * statement that succeeded) COMMIT's.  After a failed statement COMMIT
     * only ends the failed transaction. */
    if (begun && PQresultStatus(begun) != PGRES_COMMAND_OK) {
        PQclear(ran);
        ran = begun;
    } else {
        PQclear(begun);
        if (committed && db_ok(ran) && PQresultStatus(committed) != PGRES_COMMAND_OK) {
            PQclear(ran);
            ran = committed;
            committed = NULL;
        }
    }
    PQclear(committed);
    return db_checked(db, ran);
}

void db_begin_with_next(struct db *db)
{
    db->begin_next = true;
    db->commit_next = false;
}

void db_commit_with_next(struct db *db)
{
    db->commit_next = !db->hold_commit;
}

void db_hold_commit(struct db *db, bool hold)
{
    db->hold_commit = hold;
}

bool db_retryable(const struct db *db)
{
    return strcmp(db->last_state, "40001") == 0 || strcmp(db->last_state, "40P01") == 0;
}

bool db_in_transaction(const struct db *db)
{
    return db->conn && PQtransactionStatus(db->conn) != PQTRANS_IDLE;
}

/* Prepares a registered statement on this connection at its first use.
 * Returns NULL when done, else the failed result (or NULL in *lost). */
static PGresult *db_prepare(struct db *db, int statement, bool *lost)
{
    PGresult *res;

    *lost = false;
    if (db->prepared[statement])
        return NULL;
    if (!(res = db_checked(db, PQprepare(db->conn, db_statements[statement].name, db_statements[statement].sql,
                                         0, NULL)))) {
        *lost = true;
        return NULL;
    }
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        return res;   /* the caller reports it; a bug, not a user error */
    PQclear(res);
    db->prepared[statement] = true;
    return NULL;
}

struct pg_result *db_run(struct db *db, int statement, int nparams, const char *const *values)
{
    PGresult *failed;
    bool lost;

    if (!db->conn || statement < 0 || statement >= db_nstatements)
        return NULL;
    if ((failed = db_prepare(db, statement, &lost)) || lost)
        return failed;
    return db_exec(db, db_statements[statement].name, nparams, values, false);
}

struct pg_result *db_query(struct db *db, const char *sql, int nparams, const char *const *values)
{
    db->begin_next = db->commit_next = false;   /* runs alone: nothing pending goes with it */
    if (!db->conn)
        return NULL;
    return db_checked(db, PQexecParams(db->conn, sql, nparams, NULL, values, NULL, NULL, 0));
}

static int db_float_order(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;

    return (x > y) - (x < y);
}

static float db_median(float *ms)
{
    qsort(ms, DB_PLAN_SAMPLES, sizeof(*ms), db_float_order);
    return (ms[DB_PLAN_SAMPLES / 2 - 1] + ms[DB_PLAN_SAMPLES / 2]) / 2;
}

/* Whether PostgreSQL still plans the prepared statement name for each run
 * (it made more plans for values than its first five).  A failure counts as
 * no: the statement is left to PostgreSQL. */
static bool db_plans_each_run(struct db *db, const char *name)
{
    const char *values[1] = {name};
    PGresult *res = db_checked(db, PQexecParams(db->conn, "select custom_plans from pg_prepared_statements"
                                                          " where name = $1", 1, NULL, values, NULL, NULL, 0));
    bool each = res && PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 &&
                atol(PQgetvalue(res, 0, 0)) > DB_PLAN_WARMUP;

    PQclear(res);
    return each;
}

/* Runs a cached statement planned as its slot has learnt (above): while
 * learning, each run in a transaction that succeeds is timed, as chosen
 * and then generic, and at the end the faster is kept. */
static PGresult *db_exec_cached(struct db *db, struct db_cached *slot, const char *name, int nparams,
                                const char *const *values)
{
    bool in_transaction = db->begin_next || PQtransactionStatus(db->conn) == PQTRANS_INTRANS;
    int sample = slot->runs - DB_PLAN_WARMUP;
    bool generic = in_transaction && (slot->plan == DB_PLAN_GENERIC ||
                                      (slot->plan == DB_PLAN_LEARNING && sample >= DB_PLAN_SAMPLES));
    struct timespec start, end;
    PGresult *res;

    if (slot->plan != DB_PLAN_LEARNING || !in_transaction)
        return db_exec(db, name, nparams, values, generic);
    clock_gettime(CLOCK_MONOTONIC, &start);
    res = db_exec(db, name, nparams, values, generic);
    clock_gettime(CLOCK_MONOTONIC, &end);
    if (!res || !db_ok(res))
        return res;
    if (sample >= 0)
        (generic ? slot->generic_ms : slot->chosen_ms)[sample % DB_PLAN_SAMPLES] =
            (float)((end.tv_sec - start.tv_sec) * 1e3 + (end.tv_nsec - start.tv_nsec) / 1e6);
    if (++slot->runs == DB_PLAN_WARMUP + DB_PLAN_SAMPLES && !db_plans_each_run(db, name))
        slot->plan = DB_PLAN_CHOSEN;
    else if (slot->runs == DB_PLAN_WARMUP + 2 * DB_PLAN_SAMPLES)
        slot->plan = db_median(slot->generic_ms) < DB_PLAN_GAIN * db_median(slot->chosen_ms) ? DB_PLAN_GENERIC
                                                                                              : DB_PLAN_CHOSEN;
    return res;
}

struct pg_result *db_query_cached(struct db *db, const char *sql, int nparams, const char *const *values)
{
    struct db_cached *slot = NULL;
    char name[16];
    PGresult *res;

    if (!db->conn)
        return NULL;
    for (int i = 0; i < DB_CACHE_SLOTS && !slot; i++)
        if (db->cache[i].sql && strcmp(db->cache[i].sql, sql) == 0)
            slot = &db->cache[i];
    if (!slot) {
        /* A free slot, else the least recently used one, deallocated. */
        slot = &db->cache[0];
        for (int i = 1; i < DB_CACHE_SLOTS && slot->sql; i++)
            if (!db->cache[i].sql || db->cache[i].used < slot->used)
                slot = &db->cache[i];
        snprintf(name, sizeof(name), "c%d", (int)(slot - db->cache));
        if (slot->sql) {
            char deallocate[32];

            snprintf(deallocate, sizeof(deallocate), "deallocate %s", name);
            if (!(res = db_checked(db, PQexec(db->conn, deallocate))))
                return NULL;
            if (PQresultStatus(res) != PGRES_COMMAND_OK)
                return res;   /* e.g. in a failed transaction: the slot stays taken */
            PQclear(res);
            free(slot->sql);
            slot->sql = NULL;
        }
        if (!(slot->sql = strdup(sql)))
            return db_query(db, sql, nparams, values);
        slot->plan = DB_PLAN_LEARNING;
        slot->runs = 0;
        if (!(res = db_checked(db, PQprepare(db->conn, name, sql, 0, NULL))))
            return NULL;
        if (PQresultStatus(res) != PGRES_COMMAND_OK) {
            free(slot->sql);
            slot->sql = NULL;
            return res;   /* the caller reports it */
        }
        PQclear(res);
    }
    slot->used = ++db->clock;
    snprintf(name, sizeof(name), "c%d", (int)(slot - db->cache));
    return db_exec_cached(db, slot, name, nparams, values);
}

struct pg_result *db_script(struct db *db, const char *sql)
{
    if (!db->conn)
        return NULL;
    return db_checked(db, PQexec(db->conn, sql));
}

int db_command(struct db *db, const char *sql)
{
    PGresult *res;
    int rc;

    db->begin_next = db->commit_next = false;   /* runs alone: nothing pending goes with it */
    if (!db->conn)
        return -1;
    res = db_checked(db, PQexec(db->conn, sql));
    if (!res)
        return -1;
    rc = PQresultStatus(res) == PGRES_COMMAND_OK ? 0 : -1;
    if (rc)
        log_error("%.40s failed: %s", sql, PQresultErrorMessage(res));
    PQclear(res);
    return rc;
}

bool db_ok(const struct pg_result *res)
{
    ExecStatusType s = PQresultStatus(res);

    return s == PGRES_TUPLES_OK || s == PGRES_COMMAND_OK;
}

int db_rows(const struct pg_result *res)
{
    return PQntuples(res);
}

const char *db_value(const struct pg_result *res, int row, int column)
{
    if (row >= PQntuples(res) || column >= PQnfields(res) || PQgetisnull(res, row, column))
        return NULL;
    return PQgetvalue(res, row, column);
}

size_t db_length(const struct pg_result *res, int row, int column)
{
    return (size_t)PQgetlength(res, row, column);
}

int db_affected(const struct pg_result *res)
{
    return atoi(PQcmdTuples((PGresult *)res));
}

void db_clear(struct pg_result *res)
{
    PQclear(res);
}

const char *db_error_detail(const struct pg_result *res)
{
    return PQresultErrorMessage(res);
}

const char *db_sqlstate(const struct pg_result *res)
{
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);

    return state ? state : "";
}

const json_t *db_enum_labels(const struct db *db, const char *type_name)
{
    return db->enums ? json_object_get(db->enums, type_name) : NULL;
}

void db_api_name(const char *column, char *out, size_t out_size)
{
    size_t n = 0;
    bool upper = false;

    for (; *column && n + 1 < out_size; column++) {
        if (*column == '_') {
            upper = n > 0;
            continue;
        }
        out[n++] = upper ? (char)toupper((unsigned char)*column) : *column;
        upper = false;
    }
    out[n] = '\0';
}

void db_column_name(const char *api_name, char *out, size_t out_size)
{
    size_t n = 0;

    for (; *api_name && n + 2 < out_size; api_name++) {
        if (isupper((unsigned char)*api_name)) {
            out[n++] = '_';
            out[n++] = (char)tolower((unsigned char)*api_name);
        } else {
            out[n++] = *api_name;
        }
    }
    out[n] = '\0';
}

/* SQLSTATE (PostgreSQL manual, Appendix A) -> HTTP status and the message the
 * client sees.  Matched by prefix, first match wins. */
static const struct {
    const char *sqlstate;
    int status;
    const char *message;
    const char *field_message;   /* NULL: not tied to a field */
} db_errors[] = {
    {"23502", 422, "a required field is missing", "is required"},
    {"23514", 422, "a field is not valid", "is not valid"},
    {"23503", 422, "a field refers to a record that does not exist", "refers to a record that does not exist"},
    {"23505", 409, "a field must be unique", "is already taken"},
    {"22001", 422, "a field is too long", NULL},
    {"22003", 422, "a number is out of range", NULL},
    {"22007", 422, "a date or time is not valid", NULL},
    {"22008", 422, "a date or time is out of range", NULL},
    {"22009", 422, "a time zone offset is out of range", NULL},
    {"22P02", 422, "a value is not valid", NULL},
    {"22021", 400, "the request is not valid UTF-8", NULL},
    {"42501", 403, "this change is not allowed for your account", NULL},
    {"40001", 409, "the record changed at the same time; try again", NULL},
    {"40P01", 409, "the record changed at the same time; try again", NULL},
    {"55P03", 409, "the record is busy; try again", NULL},
    {"57014", 503, "the database took too long to answer; try again", NULL},
    {"53100", 503, "the database's disk is full; nothing was saved (tell your administrator)", NULL},
    {"53", 503, "the database is overloaded; try again", NULL},
    {"57P", 503, "the database is restarting; try again", NULL},
    {"08", 503, "the database is unavailable; try again", NULL},
};

/* The column a constraint named <table>_<column>_<rule> is about. */
static void db_constraint_column(const char *constraint, const char *table, char *out, size_t out_size)
{
    size_t table_len = strlen(table);
    const char *start = constraint;
    const char *end;
    size_t len;

    out[0] = '\0';
    if (strncmp(constraint, table, table_len) == 0 && constraint[table_len] == '_')
        start = constraint + table_len + 1;
    end = strrchr(start, '_');
    if (!end || end == start)
        return;
    len = (size_t)(end - start);
    if (len + 1 > out_size)
        return;
    memcpy(out, start, len);
    out[len] = '\0';
}

int db_error_http(const struct db *db, const struct pg_result *res, const char *table, const char **message,
                  json_t **fields)
{
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    const char *column = PQresultErrorField(res, PG_DIAG_COLUMN_NAME);
    const char *constraint = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
    char column_buf[128] = "";
    char api[128];

    *fields = NULL;
    *message = "internal error";
    if (!state)
        return 500;
    /* Class PT: raised by the project's own SQL with an HTTP status in the
     * last three digits and a message written for users. */
    if (strncmp(state, "PT", 2) == 0 && isdigit((unsigned char)state[2])) {
        int status = atoi(state + 2);

        *message = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
        if (column && (*fields = json_object())) {
            db_api_name(column, api, sizeof(api));
            json_object_set_new(*fields, api, json_string(*message));
        }
        return status >= 400 && status <= 599 ? status : 500;
    }
    for (size_t i = 0; i < sizeof(db_errors) / sizeof(db_errors[0]); i++) {
        if (strncmp(state, db_errors[i].sqlstate, strlen(db_errors[i].sqlstate)) != 0)
            continue;
        *message = db_errors[i].message;
        if (db_errors[i].field_message) {
            if (column)
                snprintf(column_buf, sizeof(column_buf), "%s", column);
            else if (constraint && table)
                db_constraint_column(constraint, table, column_buf, sizeof(column_buf));
            if (column_buf[0] && (*fields = json_object())) {
                const json_t *said = constraint && db && db->constraints
                                         ? json_object_get(db->constraints, constraint) : NULL;

                db_api_name(column_buf, api, sizeof(api));
                json_object_set_new(*fields, api,
                                    json_string(said ? json_string_value(said) : db_errors[i].field_message));
            }
        }
        return db_errors[i].status;
    }
    return 500;
}
