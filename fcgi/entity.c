/* entity.c: the collection contract (fcgi/README.md "Collections"), served
 * from entity tables.
 *
 * SQL text here is assembled only from the entity tables (table, column and
 * function names written in this program) and "$n" placeholders; request
 * values travel as parameters, never as SQL text. */
#include "entity.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "config.h"
#include "csv.h"
#include "db.h"
#include "input.h"
#include "log.h"

enum {
    ENTITY_SQL_BYTES = 8192,
    ENTITY_MAX_PARAMS = 64,
    ENTITY_MAX_SORT_KEYS = 4,
    ENTITY_CSV_BATCH_ROWS = 2000,   /* an export's rows per FETCH */
    ENTITY_COLUMN_BYTES = 64
};

/* SQL being assembled, with its parameters (owned). */
struct entity_sql {
    char text[ENTITY_SQL_BYTES];
    size_t len;
    bool overflow;
    char *values[ENTITY_MAX_PARAMS];
    int nvalues;
};

/* What a check leaves for its handler in ctx->input: the statement (and an
 * export's header line).  A search of a table has a second form of the
 * statement, reading the rows by the ids search_matches() found (sql/034);
 * the handler asks for those first and runs the form they call for. */
struct entity_input {
    struct entity_sql sql;
    char *header;
    char *by_ids;            /* the statement with $ids_param the matches' ids; NULL: not a search of a table */
    int pattern_param;       /* the LIKE pattern's parameter */
    int ids_param;           /* null in the other form, which filters the reader's rows */
    bool deleted;            /* the trash is searched */
};

/* A search's matches are looked up by id when PostgreSQL expects the
 * reader to have at least PARTNERSHIPS_SEARCH_INDEX_ROWS rows and at most
 * ENTITY_SEARCH_MOST_IDS of them to match; otherwise the reader's rows are
 * filtered, which then costs less (sql/034; README "Performance").  What
 * it found of a reader's rows of a table, few or many, the worker keeps for
 * ENTITY_FEW_SECONDS (in ENTITY_FEW_SLOTS, by a hash of reader and table):
 * a reader of few rows searches by filtering at once, without asking; one
 * of many is not estimated again. */
enum {
    ENTITY_SEARCH_MOST_IDS = 1000,
    ENTITY_FEW_SECONDS = 60,
    ENTITY_FEW_SLOTS = 64
};

static struct entity_few {
    char user[API_ID_MAX + 1];
    const struct entity *entity;
    time_t until;
    bool few;
} entity_few[ENTITY_FEW_SLOTS];

static struct entity_few *entity_few_slot(const char *user, const struct entity *e)
{
    unsigned long h = 5381;

    for (const char *c = user; *c; c++)
        h = h * 33 + (unsigned char)*c;
    for (const char *c = e->collection; *c; c++)
        h = h * 33 + (unsigned char)*c;
    return &entity_few[h % ENTITY_FEW_SLOTS];
}

/* 1: the reader has few rows of the table, 0: many, -1: not known. */
static int entity_few_known(const char *user, const struct entity *e)
{
    const struct entity_few *f = entity_few_slot(user, e);

    return f->entity == e && strcmp(f->user, user) == 0 && f->until > time(NULL) ? f->few : -1;
}

static void entity_few_note(const char *user, const struct entity *e, bool few)
{
    struct entity_few *f = entity_few_slot(user, e);

    snprintf(f->user, sizeof(f->user), "%s", user);
    f->entity = e;
    f->until = time(NULL) + ENTITY_FEW_SECONDS;
    f->few = few;
}

static void sql_append(struct entity_sql *sql, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sql_append(struct entity_sql *sql, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (sql->overflow)
        return;
    va_start(ap, fmt);
    n = vsnprintf(sql->text + sql->len, sizeof(sql->text) - sql->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(sql->text) - sql->len) {
        sql->overflow = true;
        return;
    }
    sql->len += (size_t)n;
}

/* Adds a parameter (value is stolen; NULL is SQL null) and returns its
 * number, or -1 when there are too many. */
static int sql_param(struct entity_sql *sql, char *value)
{
    if (sql->nvalues == ENTITY_MAX_PARAMS) {
        free(value);
        sql->overflow = true;
        return -1;
    }
    sql->values[sql->nvalues++] = value;
    return sql->nvalues;
}

static void sql_free(struct entity_sql *sql)
{
    for (int i = 0; i < sql->nvalues; i++)
        free(sql->values[i]);
    sql->nvalues = 0;
}

void entity_free_input(void *input)
{
    struct entity_input *in = input;

    if (!in)
        return;
    sql_free(&in->sql);
    free(in->header);
    free(in->by_ids);
    free(in);
}

static char *entity_strdup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *entity_strdup_printf(const char *fmt, ...)
{
    va_list ap;
    char *out = NULL;

    va_start(ap, fmt);
    if (vasprintf(&out, fmt, ap) < 0)
        out = NULL;
    va_end(ap);
    return out;
}

static void entity_column(const struct entity_field *field, char out[ENTITY_COLUMN_BYTES])
{
    db_column_name(field->name, out, ENTITY_COLUMN_BYTES);
}

/* Registers a statement built from a format; the text lives for the whole
 * process (statements are prepared on every connection). */
static int entity_register(const char *name_fmt, const char *collection, const char *sql)
{
    char *name = entity_strdup_printf(name_fmt, collection);

    if (!name || !sql)
        return -1;
    return db_statement_register(name, sql);
}

int entity_init(void)
{
    for (size_t i = 0; entities && entities[i]; i++) {
        struct entity *e = entities[i];
        const char *c = e->collection;

        if (e->view)
            continue;   /* list only: no record routes */
        e->stmt_get = entity_register("%s_get", c, entity_strdup_printf(
            "select t.version, %s from public.%s t where t.id = $1",
            e->json_sql, e->table));
        e->stmt_current = entity_register("%s_current", c, entity_strdup_printf(
            "select t.version, %s from public.%s t where t.id = $1 and t.deleted_at is null",
            e->json_sql, e->table));
        e->stmt_delete = entity_register("%s_delete", c, entity_strdup_printf(
            "update public.%s t set deleted_at = now()"
            " where t.id = $1 and t.deleted_at is null and ($2::integer is null or t.version = $2)"
            " returning t.version", e->table));
        e->stmt_restore = entity_register("%s_restore", c, entity_strdup_printf(
            "update public.%s t set deleted_at = null"
            " where t.id = $1 and t.deleted_at is not null and ($2::integer is null or t.version = $2)"
            " returning t.version, %s", e->table, e->json_sql));
        e->stmt_history = entity_register("%s_history", c, entity_strdup_printf(
            "select case when exists (select 1 from public.%s t where t.id = $1) then ("
            " select json_build_object('items', coalesce(json_agg(json_build_object("
            "  'seq', o.seq, 'at', o.at,"
            "  'actor', case when u.id is not null then json_build_object('id', u.id, 'name', u.name) end,"
            "  'op', o.op, 'changes', o.changes) order by o.seq), '[]'::json))::text"
            "  from public.oplog o left join public.users u on u.id = o.actor_user_id"
            " where o.entity = '%s' and o.record_id = $1) end", e->table, c));
        if (e->stmt_get < 0 || e->stmt_current < 0 || e->stmt_delete < 0 || e->stmt_restore < 0 ||
            e->stmt_history < 0)
            return -1;
    }
    return 0;
}

void api_db_error(struct request_ctx *ctx, const struct pg_result *res, const char *table)
{
    const char *message;
    json_t *fields;
    int status = db_error_http(ctx->db, res, table, &message, &fields);

    /* A number out of range (22003) comes with no column: a number of the
     * body past its column's limit, or a derived figure (a partner's
     * revenue, the sum of its converted referrals) that the write would
     * carry past its own.  The body's numbers are named; a body without
     * one (a referral made converted) has every field named. */
    if (!fields && strcmp(db_sqlstate(res), "22003") == 0 && ctx->entity && json_object_size(ctx->body) &&
        (fields = json_object())) {
        const char *key;
        json_t *value;

        for (int numbers_only = 1; numbers_only >= 0 && !json_object_size(fields); numbers_only--)
            json_object_foreach(ctx->body, key, value)
                if (!numbers_only || json_is_number(value))
                    json_object_set_new(fields, key, json_string(
                        "is out of range, or would carry a total it counts in (a partner's revenue) past its limit"));
    }
    if (status == 500)
        log_error("request_id=%s database error: %s", ctx->req->request_id, db_error_detail(res));
    http_error_fields(ctx->resp, status, message, fields);
}

struct pg_result *api_checked(struct request_ctx *ctx, struct pg_result *res, const char *table)
{
    if (!res) {
        http_error(ctx->resp, 503, "the database is unavailable; try again");
        return NULL;
    }
    if (!db_ok(res)) {
        api_db_error(ctx, res, table);
        db_clear(res);
        return NULL;
    }
    return res;
}

/* ---- values ------------------------------------------------------------- */

enum entity_value_error { VALUE_OK, VALUE_WRONG_TYPE, VALUE_INVALID };

bool api_enum_has(const json_t *labels, const char *value)
{
    size_t i;
    json_t *label;

    json_array_foreach(labels, i, label)
        if (strcmp(json_string_value(label), value) == 0)
            return true;
    return false;
}

char *api_enum_message(const json_t *labels)
{
    char buf[512] = "must be one of";
    size_t len = strlen(buf);
    size_t i;
    json_t *label;

    json_array_foreach(labels, i, label) {
        int n = snprintf(buf + len, sizeof(buf) - len, "%s %s", i ? "," : "", json_string_value(label));

        if (n < 0 || (size_t)n >= sizeof(buf) - len)
            break;
        len += (size_t)n;
    }
    return strdup(buf);
}

/* True when value is an array whose items are all of the given type. */
static bool entity_json_list_of(const json_t *value, json_type type)
{
    size_t i;
    json_t *item;

    if (!json_is_array(value))
        return false;
    json_array_foreach(value, i, item)
        if (json_typeof(item) != type)
            return false;
    return true;
}

/* The text form of a JSON value for a field, as a PostgreSQL parameter.
 * *out is malloc'd (NULL for SQL null); on error *message is set (static or,
 * when *owned_message, malloc'd). */
static enum entity_value_error entity_value(const struct db *db, const struct entity_field *field,
                                            const json_t *value, char **out, char **message)
{
    char money[INPUT_MONEY_TEXT_BYTES];
    const char *s;

    *out = NULL;
    *message = NULL;
    if (json_is_null(value))
        return VALUE_OK;
    switch (field->type) {
    case FIELD_TEXT:
    case FIELD_ENUM:
    case FIELD_DATE:
    case FIELD_TIMESTAMP:
    case FIELD_REF: {
        size_t start = 0, end;

        if (!json_is_string(value)) {
            *message = strdup("must be a string");
            return VALUE_WRONG_TYPE;
        }
        s = json_string_value(value);
        end = strlen(s);
        while (start < end && isspace((unsigned char)s[start]))
            start++;
        while (end > start && isspace((unsigned char)s[end - 1]))
            end--;
        if (start == end)
            return VALUE_OK;   /* an empty string is stored as null (sql/README.md "Records") */
        *out = strndup(s + start, end - start);
        if (!*out)
            return VALUE_INVALID;
        break;
    }
    case FIELD_INT:
        if (!json_is_integer(value)) {
            *message = strdup("must be a whole number");
            return VALUE_WRONG_TYPE;
        }
        *out = entity_strdup_printf("%" JSON_INTEGER_FORMAT, json_integer_value(value));
        return VALUE_OK;
    case FIELD_MONEY:
        if (!json_is_number(value)) {
            *message = strdup("must be a number");
            return VALUE_WRONG_TYPE;
        }
        if (input_money_text(value, money)) {
            *message = strdup("must be an amount with at most 2 decimals");
            return VALUE_INVALID;
        }
        *out = strdup(money);
        return VALUE_OK;
    case FIELD_BOOL:
        if (!json_is_boolean(value)) {
            *message = strdup("must be true or false");
            return VALUE_WRONG_TYPE;
        }
        *out = strdup(json_is_true(value) ? "true" : "false");
        return VALUE_OK;
    case FIELD_STRINGS:
    case FIELD_OBJECTS:
        if (!entity_json_list_of(value, field->type == FIELD_STRINGS ? JSON_STRING : JSON_OBJECT)) {
            *message = strdup(field->type == FIELD_STRINGS ? "must be a list of strings" : "must be a list of objects");
            return VALUE_WRONG_TYPE;
        }
        *out = json_dumps(value, JSON_COMPACT);
        return VALUE_OK;
    case FIELD_NUMBER:
        if (!json_is_number(value)) {
            *message = strdup("must be a number");
            return VALUE_WRONG_TYPE;
        }
        *out = entity_strdup_printf("%.17g", json_number_value(value));
        return VALUE_OK;
    case FIELD_JSON:
        if (!json_is_object(value)) {
            *message = strdup("must be an object");
            return VALUE_WRONG_TYPE;
        }
        *out = json_dumps(value, JSON_COMPACT);
        return VALUE_OK;
    }

    /* Strings with a form to check. */
    if (field->type == FIELD_TEXT) {
        const char *problem = input_text_problem(*out);

        if (problem) {
            *message = strdup(problem);
            goto invalid;
        }
    } else if (field->type == FIELD_ENUM) {
        const json_t *labels = db_enum_labels(db, field->enum_type);

        if (labels && !api_enum_has(labels, *out)) {
            *message = api_enum_message(labels);
            goto invalid;
        }
    } else if (field->type == FIELD_DATE && !input_date_valid(*out)) {
        *message = strdup("must be a date (YYYY-MM-DD)");
        goto invalid;
    } else if (field->type == FIELD_TIMESTAMP && !input_timestamp_valid(*out)) {
        *message = strdup("must be a date and time (RFC 3339, e.g. 2026-01-31T09:30:00Z; an offset of at most 15:59)");
        goto invalid;
    } else if (field->type == FIELD_REF && !input_id_valid(*out, strlen(*out))) {
        *message = strdup("must be the id of a record");
        goto invalid;
    }
    return VALUE_OK;
invalid:
    free(*out);
    *out = NULL;
    return VALUE_INVALID;
}

/* Adds a field error to the right object; the message is stolen. */
static void entity_field_error(json_t *errors, const char *name, char *message)
{
    json_object_set_new(errors, name, json_string(message ? message : "is not valid"));
    free(message);
}

/* Answers 400 (type and shape errors win) or 422 with the collected fields.
 * Returns -1 when it answered, 0 when there were no errors. */
static int entity_answer_errors(struct request_ctx *ctx, json_t *bad, json_t *invalid)
{
    int rc = -1;

    if (json_object_size(bad)) {
        http_error_fields(ctx->resp, 400, "some fields are not accepted or have the wrong type", bad);
        bad = NULL;
    } else if (json_object_size(invalid)) {
        http_error_fields(ctx->resp, 422, "some fields are not valid", invalid);
        invalid = NULL;
    } else {
        rc = 0;
    }
    json_decref(bad);
    json_decref(invalid);
    return rc;
}

/* ---- create and patch --------------------------------------------------- */

/* How a body becomes a write. */
enum entity_write_mode {
    WRITE_CREATE,   /* insert into T as t (c1, c2) values ($1, $2) returning ... */
    WRITE_PATCH,    /* update T t set c1 = $3, c2 = $4 where ... (ids are $1, $2) */
    WRITE_BULK,     /* the same on many records: $1 their ids, $2 their versions (POST /C/bulk) */
    WRITE_IMPORT    /* a create from a CSV row: read-only columns are skipped,
                       a field with a lookup may be named (a partner by its company) */
};

/* Checks body against the field table and builds its write into sql (whose
 * parameters may already hold the PATCH ids).  Shape and type errors go to
 * bad, value errors to invalid; nothing is built when there are any. */
static void entity_build_write(struct request_ctx *ctx, const json_t *body, enum entity_write_mode mode,
                               struct entity_sql *sql, json_t *bad, json_t *invalid)
{
    const struct entity *e = ctx->entity;
    const char *key;
    json_t *value;
    char columns[ENTITY_SQL_BYTES] = "", values[ENTITY_SQL_BYTES] = "";
    size_t columns_len = 0, values_len = 0;

    json_object_foreach((json_t *)body, key, value) {
        const struct entity_field *field = entity_field_find(e, key);
        char column[ENTITY_COLUMN_BYTES];
        char *text, *message;
        enum entity_value_error verdict;
        struct entity_field as_text;
        bool by_name;
        int n, w;

        if (!field) {
            entity_field_error(bad, key, strdup("is not a field of this record"));
            continue;
        }
        if (!(field->flags & FIELD_WRITE)) {
            if (mode != WRITE_IMPORT)   /* an export imports back: its derived columns are skipped */
                entity_field_error(bad, key, strdup("is read-only"));
            continue;
        }
        /* An import may name what the field's lookup finds (a partner by
         * its company: public.partner_ref() resolves it in the database,
         * under row-level security): the name is checked as text. */
        by_name = mode == WRITE_IMPORT && field->lookup;
        as_text = *field;
        as_text.type = FIELD_TEXT;
        verdict = entity_value(ctx->db, by_name ? &as_text : field, value, &text, &message);
        if (verdict != VALUE_OK) {
            entity_field_error(verdict == VALUE_WRONG_TYPE ? bad : invalid, key, message);
            continue;
        }
        n = sql_param(sql, text);
        entity_column(field, column);
        /* Text is stored in Unicode's composed form (NFC), the form
         * keyboards type and search looks for: "café" written with a
         * combining accent (as macOS names files) is the same text. */
        if (mode == WRITE_PATCH || mode == WRITE_BULK) {
            w = snprintf(columns + columns_len, sizeof(columns) - columns_len,
                         field->type == FIELD_TEXT ? "%s%s = normalize($%d, NFC)" : "%s%s = $%d",
                         columns_len ? ", " : "", column, n);
        } else {
            w = snprintf(columns + columns_len, sizeof(columns) - columns_len, "%s%s", columns_len ? ", " : "",
                         column);
            if (by_name)
                n = snprintf(values + values_len, sizeof(values) - values_len, "%s%s(normalize($%d, NFC))",
                             values_len ? ", " : "", field->lookup, n);
            else
                n = snprintf(values + values_len, sizeof(values) - values_len,
                             field->type == FIELD_TEXT ? "%snormalize($%d, NFC)" : "%s$%d", values_len ? ", " : "", n);
            if (n > 0 && (size_t)n < sizeof(values) - values_len)
                values_len += (size_t)n;
            else
                sql->overflow = true;
        }
        if (w > 0 && (size_t)w < sizeof(columns) - columns_len)
            columns_len += (size_t)w;
        else
            sql->overflow = true;
    }
    if (json_object_size(bad) || json_object_size(invalid))
        return;
    if (mode == WRITE_BULK) {
        /* Each record as a PATCH would leave it, in the order of the ids;
         * a stale version or a record not there leaves it out (the handler
         * counts). */
        sql_append(sql, "with u as (update public.%s t set %s"
                   " where t.id = any($1::text[]) and t.deleted_at is null"
                   " and ($2::jsonb is null or not $2::jsonb ? t.id or t.version = ($2::jsonb ->> t.id)::integer)"
                   " returning t.id, %s as j)"
                   " select count(*), '{\"items\":[' || coalesce(string_agg(u.j, ',' order by array_position($1::text[], u.id)), '')"
                   " || ']}' from u", e->table, columns, e->json_sql);
    } else if (mode == WRITE_PATCH) {
        if (columns_len)   /* else nothing to change: the handler answers with the record */
            sql_append(sql, "update public.%s t set %s"
                       " where t.id = $1 and t.deleted_at is null and ($2::integer is null or t.version = $2)"
                       " returning t.version, %s", e->table, columns, e->json_sql);
    } else if (columns_len == 0) {
        sql_append(sql, "insert into public.%s as t default values returning t.id, t.version, %s",
                   e->table, e->json_sql);
    } else {
        sql_append(sql, "insert into public.%s as t (%s) values (%s) returning t.id, t.version, %s",
                   e->table, columns, values, e->json_sql);
    }
}

/* Every other field the database would refuse in the body (api_row_problems:
 * PostgreSQL names only the first), added to fields without replacing what
 * is there.  body: the fields to try (those accepted so far); a patch tries
 * them over the stored record.  Runs as its own statement: after a failed
 * write, the request's transaction has ended (or is rolled back here). */
static void entity_more_problems(struct request_ctx *ctx, const json_t *body, json_t *fields)
{
    char *candidate = json_dumps(body, JSON_COMPACT);
    const char *values[4] = {ctx->user.id, ctx->entity->collection,
                             ctx->req->method == HTTP_PATCH ? ctx->ids[0] : NULL, candidate};
    struct pg_result *res;
    json_t *more, *value;
    const char *key;

    if (!candidate)
        return;
    res = db_query(ctx->db, "select public.api_row_problems($1, $2, $3, $4::jsonb)::text", 4, values);
    free(candidate);
    more = res && db_ok(res) && db_rows(res) == 1 ? json_loads(db_value(res, 0, 0), 0, NULL) : NULL;
    db_clear(res);
    json_object_foreach(more, key, value)
        if (!json_object_get(fields, key))
            json_object_set(fields, key, value);
    json_decref(more);
}

/* A create or patch the database refused: a check or a required field
 * names every field it would refuse, not only the first; anything else
 * as api_db_error answers it. */
static void entity_write_refused(struct request_ctx *ctx, struct pg_result *res)
{
    const char *state = db_sqlstate(res), *message;
    json_t *fields = NULL;
    int status;

    if (strcmp(state, "23514") != 0 && strcmp(state, "23502") != 0) {
        api_db_error(ctx, res, ctx->entity->table);
        return;
    }
    status = db_error_http(ctx->db, res, ctx->entity->table, &message, &fields);
    if (!fields)
        fields = json_object();
    if (db_in_transaction(ctx->db))
        db_command(ctx->db, "rollback");
    entity_more_problems(ctx, ctx->body, fields);
    http_error_fields(ctx->resp, status, json_object_size(fields) > 1 ? "some fields are not valid" : message, fields);
}

/* POST /C and PATCH /C/{id}: the body checked and its SQL built. */
int entity_check_write(struct request_ctx *ctx)
{
    struct entity_input *in = calloc(1, sizeof(*in));
    json_t *bad = json_object(), *invalid = json_object();
    bool patch = ctx->req->method == HTTP_PATCH;

    if (!in || !bad || !invalid) {
        free(in);
        json_decref(bad);
        json_decref(invalid);
        http_error(ctx->resp, 500, "out of memory");
        return -1;
    }
    ctx->input = in;
    if (patch) {
        sql_param(&in->sql, strdup(ctx->ids[0]));
        sql_param(&in->sql, ctx->if_match >= 0 ? entity_strdup_printf("%lld", ctx->if_match) : NULL);
    }
    entity_build_write(ctx, ctx->body, patch ? WRITE_PATCH : WRITE_CREATE, &in->sql, bad, invalid);
    /* The collection's own check, once the body's shape is right. */
    if (ctx->entity->check_body && !json_object_size(bad) && ctx->entity->check_body(ctx, invalid)) {
        json_decref(bad);
        json_decref(invalid);
        return -1;
    }
    /* Values refused here: the database's checks of the others too, so that
     * one answer names every wrong field. */
    if (!json_object_size(bad) && json_object_size(invalid)) {
        json_t *accepted = json_deep_copy(ctx->body);
        const char *key;
        json_t *value;
        void *tmp;

        json_object_foreach_safe(accepted, tmp, key, value)
            if (json_object_get(invalid, key))
                json_object_del(accepted, key);
        if (accepted)
            entity_more_problems(ctx, accepted, invalid);
        json_decref(accepted);
    }
    if (entity_answer_errors(ctx, bad, invalid))
        return -1;
    if (in->sql.overflow) {
        http_error(ctx->resp, 400, "the request has too many fields");
        return -1;
    }
    return 0;
}

/* 200/201 with the record in column `json` of row 0 and its ETag. */
static void entity_answer_record(struct request_ctx *ctx, int status, const struct pg_result *res,
                                 int version_column, int json_column)
{
    http_response_header(ctx->resp, "ETag", "\"%s\"", db_value(res, 0, version_column));
    http_response_json(ctx->resp, status, db_value(res, 0, json_column), db_length(res, 0, json_column));
}

/* POST /C: 201 with Location and ETag; 400 shape, 403 giving a record to
 * another owner, 409 unique, 422 validation. */
int entity_create(struct request_ctx *ctx)
{
    struct entity_input *in = ctx->input;
    struct pg_result *res;

    /* The INSERT is the request's only statement: COMMIT goes with it, so
     * that the rows its triggers lock (the partner's figures, the owner's
     * totals) are held for one round trip, not two.  A failed INSERT makes
     * that COMMIT a rollback. */
    db_commit_with_next(ctx->db);
    res = db_query_cached(ctx->db, in->sql.text, in->sql.nvalues, (const char *const *)in->sql.values);
    if (res && !db_ok(res)) {
        entity_write_refused(ctx, res);
        db_clear(res);
        return -1;
    }
    if (!(res = api_checked(ctx, res, ctx->entity->table)))
        return -1;
    http_response_header(ctx->resp, "Location", "/api/v1/%s/%s", ctx->entity->collection, db_value(res, 0, 0));
    entity_answer_record(ctx, 201, res, 1, 2);
    db_clear(res);
    return 0;
}

/* Runs a one-row statement on the path id; answers 503 or the mapped error
 * and returns NULL when it failed, else the result (caller clears). */
static struct pg_result *entity_run(struct request_ctx *ctx, int statement, bool with_version)
{
    char version[24];
    const char *values[2] = {ctx->ids[0], NULL};
    struct pg_result *res;

    if (with_version && ctx->if_match >= 0) {
        snprintf(version, sizeof(version), "%lld", ctx->if_match);
        values[1] = version;
    }
    res = db_run(ctx->db, statement, with_version ? 2 : 1, values);
    if (!(res = api_checked(ctx, res, ctx->entity->table)))
        return NULL;
    return res;
}

/* After a conditional write touched no row: 412 with the current record when
 * it exists and If-Match was given, else 404. */
static int entity_answer_missed(struct request_ctx *ctx)
{
    struct pg_result *res = entity_run(ctx, ctx->entity->stmt_current, false);

    if (!res)
        return -1;
    if (db_rows(res) == 1 && ctx->if_match >= 0) {
        /* The error carries the current record, so that a client can show
         * the other user's change instead of overwriting it. */
        json_t *fields = NULL;
        json_t *body = json_pack("{s:{s:s, s:s, s:o*}}", "error", "code", "precondition_failed", "message",
                                 "the record was changed by someone else; current is its latest version",
                                 "current", json_loads(db_value(res, 0, 1), 0, NULL));

        http_response_header(ctx->resp, "ETag", "\"%s\"", db_value(res, 0, 0));
        if (!body || http_response_json_value(ctx->resp, 412, body))
            http_error_fields(ctx->resp, 412, "the record was changed by someone else", fields);
        json_decref(body);
    } else {
        http_error(ctx->resp, 404, "no such record");
    }
    db_clear(res);
    return -1;
}

/* GET /C/{id}: 200 with ETag (also for a record in the trash), 404. */
static char *entity_fields_json_sql(const struct entity *e, const char *wanted, json_t *bad);

/* GET /C/{id}?fields=a,b: the record with only those fields (and its id);
 * no other parameter. */
int entity_check_get(struct request_ctx *ctx)
{
    const struct entity *e = ctx->entity;
    json_t *bad = json_object();
    const char *wanted = http_param(ctx->req, "fields");
    struct entity_input *in;
    char *json_sql = NULL;

    for (size_t i = 0; i < ctx->req->nparams; i++)
        if (strcmp(ctx->req->params[i].name, "fields"))
            json_object_set_new(bad, ctx->req->params[i].name, json_string("is not a parameter of this route"));
    if (wanted && !json_object_size(bad))
        json_sql = entity_fields_json_sql(e, wanted, bad);
    if (entity_answer_errors(ctx, bad, NULL))
        return -1;
    if (!json_sql)
        return 0;   /* the whole record: its prepared statement */
    if (!(in = calloc(1, sizeof(*in)))) {
        free(json_sql);
        http_error(ctx->resp, 500, "out of memory");
        return -1;
    }
    ctx->input = in;
    sql_append(&in->sql, "select t.version, %s from public.%s t where t.id = $1", json_sql, e->table);
    sql_param(&in->sql, strdup(ctx->ids[0]));
    free(json_sql);
    return 0;
}

int entity_get(struct request_ctx *ctx)
{
    struct entity_input *in = ctx->input;
    struct pg_result *res;

    db_commit_with_next(ctx->db);
    if (in)
        res = api_checked(ctx, db_query_cached(ctx->db, in->sql.text, in->sql.nvalues,
                                                (const char *const *)in->sql.values), ctx->entity->table);
    else
        res = entity_run(ctx, ctx->entity->stmt_get, false);

    if (!res)
        return -1;
    if (db_rows(res) == 0)
        http_error(ctx->resp, 404, "no such record");
    else
        entity_answer_record(ctx, 200, res, 0, 1);
    db_clear(res);
    return 0;
}

/* PATCH /C/{id}: 200 with ETag; 404; 412 with the current record on a stale
 * If-Match; and the errors of entity_create. */
int entity_patch(struct request_ctx *ctx)
{
    struct entity_input *in = ctx->input;
    struct pg_result *res;

    if (in->sql.len == 0) {   /* an empty patch: the record as it is, if the condition holds */
        res = entity_run(ctx, ctx->entity->stmt_current, false);
        if (!res)
            return -1;
        if (db_rows(res) == 1 && (ctx->if_match < 0 || atoll(db_value(res, 0, 0)) == ctx->if_match)) {
            entity_answer_record(ctx, 200, res, 0, 1);
            db_clear(res);
            return 0;
        }
        db_clear(res);
        return entity_answer_missed(ctx);
    }
    res = db_query_cached(ctx->db, in->sql.text, in->sql.nvalues, (const char *const *)in->sql.values);
    if (res && !db_ok(res)) {
        entity_write_refused(ctx, res);
        db_clear(res);
        return -1;
    }
    if (!(res = api_checked(ctx, res, ctx->entity->table)))
        return -1;
    if (db_rows(res) == 0) {
        db_clear(res);
        return entity_answer_missed(ctx);
    }
    entity_answer_record(ctx, 200, res, 0, 1);
    db_clear(res);
    return 0;
}

/* DELETE /C/{id}: 204 (soft delete); 404, also when already deleted; 412. */
int entity_delete(struct request_ctx *ctx)
{
    struct pg_result *res = entity_run(ctx, ctx->entity->stmt_delete, true);

    if (!res)
        return -1;
    if (db_rows(res) == 0) {
        db_clear(res);
        return entity_answer_missed(ctx);
    }
    db_clear(res);
    ctx->resp->status = 204;
    return 0;
}

/* POST /C/{id}/restore: 200 with the record; 404 when not in the trash;
 * 409 when what it belongs to is deleted (raised by the database). */
int entity_restore(struct request_ctx *ctx)
{
    struct pg_result *res = entity_run(ctx, ctx->entity->stmt_restore, true);

    if (!res)
        return -1;
    if (db_rows(res) == 0) {
        http_error(ctx->resp, 404, "no such record in the trash");
        db_clear(res);
        return -1;
    }
    entity_answer_record(ctx, 200, res, 0, 1);
    db_clear(res);
    return 0;
}

/* GET /C/{id}/history: 200 with the oplog of the record, oldest first; 404. */
int entity_history(struct request_ctx *ctx)
{
    struct pg_result *res;

    db_commit_with_next(ctx->db);
    res = entity_run(ctx, ctx->entity->stmt_history, false);

    if (!res)
        return -1;
    if (db_rows(res) == 0 || !db_value(res, 0, 0)) {
        /* Null: the record does not exist for this user. */
        http_error(ctx->resp, 404, "no such record");
        db_clear(res);
        return 0;
    }
    http_response_json(ctx->resp, 200, db_value(res, 0, 0), db_length(res, 0, 0));
    db_clear(res);
    return 0;
}

/* ---- list --------------------------------------------------------------- */

static bool entity_reserved_param(const char *name)
{
    static const char *const reserved[] = {"limit", "offset", "sort", "q", "deleted", "fields"};

    for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
        if (strcmp(name, reserved[i]) == 0)
            return true;
    return false;
}

/* Adds "alias.col_rank is one of the positions of" the enumeration labels in
 * JSON parameter n.  One value: an equality, so that an index on (owner,
 * rank, sort key) returns a page in order and stops after it (sql/014). */
static void entity_rank_condition(struct entity_sql *sql, const char *alias, const struct entity_field *field, int n,
                                  bool one)
{
    char column[ENTITY_COLUMN_BYTES];

    entity_column(field, column);
    sql_append(sql, one ? " and %s.%s_rank = (select public.enum_position(v::%s) from json_array_elements_text($%d::json) v)"
                        : " and %s.%s_rank = any(array(select public.enum_position(v::%s)"
                          " from json_array_elements_text($%d::json) v))",
               alias, column, field->enum_type, n);
}

/* A date field's range "FROM..TO" (either end may be left out): the
 * condition FROM <= t.col <= TO.  Returns whether list was a range. */
static bool entity_date_range(struct entity_sql *where, const struct entity_field *field, const char *list,
                              json_t *invalid)
{
    const char *dots = strstr(list, "..");
    char column[ENTITY_COLUMN_BYTES], from[16] = "", to[16] = "";
    size_t from_len;

    if (field->type != FIELD_DATE || !dots)
        return false;
    from_len = (size_t)(dots - list);
    if (from_len >= sizeof(from) || strlen(dots + 2) >= sizeof(to)) {
        entity_field_error(invalid, field->name, strdup("must be a date range FROM..TO (YYYY-MM-DD, either may be left out)"));
        return true;
    }
    memcpy(from, list, from_len);
    strcpy(to, dots + 2);
    if ((!*from && !*to) || (*from && !input_date_valid(from)) || (*to && !input_date_valid(to))) {
        entity_field_error(invalid, field->name, strdup("must be a date range FROM..TO (YYYY-MM-DD, either may be left out)"));
        return true;
    }
    entity_column(field, column);
    if (*from)
        sql_append(where, " and t.%s >= $%d::date", column, sql_param(where, strdup(from)));
    if (*to)
        sql_append(where, " and t.%s <= $%d::date", column, sql_param(where, strdup(to)));
    return true;
}

/* Adds the condition "t.col is one of" a comma list of values of field,
 * all in one JSON parameter; a ranked field compares its rank (equality for
 * one value).  totals (non-NULL for the board field of an entity with kept
 * totals): the same condition on the totals (alias k), kept per its rank. */
static void entity_filter(struct request_ctx *ctx, struct entity_sql *where, const struct entity_field *field,
                          const char *list, json_t *bad, json_t *invalid, struct entity_sql *totals)
{
    char column[ENTITY_COLUMN_BYTES];
    char *copy = NULL, *save = NULL, *item;
    json_t *values = NULL;
    char *text;
    int n;

    if (entity_date_range(where, field, list, invalid))
        return;
    copy = strdup(list);
    values = json_array();
    if (!copy || !values)
        goto out;
    for (item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        json_t *as_json = NULL;
        char *value, *message;
        enum entity_value_error verdict;

        if (field->type == FIELD_BOOL && (strcmp(item, "true") == 0 || strcmp(item, "false") == 0))
            as_json = json_boolean(strcmp(item, "true") == 0);
        else if (field->type == FIELD_INT && input_whole_number(item, 0, 2147483647LL) >= 0)
            as_json = json_integer(input_whole_number(item, 0, 2147483647LL));
        else
            as_json = json_string(item);
        verdict = entity_value(ctx->db, field, as_json, &value, &message);
        json_decref(as_json);
        if (verdict != VALUE_OK) {
            entity_field_error(invalid, field->name, message);
            goto out;
        }
        json_array_append_new(values, value ? json_string(value) : json_null());
        free(value);
    }
    if (json_array_size(values) == 0) {
        entity_field_error(bad, field->name, strdup("needs a value"));
        goto out;
    }
    text = json_dumps(values, JSON_COMPACT);
    n = sql_param(where, text);
    entity_column(field, column);
    if (field->flags & FIELD_RANKED) {
        bool one = json_array_size(values) == 1;

        entity_rank_condition(where, "t", field, n, one);
        if (totals)
            entity_rank_condition(totals, "k", field, n, one);
    } else
        sql_append(where, " and t.%s in (select v::%s from json_array_elements_text($%d::json) v)", column,
               field->type == FIELD_ENUM ? field->enum_type
               : field->type == FIELD_INT ? "integer"
               : field->type == FIELD_BOOL ? "boolean"
               : field->type == FIELD_DATE ? "date"
               : "text", n);
out:
    free(copy);
    json_decref(values);
}

/* Turns "sort=-revenueAttributed,company" into an ORDER BY list. */
static void entity_sort(const struct entity *e, const char *spec, struct entity_sql *order, json_t *bad)
{
    char *copy = strdup(spec), *save = NULL, *key;
    int nkeys = 0;

    if (!copy)
        return;
    for (key = strtok_r(copy, ",", &save); key; key = strtok_r(NULL, ",", &save)) {
        bool descending = key[0] == '-';
        const struct entity_field *field = entity_field_find(e, key + descending);
        char column[ENTITY_COLUMN_BYTES];

        if (!field || !(field->flags & FIELD_SORT)) {
            json_object_set_new(bad, "sort", json_string("names a field that cannot be sorted on"));
            break;
        }
        if (++nkeys > ENTITY_MAX_SORT_KEYS) {
            json_object_set_new(bad, "sort", json_string("takes at most 4 fields"));
            break;
        }
        entity_column(field, column);
        sql_append(order, "%st.%s %s", order->len ? ", " : "", column, descending ? "desc nulls last" : "asc");
    }
    free(copy);
}

/* ?fields=a,b,c: the SQL of a record's JSON with only those fields (and
 * its id, always), in the record's order, from their declared values; NULL
 * with the problem in bad for a name that is no field (or none at all). */
static char *entity_fields_json_sql(const struct entity *e, const char *wanted, json_t *bad)
{
    struct entity_sql sql = {0};
    char *copy = strdup(wanted), *save = NULL, *name, *out = NULL;
    bool *chosen = calloc(e->nfields ? e->nfields : 1, sizeof(*chosen));
    size_t n = 0;

    if (!copy || !chosen) {
        free(copy);
        free(chosen);
        return NULL;
    }
    for (name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
        const struct entity_field *field = entity_field_find(e, name);

        if (!field) {
            entity_field_error(bad, "fields", entity_strdup_printf("names a field these records do not have: %s", name));
            free(copy);
            free(chosen);
            return NULL;
        }
        chosen[field - e->fields] = true;
        n++;
    }
    free(copy);
    if (!n) {
        json_object_set_new(bad, "fields", json_string("names no field"));
        free(chosen);
        return NULL;
    }
    /* A record's id always, first (a list-only view has none). */
    sql_append(&sql, "json_build_object(");
    for (size_t i = 0, k = 0; i < e->nfields; i++)
        if (chosen[i] || strcmp(e->fields[i].name, "id") == 0)
            sql_append(&sql, "%s'%s', %s", k++ ? ", " : "", e->fields[i].name, e->fields[i].value);
    sql_append(&sql, ")::text");
    if (!sql.overflow)
        out = strdup(sql.text);
    free(chosen);
    return out;
}

/* What a list query returns: a list's page (fcgi/README.md "Collections"),
 * a board's columns, or the rows of a CSV export. */
enum entity_shape { SHAPE_LIST, SHAPE_BOARD, SHAPE_CSV };

/* The SELECT around the conditions for a shape (where and order are in
 * terms of the row alias t; $1 is the limit, $2 the offset).  totals: a
 * list's total and a board's counts and sums come from the entity's kept
 * totals, those this condition (on the alias k) selects; NULL: counted from
 * the rows where selects.  with_page: a counted total is taken in the
 * page's own pass over the rows (a search reads every candidate row anyway:
 * once instead of twice), counted apart only when the page is empty. */
static void entity_shape_sql(const struct entity *e, enum entity_shape shape, struct entity_sql *sql,
                             const char *where, const char *order, int fields_param, const char *totals,
                             bool with_page, const char *json_sql)
{
    const struct entity_field *status = e->board_field;

    if (shape == SHAPE_CSV) {
        /* A CSV line per row, in the list's order, each cell made by
         * csv_cell(); read through a cursor (entity_csv).  The record as
         * jsonb: json's -> parses the whole record again for each field
         * (1.9 ms a partner row of 31 fields; jsonb 0.3 ms). */
        sql_append(sql,
                   "select (select string_agg(public.csv_cell((s.j -> f.name)::json), ',' order by f.n)"
                   "  from json_array_elements_text($%d::json) with ordinality f(name, n))"
                   " from (select (%s)::jsonb as j from public.%s t where %s order by %s%st.id limit $1 offset $2) s",
                   fields_param, e->json_sql, e->table, where, order, *order ? ", " : "");
        return;
    }

    if (shape == SHAPE_BOARD) {
        /* Every column of the pipeline, in the enum's order, even when empty:
         * per column its count and revenue, and its page, each from an index
         * search on the status's position.  The page's rows are read whole
         * straight from that search (in the index's order when the sort is
         * the default): looking their ids up again, as a list does, cost a
         * second index search per card, 300 of them per board. */
        char rank[ENTITY_COLUMN_BYTES];

        entity_column(status, rank);
        sql_append(sql,
                   "select '{\"columns\":[' || string_agg('{\"status\":' || to_json(s.status)::text"
                   " || ',\"count\":' || c.n || ',\"revenue\":' || c.revenue || ',\"items\":[' || i.items || ']}',"
                   " ',' order by s.ord) || ']}'"
                   " from unnest(enum_range(null::public.%s)) with ordinality s(status, ord)",
                   status->enum_type);
        if (totals)   /* the same figures, 0 (not 0.00) for an empty column as the count gives */
            sql_append(sql,
                       " cross join lateral (select coalesce(sum(k.%s), 0) as n,"
                       " case when sum(k.%s) > 0 then sum(k.%s) else 0 end as revenue"
                       "  from public.%s k where %s and k.%s_rank = s.ord) c",
                       e->kept_count, e->kept_count, e->kept_sum, e->kept_totals, totals, rank);
        else
            sql_append(sql,
                       " cross join lateral (select count(*) as n, coalesce(sum(t.%s), 0) as revenue"
                       "  from public.%s t where %s and t.%s_rank = s.ord) c",
                       e->board_revenue, e->table, where, rank);
        sql_append(sql,
                   " cross join lateral (select coalesce(string_agg(%s, ',' order by %s%st.id), '') as items"
                   "  from (select t.* from public.%s t where %s and t.%s_rank = s.ord"
                   "   order by %s%st.id limit $1 offset $2) t) i",
                   json_sql, order, *order ? ", " : "", e->table, where, rank, order,
                   *order ? ", " : "");
        return;
    }
    /* The page's ids first, from the narrow rows (a covering index can
     * answer that alone), then only those rows read whole; the outer t is
     * the same row, so the same order applies to it. */
    sql_append(sql,
               "select '{\"items\":[' || coalesce(string_agg(%s, ',' order by %s%st.id), '')"
               " || '],\"total\":' || ", json_sql, order, *order ? ", " : "");
    if (totals)
        sql_append(sql, "(select coalesce(sum(k.%s), 0) from public.%s k where %s)", e->kept_count, e->kept_totals, totals);
    else if (with_page)   /* the count is an init plan: run only when max() is null */
        sql_append(sql, "coalesce(max(s.total), (select count(*) from public.%s t where %s))", e->table, where);
    else
        sql_append(sql, "(select count(*) from public.%s t where %s)", e->table, where);
    sql_append(sql,
               " || ',\"limit\":' || $1::integer || ',\"offset\":' || $2::integer || '}'"
               " from (select t.id%s from public.%s t where %s order by %s%st.id limit $1 offset $2) s"
               " join public.%s t on t.id = s.id",
               with_page ? ", count(*) over () as total" : "", e->table, where, order, *order ? ", " : "", e->table);
}

/* The by-ids form of a search's statement (entity_input.by_ids): where with
 * its search condition (search_len bytes at search_at, the null ids) made
 * "the row is one of the ids", scoped by the owner as scoped is.  Returns
 * 0, or -1 when out of memory. */
static int entity_search_by_ids(struct request_ctx *ctx, enum entity_shape shape, const struct entity_sql *where, size_t search_at,
                                size_t search_len, const struct entity_sql *scoped, const struct entity_sql *order,
                                int fields_param, const char *json_sql)
{
    struct entity_input *in = ctx->input;
    struct entity_sql *alt = calloc(1, sizeof(*alt)), *by_ids = calloc(1, sizeof(*by_ids));
    size_t owner_len = scoped->len - where->len;   /* scoped is the owner's condition, then where */
    int rc = -1;

    if (alt && by_ids) {
        sql_append(alt, "%.*s", (int)(owner_len + search_at), scoped->text);
        sql_append(alt, " and t.id = any($%d::text[])", in->ids_param);
        sql_append(alt, "%s", where->text + search_at + search_len);
        entity_shape_sql(ctx->entity, shape, by_ids, alt->text, order->text, fields_param, NULL, true,
                         json_sql ? json_sql : ctx->entity->json_sql);
        if (alt->overflow || by_ids->overflow || (in->by_ids = strdup(by_ids->text)))
            rc = 0;
    }
    free(alt);
    free(by_ids);
    return rc;
}

/* GET /C's parameters (and a board's), checked and turned into SQL before
 * the database is touched: 400 for an unknown parameter or sort key, a bad
 * limit/offset; 422 for a filter value outside its enumeration or form. */
static int entity_check_query(struct request_ctx *ctx, enum entity_shape shape)
{
    int fields_param = 0;
    const struct entity *e = ctx->entity;
    const struct http_request *req = ctx->req;
    struct entity_input *in = calloc(1, sizeof(*in));
    struct entity_sql where = {0}, order = {0}, scoped = {0}, totals = {0}, kept_sql = {0};
    size_t search_at = 0, search_len = 0;   /* the search's condition in where, for the by-ids form */
    json_t *bad = json_object(), *invalid = json_object();
    long long max_limit = shape == SHAPE_CSV ? 2147483647LL : ENTITY_LIST_MAX_LIMIT;
    long long limit = shape == SHAPE_CSV ? -1 : ENTITY_LIST_DEFAULT_LIMIT, offset = 0;   /* -1: every row */
    const char *value;
    bool deleted = false, narrowed = false, searched = false, kept, admin;
    char *json_sql = NULL;
    int rc = -1;

    if (!in || !bad || !invalid) {
        http_error(ctx->resp, 500, "out of memory");
        goto out;
    }
    ctx->input = in;
    /* $1 limit, $2 offset, $3 the owner (set by the handler): the rest
     * follow in the order they are met. */
    sql_param(&where, NULL);
    sql_param(&where, NULL);
    sql_param(&where, NULL);

    if ((value = http_param(req, "limit")) &&
        (limit = input_whole_number(value, 1, max_limit)) < 0)
        entity_field_error(bad, "limit", entity_strdup_printf("must be a whole number from 1 to %lld", max_limit));
    if ((value = http_param(req, "offset")) && (offset = input_whole_number(value, 0, 2147483647LL)) < 0)
        json_object_set_new(bad, "offset", json_string("must be a whole number, 0 or more"));
    if ((value = http_param(req, "deleted"))) {
        if (strcmp(value, "true") == 0 || strcmp(value, "false") == 0)
            deleted = strcmp(value, "true") == 0;
        else
            json_object_set_new(bad, "deleted", json_string("must be true or false"));
    }
    sql_append(&where, "t.deleted_at is %s", deleted ? "not null" : "null");
    if ((value = http_param(req, "q")) && *value) {
        if (!e->searchable) {
            json_object_set_new(bad, "q", json_string("this list cannot be searched"));
        } else {
            /* LIKE pattern with its own metacharacters escaped. */
            size_t len = strlen(value);
            char *pattern = malloc(len * 2 + 1), *p = pattern;

            if (pattern) {
                for (const char *s = value; *s; s++) {
                    if (*s == '%' || *s == '_' || *s == '\\')
                        *p++ = '\\';
                    *p++ = *s;
                }
                *p = '\0';
                int n = sql_param(&where, pattern);

                /* The pattern in a sub-select: made once per statement, not
                 * once per row as an expression over a parameter is.  A
                 * table's list or board may read its rows by the ids of
                 * its matches instead (entity_query): this form, filtering
                 * the reader's rows, has their parameter null. */
                if (e->owner_scoped && !e->view && shape != SHAPE_CSV) {
                    in->pattern_param = n;
                    in->ids_param = sql_param(&where, NULL);
                    in->deleted = deleted;
                    search_at = where.len;
                    sql_append(&where, " and $%d::text[] is null", in->ids_param);
                    search_len = where.len - search_at;
                }
                sql_append(&where, " and t.search_text like (select '%%' || lower(normalize($%d, NFC)) || '%%')", n);
                narrowed = searched = true;
            }
        }
    }
    for (size_t i = 0; i < req->nparams; i++) {
        const char *name = req->params[i].name;
        const struct entity_field *field;
        const struct entity_param *param = NULL;

        if (entity_reserved_param(name) || (shape == SHAPE_CSV && strcmp(name, "columns") == 0))
            continue;
        field = entity_field_find(e, name);
        if (field && (field->flags & FIELD_FILTER)) {
            /* The kept totals are per the board field's rank: only that
             * filter can say which of them a list's total is. */
            bool by_status = e->kept_totals && field == e->board_field;

            entity_filter(ctx, &where, field, req->params[i].value, bad, invalid, by_status ? &totals : NULL);
            narrowed = narrowed || !by_status;
            continue;
        }
        for (size_t j = 0; j < e->nparams; j++)
            if (strcmp(e->params[j].name, name) == 0)
                param = &e->params[j];
        if (!param) {
            json_object_set_new(bad, name, json_string("is not a parameter of this list"));
            continue;
        }
        narrowed = true;
        value = req->params[i].value;
        if (param->value) {
            if (strcmp(value, param->value) != 0) {
                char *message = entity_strdup_printf("must be %s", param->value);

                entity_field_error(bad, name, message);
                continue;
            }
            sql_append(&where, " and ");
            sql_append(&where, param->sql, 0);
        } else if ((param->type == FIELD_DATE && !input_date_valid(value)) ||
                   (param->type == FIELD_BOOL && strcmp(value, "true") && strcmp(value, "false"))) {
            entity_field_error(param->type == FIELD_DATE ? invalid : bad, name,
                               strdup(param->type == FIELD_DATE ? "must be a date (YYYY-MM-DD)" : "must be true or false"));
        } else {
            int n = sql_param(&where, strdup(value));

            sql_append(&where, " and ");
            sql_append(&where, param->sql, n);
        }
    }
    entity_sort(e, (value = http_param(req, "sort")) ? value : e->default_sort, &order, bad);
    if ((value = http_param(req, "fields"))) {
        if (shape == SHAPE_CSV)
            json_object_set_new(bad, "fields", json_string("is not a parameter of an export (it takes columns)"));
        else
            json_sql = entity_fields_json_sql(e, value, bad);
    }
    if (entity_answer_errors(ctx, bad, invalid)) {
        bad = invalid = NULL;
        goto out;
    }
    bad = invalid = NULL;

    where.values[0] = limit >= 0 ? entity_strdup_printf("%lld", limit) : NULL;
    where.values[1] = entity_strdup_printf("%lld", offset);
    if (shape == SHAPE_CSV) {
        /* The columns: ?columns=a,b (what a table shows, in its order), or
         * every field in the field table's order; as one parameter, and as
         * the header line. */
        json_t *names = json_array();
        const char *wanted = http_param(req, "columns");
        size_t header_len = 0;

        if (wanted && *wanted) {
            char *copy = strdup(wanted), *save = NULL, *name;

            for (name = copy ? strtok_r(copy, ",", &save) : NULL; name; name = strtok_r(NULL, ",", &save))
                json_array_append_new(names, json_string(name));
            free(copy);
        } else {
            for (size_t i = 0; i < e->nfields; i++)
                json_array_append_new(names, json_string(e->fields[i].name));
        }
        for (size_t i = 0; i < json_array_size(names); i++) {
            const char *name = json_string_value(json_array_get(names, i));

            header_len += strlen(name) + 1;
            if (!entity_field_find(e, name)) {
                http_error_fields(ctx->resp, 400, "some fields are not accepted or have the wrong type",
                                  json_pack("{s:s}", "columns", "names a field this list does not have"));
                json_decref(names);
                goto out;
            }
        }
        if ((in->header = malloc(header_len + 2))) {
            in->header[0] = '\0';
            for (size_t i = 0; i < json_array_size(names); i++) {
                strcat(in->header, json_string_value(json_array_get(names, i)));
                strcat(in->header, i + 1 < json_array_size(names) ? "," : "\r\n");
            }
        }
        fields_param = sql_param(&where, json_dumps(names, JSON_COMPACT));
        json_decref(names);
    }
    /* The row policies decide what is visible.  The owner condition only
     * lets the planner use the owner's index: a member's query says
     * "t.owner_user_id = $3" (their id), an admin's has no condition on the
     * owner ($3 is null), so that a plan kept for either fits its rows. */
    /* A list or board of the live rows a reader sees, in some statuses or
     * all: its total, counts and sums are the kept totals of the owners
     * the reader sees (the row policies of the totals match the rows'), read
     * instead of counted. */
    kept = shape != SHAPE_CSV && e->kept_totals && !deleted && !narrowed;
    admin = ctx->user.admin;   /* the check runs once the acting user is known */
    sql_append(&scoped, "%s and %s",
               !e->owner_scoped ? "coalesce($3::text, '') is not null" : admin ? "$3::text is null" : "t.owner_user_id = $3",
               where.text);
    sql_append(&kept_sql, "%s%s", admin ? "$3::text is null" : "k.owner_user_id = $3", totals.text);
    entity_shape_sql(e, shape, &in->sql, scoped.text, order.text, fields_param, kept ? kept_sql.text : NULL, searched,
                     json_sql ? json_sql : e->json_sql);
    scoped.overflow = scoped.overflow || kept_sql.overflow || in->sql.overflow;
    if (in->ids_param && !scoped.overflow && entity_search_by_ids(ctx, shape, &where, search_at, search_len, &scoped, &order,
                                                                  fields_param, json_sql)) {
        http_error(ctx->resp, 500, "out of memory");
        goto out;
    }
    memcpy(in->sql.values, where.values, sizeof(where.values));
    in->sql.nvalues = where.nvalues;
    where.nvalues = 0;
    if (where.overflow || order.overflow || scoped.overflow) {
        http_error(ctx->resp, 400, "the query has too many conditions");
        goto out;
    }
    rc = 0;
out:
    free(json_sql);
    sql_free(&where);
    json_decref(bad);
    json_decref(invalid);
    return rc;
}

int entity_check_list(struct request_ctx *ctx)
{
    return entity_check_query(ctx, SHAPE_LIST);
}

/* ---- bulk -------------------------------------------------------------- */

enum { ENTITY_BULK_MAX = 500 };

/* What POST /C/bulk's check leaves: the statement and how to answer it. */
struct entity_bulk_input {
    struct entity_input base;   /* first: entity_free_input frees it */
    size_t nids;
    char *ids;                  /* the ids as a PostgreSQL array literal */
    char *versions;             /* {"id": version} as JSON, or NULL */
    bool set;                   /* set fields (else delete or restore) */
    bool restore;
};

/* POST /C/bulk {"ids":[…], "set":{…} | "action":"delete"|"restore", "versions":{…}}:
 * the body checked as a PATCH's would be, and one statement for all. */
int entity_check_bulk(struct request_ctx *ctx)
{
    struct entity_bulk_input *in = calloc(1, sizeof(*in));
    json_t *bad = json_object(), *invalid = json_object();
    const json_t *ids = json_object_get(ctx->body, "ids"), *set = json_object_get(ctx->body, "set");
    const json_t *action = json_object_get(ctx->body, "action"), *versions = json_object_get(ctx->body, "versions");
    const char *key;
    json_t *value;
    size_t i, len = 3;

    if (!in || !bad || !invalid) {
        free(in);
        json_decref(bad);
        json_decref(invalid);
        http_error(ctx->resp, 500, "out of memory");
        return -1;
    }
    ctx->input = in;
    json_object_foreach(ctx->body, key, value)
        if (strcmp(key, "ids") && strcmp(key, "set") && strcmp(key, "action") && strcmp(key, "versions"))
            entity_field_error(bad, key, strdup("is not a part of a bulk change (ids, set, action, versions)"));
    if (!json_is_array(ids) || json_array_size(ids) < 1 || json_array_size(ids) > ENTITY_BULK_MAX) {
        entity_field_error(bad, "ids", entity_strdup_printf("must be a list of 1 to %d ids", ENTITY_BULK_MAX));
    } else {
        json_array_foreach(ids, i, value) {
            const char *id = json_string_value(value);

            if (!id || !input_id_valid(id, strlen(id))) {
                entity_field_error(bad, "ids", strdup("must hold only ids of records"));
                break;
            }
            for (size_t j = 0; j < i; j++)
                if (strcmp(id, json_string_value(json_array_get(ids, j))) == 0) {
                    entity_field_error(bad, "ids", strdup("must not name a record twice"));
                    i = json_array_size(ids);
                    break;
                }
            len += strlen(id) + 1;
        }
    }
    if (!set == !action || (set && !json_is_object(set)) ||
        (action && (!json_is_string(action) || (strcmp(json_string_value(action), "delete") &&
                                                strcmp(json_string_value(action), "restore")))))
        entity_field_error(bad, set ? "set" : "action", strdup("give either set (an object of fields) or action (delete or restore)"));
    if (versions) {
        if (!json_is_object(versions))
            entity_field_error(bad, "versions", strdup("must be an object of id: version"));
        else
            json_object_foreach((json_t *)versions, key, value)
                if (!json_is_integer(value) || json_integer_value(value) < 1) {
                    entity_field_error(bad, "versions", strdup("must give each id a whole number version"));
                    break;
                }
    }
    if (!json_object_size(bad)) {
        in->nids = json_array_size(ids);
        if ((in->ids = malloc(len))) {
            size_t n = 0;

            in->ids[n++] = '{';
            json_array_foreach(ids, i, value)
                n += (size_t)sprintf(in->ids + n, "%s%s", i ? "," : "", json_string_value(value));
            strcpy(in->ids + n, "}");
        }
        in->versions = versions ? json_dumps(versions, JSON_COMPACT) : NULL;
        sql_param(&in->base.sql, in->ids ? strdup(in->ids) : NULL);
        sql_param(&in->base.sql, in->versions ? strdup(in->versions) : NULL);
        if (set) {
            in->set = true;
            if (!json_object_size(set))
                entity_field_error(bad, "set", strdup("must name at least one field"));
            else
                entity_build_write(ctx, set, WRITE_BULK, &in->base.sql, bad, invalid);
        } else {
            bool restore = in->restore = strcmp(json_string_value(action), "restore") == 0;

            sql_append(&in->base.sql, "with u as (update public.%s t set deleted_at = %s"
                       " where t.id = any($1::text[]) and t.deleted_at is %s"
                       " and ($2::jsonb is null or not $2::jsonb ? t.id or t.version = ($2::jsonb ->> t.id)::integer) returning t.id)"
                       " select count(*), '{\"count\":' || count(*) || '}' from u",
                       ctx->entity->table, restore ? "null" : "now()", restore ? "not null" : "null");
        }
    }
    if (entity_answer_errors(ctx, bad, invalid))
        return -1;
    if (in->base.sql.overflow) {
        http_error(ctx->resp, 400, "the request has too many fields");
        return -1;
    }
    return 0;
}

/* An error naming records: {"error":{"code","message","ids":[…]}} (fields too, if any). */
static void entity_answer_ids(struct request_ctx *ctx, int status, const char *message, json_t *ids, json_t *fields)
{
    json_t *error = json_pack("{s:s, s:s, s:o}", "code", http_error_code(status), "message", message, "ids", ids);
    json_t *body = error ? json_pack("{s:o}", "error", error) : NULL;

    if (error && fields)
        json_object_set_new(error, "fields", fields);
    else
        json_decref(fields);
    if (!body || http_response_json_value(ctx->resp, status, body))
        http_error(ctx->resp, 500, "out of memory");
    json_decref(body);
}

/* Before the change: records not there for this user, or in the trash (or
 * out of it, for a restore) are a 404, stale versions a 412, each naming
 * them.  Returns 0, or -1 after answering. */
static int entity_bulk_precheck(struct request_ctx *ctx, struct entity_bulk_input *in)
{
    char sql[256];
    const char *values[2] = {in->ids, in->versions};
    struct pg_result *res;
    json_t *stale = json_array(), *missing = json_array(), *versions = in->versions ? json_loads(in->versions, 0, NULL) : NULL;
    char *copy = in->ids ? strdup(in->ids + 1) : NULL, *save = NULL, *id;

    snprintf(sql, sizeof(sql), "select t.id, t.version, t.deleted_at is null from public.%s t where t.id = any($1::text[])",
             ctx->entity->table);
    res = db_query(ctx->db, sql, 1, values);
    if (copy)
        copy[strlen(copy) - 1] = '\0';
    for (id = copy ? strtok_r(copy, ",", &save) : NULL; id; id = strtok_r(NULL, ",", &save)) {
        int row = -1;

        for (int r = 0; res && db_ok(res) && r < db_rows(res); r++)
            if (strcmp(db_value(res, r, 0), id) == 0)
                row = r;
        if (row < 0 || (strcmp(db_value(res, row, 2), "t") == 0) == in->restore)
            json_array_append_new(missing, json_string(id));   /* not there, or in the trash (or out of it) */
        else if (versions && json_object_get(versions, id) &&
                 json_integer_value(json_object_get(versions, id)) != atoll(db_value(res, row, 1)))
            json_array_append_new(stale, json_string(id));
    }
    free(copy);
    json_decref(versions);
    if (!res || !db_ok(res)) {
        db_clear(res);
        json_decref(stale);
        json_decref(missing);
        http_error(ctx->resp, 503, "the database is unavailable; try again");
        return -1;
    }
    db_clear(res);
    if (json_array_size(missing)) {
        json_decref(stale);
        entity_answer_ids(ctx, 404, "some records are not there for this change; nothing was changed", missing, NULL);
        return -1;
    }
    json_decref(missing);
    if (json_array_size(stale)) {
        entity_answer_ids(ctx, 412, "some records were changed since they were read; nothing was changed", stale, NULL);
        return -1;
    }
    json_decref(stale);
    return 0;
}

/* A value the data rules refuse for one of the records: which record, and
 * every field (api_row_problems), after the failed statement is rolled back. */
static void entity_bulk_refused(struct request_ctx *ctx, struct entity_bulk_input *in, struct pg_result *failed)
{
    const json_t *set = json_object_get(ctx->body, "set");
    char *candidate = json_dumps(set, JSON_COMPACT), *copy = in->ids ? strdup(in->ids + 1) : NULL, *save = NULL, *id;

    if (db_in_transaction(ctx->db))
        db_command(ctx->db, "rollback");
    if (copy)
        copy[strlen(copy) - 1] = '\0';
    for (id = copy ? strtok_r(copy, ",", &save) : NULL; id && candidate; id = strtok_r(NULL, ",", &save)) {
        const char *values[4] = {ctx->user.id, ctx->entity->collection, id, candidate};
        struct pg_result *res = db_query(ctx->db, "select public.api_row_problems($1, $2, $3, $4::jsonb)::text", 4, values);
        json_t *fields = res && db_ok(res) ? json_loads(db_value(res, 0, 0), 0, NULL) : NULL;

        db_clear(res);
        if (json_object_size(fields)) {
            entity_answer_ids(ctx, 422, "a value is not valid for a record; nothing was changed",
                              json_pack("[s]", id), fields);
            free(copy);
            free(candidate);
            return;
        }
        json_decref(fields);
    }
    free(copy);
    free(candidate);
    api_db_error(ctx, failed, ctx->entity->table);
}

int entity_bulk(struct request_ctx *ctx)
{
    struct entity_bulk_input *in = ctx->input;
    struct pg_result *res;

    if (entity_bulk_precheck(ctx, in))
        return -1;
    res = db_query_cached(ctx->db, in->base.sql.text, in->base.sql.nvalues, (const char *const *)in->base.sql.values);

    if (res && !db_ok(res) && in->set &&
        (strcmp(db_sqlstate(res), "23514") == 0 || strcmp(db_sqlstate(res), "23502") == 0)) {
        entity_bulk_refused(ctx, in, res);
        db_clear(res);
        return -1;
    }
    if (!(res = api_checked(ctx, res, ctx->entity->table)))
        return -1;
    if ((size_t)atoll(db_value(res, 0, 0)) != in->nids) {   /* changed between the check and now */
        db_clear(res);
        http_error(ctx->resp, 409, "some of these records were changed at the same time; nothing was changed");
        return -1;   /* rolls back what was changed */
    }
    http_response_json(ctx->resp, 200, db_value(res, 0, 1), db_length(res, 0, 1));
    db_clear(res);
    return 0;
}

void entity_free_bulk_input(void *input)
{
    struct entity_bulk_input *in = input;

    if (!in)
        return;
    free(in->ids);
    free(in->versions);
    entity_free_input(input);
}

/* GET /boards/C: only for entities with a board (404 otherwise). */
int entity_check_board(struct request_ctx *ctx)
{
    if (!ctx->entity->board_revenue || !ctx->entity->board_field) {
        http_error(ctx->resp, 404, "no such route");
        return -1;
    }
    return entity_check_query(ctx, SHAPE_BOARD);
}

/* GET /boards/C: 200 {"columns":[{"status","count","revenue","items"}]}. */
int entity_board(struct request_ctx *ctx)
{
    return entity_list(ctx);
}

/* Runs a list query in the acting user's form: $3 is a member's id, null
 * for an admin (see entity_check_query). */
static struct pg_result *entity_query(struct request_ctx *ctx)
{
    struct entity_input *in = ctx->input;
    const char *values[ENTITY_MAX_PARAMS], *sql = in->sql.text;
    struct pg_result *matches = NULL, *res;
    int few = in->by_ids ? entity_few_known(ctx->user.id, ctx->entity) : 1;   /* 1: no asking */

    memcpy(values, in->sql.values, sizeof(values));
    values[2] = ctx->user.admin ? NULL : ctx->user.id;
    if (few != 1) {
        /* A search of a table: its matches' ids first, from the trigram
         * index, unless the rows are better filtered (null; sql/034). */
        char fewest[16], most[16];
        const char *few_rows;
        const char *ask[6] = {ctx->entity->table, in->sql.values[in->pattern_param - 1], in->deleted ? "t" : "f",
                              ctx->user.admin ? "t" : "f", fewest, most};

        snprintf(fewest, sizeof(fewest), "%d", few == 0 ? 0 : config.search_index_rows);
        snprintf(most, sizeof(most), "%d", ENTITY_SEARCH_MOST_IDS);
        matches = db_query_cached(ctx->db, "select ids, few_rows from public.search_matches($1,"
                                           " '%' || lower(normalize($2, NFC)) || '%', $3::boolean, $4::boolean,"
                                           " $5::integer, $6::integer)", 6, ask);
        if (!matches || !db_ok(matches))
            return matches;
        if ((values[in->ids_param - 1] = db_value(matches, 0, 0)))
            sql = in->by_ids;
        if ((few_rows = db_value(matches, 0, 1)))
            entity_few_note(ctx->user.id, ctx->entity, strcmp(few_rows, "t") == 0);
    }
    db_commit_with_next(ctx->db);   /* a read, and the request's only other statement */
    res = db_query_cached(ctx->db, sql, in->sql.nvalues, values);
    db_clear(matches);
    return res;
}

/* GET /C: 200 {"items","total","limit","offset"}. */
int entity_list(struct request_ctx *ctx)
{
    struct pg_result *res = entity_query(ctx);

    if (!(res = api_checked(ctx, res, ctx->entity->table)))
        return -1;
    http_response_json(ctx->resp, 200, db_value(res, 0, 0), db_length(res, 0, 0));
    db_clear(res);
    return 0;
}

/* ---- CSV ---------------------------------------------------------------- */

int entity_check_csv(struct request_ctx *ctx)
{
    return entity_check_query(ctx, SHAPE_CSV);
}

/* GET /C.csv: 200 text/csv (RFC 4180): a header of the API's field names,
 * then every row of the list with the same filters and sort (or limit of
 * them).  The rows come through a cursor, ENTITY_CSV_BATCH_ROWS per FETCH
 * (each under the statement timeout), and go out as they come: no cap, no
 * answer held whole in memory.  A failure after the first rows went out
 * breaks the connection (ctx->stream_failed): the client sees the download
 * fail, never a shorter file that looks whole. */
int entity_csv(struct request_ctx *ctx)
{
    const struct entity *e = ctx->entity;
    struct entity_input *in = ctx->input;
    const char *values[ENTITY_MAX_PARAMS];
    const char *query = in->sql.text;
    static const char declare[] = "declare partnerships_export no scroll cursor for ";
    char fetch[64], *sql;
    struct pg_result *res;
    long long rows = 0;
    int rc = 0, n;

    if (api_long_operation(ctx))
        return -1;
    memcpy(values, in->sql.values, sizeof(values));
    values[2] = ctx->user.admin ? NULL : ctx->user.id;
    if (!(sql = malloc(sizeof(declare) + strlen(query)))) {
        http_error(ctx->resp, 500, "out of memory");
        return -1;
    }
    memcpy(sql, declare, sizeof(declare) - 1);
    strcpy(sql + sizeof(declare) - 1, query);
    res = db_query(ctx->db, sql, in->sql.nvalues, values);
    free(sql);
    snprintf(fetch, sizeof(fetch), "fetch %d from partnerships_export", ENTITY_CSV_BATCH_ROWS);
    if (res && db_ok(res)) {   /* declared: the first rows */
        db_clear(res);
        res = db_query(ctx->db, fetch, 0, NULL);
    }
    for (;;) {
        if (!res || !db_ok(res)) {
            if (ctx->streamed) {
                log_error("request_id=%s export cut short after %lld rows: %s", ctx->req->request_id, rows,
                          res ? db_error_detail(res) : "the database connection was lost");
                ctx->stream_failed = true;
            } else if (!res) {
                http_error(ctx->resp, 503, "the database is unavailable; try again");
            } else {
                api_db_error(ctx, res, e->table);
            }
            db_clear(res);
            return -1;
        }
        if (!ctx->streamed) {
            ctx->resp->status = 200;
            ctx->resp->content_type = "text/csv; charset=utf-8; header=present";
            http_response_header(ctx->resp, "Content-Disposition", "attachment; filename=\"%s.csv\"", e->collection);
            rc = !in->header || http_response_append(ctx->resp, in->header, strlen(in->header));
            if (rc) {
                db_clear(res);
                http_response_free(ctx->resp);
                http_response_init(ctx->resp);
                http_error(ctx->resp, 500, "out of memory");
                return -1;
            }
            rc = ctx->stream(ctx, ctx->resp->body, ctx->resp->body_len);
        }
        n = db_rows(res);
        /* The batch as one piece: its lines and their line ends. */
        ctx->resp->body_len = 0;
        for (int r = 0; r < n && rc == 0; r++)
            rc = http_response_append(ctx->resp, db_value(res, r, 0) ? db_value(res, r, 0) : "", db_length(res, r, 0)) ||
                 http_response_append(ctx->resp, "\r\n", 2);
        if (rc == 0 && n)
            rc = ctx->stream(ctx, ctx->resp->body, ctx->resp->body_len);
        db_clear(res);
        rows += n;
        if (rc) {   /* the client left, or out of memory */
            log_error("request_id=%s export cut short after %lld rows: the answer could not be written",
                      ctx->req->request_id, rows);
            ctx->stream_failed = true;
            return -1;
        }
        if (n < ENTITY_CSV_BATCH_ROWS)
            break;
        res = db_query(ctx->db, fetch, 0, NULL);
    }
    ctx->resp->body_len = 0;
    log_info("request_id=%s export of %s: %lld rows", ctx->req->request_id, e->collection, rows);
    return 0;
}

/* One CSV cell as the JSON value the field takes, or NULL for an empty
 * cell (the column's default applies).  *message is set (static) when the
 * cell cannot be that type. */
static json_t *entity_csv_value(const struct entity_field *field, const char *cell, const char **message)
{
    json_t *value;

    *message = NULL;
    if (*cell == '\0')
        return NULL;
    switch (field->type) {
    case FIELD_TEXT:
    case FIELD_REF:
        /* An export puts an apostrophe before a string a spreadsheet would
         * run as a formula (sql/004_csv.sql): text, and ids, which may start
         * with '-'.  One is taken off again. */
        if (cell[0] == '\'') {
            size_t quotes = strspn(cell, "'");

            if (cell[quotes] && strchr("=+-@\t\r", cell[quotes]))
                cell++;
        }
        return json_string(cell);
    case FIELD_ENUM:
    case FIELD_DATE:
    case FIELD_TIMESTAMP:
        return json_string(cell);
    case FIELD_BOOL:
        if (strcasecmp(cell, "true") == 0)
            return json_true();
        if (strcasecmp(cell, "false") == 0)
            return json_false();
        *message = "must be true or false";
        return NULL;
    case FIELD_INT:
    case FIELD_MONEY:
    case FIELD_NUMBER:
        value = json_loads(cell, JSON_DECODE_ANY, NULL);
        if (!json_is_number(value)) {
            json_decref(value);
            *message = field->type == FIELD_INT ? "must be a whole number" : "must be a number";
            return NULL;
        }
        return value;
    case FIELD_STRINGS:
    case FIELD_OBJECTS:
    case FIELD_JSON:
        value = json_loads(cell, JSON_DECODE_ANY, NULL);
        if (!value)
            *message = "must be JSON";
        return value;
    }
    return NULL;
}

/* What an import check leaves for its handler: one write per row, and the
 * rows already found bad (their writes are left empty). */
struct entity_import_row {
    char *sql;                 /* NULL: the row was found bad before the database */
    char **values;
    int nvalues;
};

struct entity_import {
    size_t nrows;
    struct entity_import_row *rows;   /* rows[i] is spreadsheet row i + 2 (the header is row 1) */
    json_t *bad_rows;                 /* [{"row", "fields"}] */
};

void entity_free_import_input(void *input)
{
    struct entity_import *import = input;

    if (!import)
        return;
    for (size_t i = 0; i < import->nrows; i++) {
        for (int j = 0; j < import->rows[i].nvalues; j++)
            free(import->rows[i].values[j]);
        free(import->rows[i].values);
        free(import->rows[i].sql);
    }
    free(import->rows);
    json_decref(import->bad_rows);
    free(import);
}

/* Adds {"row": n, "fields": fields} to the list of bad rows (fields stolen). */
static void entity_import_row_error(json_t *bad_rows, size_t row, json_t *fields)
{
    json_array_append_new(bad_rows, json_pack("{s:I, s:o}", "row", (json_int_t)row, "fields", fields));
}

/* The two lists of bad rows (each in row order) as one, in row order;
 * a new array (the inputs are not stolen). */
static json_t *entity_import_merge(const json_t *a, const json_t *b)
{
    json_t *merged = json_array();
    size_t i = 0, j = 0;

    while (merged && (i < json_array_size(a) || j < json_array_size(b))) {
        json_t *x = json_array_get(a, i), *y = json_array_get(b, j);
        bool take_x = x && (!y || json_integer_value(json_object_get(x, "row")) <
                                      json_integer_value(json_object_get(y, "row")));

        json_array_append(merged, take_x ? x : y);
        take_x ? i++ : j++;
    }
    return merged;
}

/* 422 with the bad rows (stolen). */
static void entity_import_answer_rows(struct request_ctx *ctx, json_t *bad_rows)
{
    json_t *body = json_pack("{s:{s:s, s:s, s:o}}", "error", "code", "validation", "message",
                             "some rows are not valid; nothing was imported", "rows", bad_rows);

    if (!body || http_response_json_value(ctx->resp, 422, body))
        http_error(ctx->resp, 500, "out of memory");
    json_decref(body);
}

/* POST /C/import (text/csv): the header must name fields of the record
 * (400 otherwise; read-only ones, as in an export, are skipped); every row
 * is checked as a create would be.  Rows with errors: 422 with all of them. */
int entity_check_import(struct request_ctx *ctx)
{
    const struct entity *e = ctx->entity;
    struct entity_import *import = calloc(1, sizeof(*import));
    const char *message;
    json_t *records = NULL, *header, *bad_rows = json_array();
    size_t ncolumns, i;
    int rc = -1;

    if (!import || !bad_rows) {
        free(import);
        http_error(ctx->resp, 500, "out of memory");
        goto out;
    }
    ctx->input = import;
    records = csv_parse(ctx->req->body ? ctx->req->body : "", ctx->req->body_len, &message);
    if (!records) {
        http_error(ctx->resp, 400, message);
        goto out;
    }
    header = json_array_get(records, 0);
    ncolumns = json_array_size(header);
    for (i = 0; i < ncolumns; i++) {
        const char *name = json_string_value(json_array_get(header, i));

        if (!entity_field_find(e, name)) {
            http_error_fields(ctx->resp, 400, "the header names a column that is not a field of this record",
                              json_pack("{s:s}", name, "is not a field of this record"));
            goto out;
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(name, json_string_value(json_array_get(header, j))) == 0) {
                http_error_fields(ctx->resp, 400, "the header names a column twice",
                                  json_pack("{s:s}", name, "is named twice"));
                goto out;
            }
    }
    if (json_array_size(records) < 2) {
        http_error(ctx->resp, 400, "the file has a header but no rows");
        goto out;
    }
    import->nrows = json_array_size(records) - 1;
    if (!(import->rows = calloc(import->nrows, sizeof(*import->rows)))) {
        import->nrows = 0;
        http_error(ctx->resp, 500, "out of memory");
        goto out;
    }
    for (size_t r = 0; r < import->nrows; r++) {
        json_t *record = json_array_get(records, r + 1), *body = json_object();
        json_t *bad = json_object(), *invalid = json_object();
        struct entity_sql *sql = calloc(1, sizeof(*sql));   /* large: not on the stack */

        for (i = 0; i < ncolumns; i++) {
            const char *name = json_string_value(json_array_get(header, i));
            const struct entity_field *field = entity_field_find(e, name);
            json_t *value;

            if (!(field->flags & FIELD_WRITE))
                continue;
            value = entity_csv_value(field, json_string_value(json_array_get(record, i)), &message);
            if (message)
                json_object_set_new(bad, name, json_string(message));
            else if (value)
                json_object_set_new(body, name, value);
        }
        if (!sql)
            json_object_set_new(bad, "row", json_string("could not be read (out of memory)"));
        if (!json_object_size(bad))
            entity_build_write(ctx, body, WRITE_IMPORT, sql, bad, invalid);
        json_object_update(bad, invalid);
        if (!json_object_size(bad) && sql->overflow)
            json_object_set_new(bad, "row", json_string("has too many fields"));
        if (json_object_size(bad)) {
            entity_import_row_error(bad_rows, r + 2, json_incref(bad));
        } else if ((import->rows[r].sql = strdup(sql->text)) &&
                   (import->rows[r].values = malloc(sizeof(char *) * (size_t)(sql->nvalues + 1)))) {
            /* The row keeps its statement and parameters (moved). */
            memcpy(import->rows[r].values, sql->values, sizeof(char *) * (size_t)sql->nvalues);
            import->rows[r].nvalues = sql->nvalues;
            sql->nvalues = 0;
        } else {
            free(import->rows[r].sql);
            import->rows[r].sql = NULL;
            entity_import_row_error(bad_rows, r + 2, json_pack("{s:s}", "row", "could not be read (out of memory)"));
        }
        if (sql)
            sql_free(sql);
        free(sql);
        json_decref(body);
        json_decref(bad);
        json_decref(invalid);
    }
    /* Rows the database must judge are still tried, so that the answer
     * names every bad row at once. */
    import->bad_rows = bad_rows;
    bad_rows = NULL;
    rc = 0;
out:
    json_decref(records);
    json_decref(bad_rows);
    return rc;
}

/* POST /C/import: 200 {"created": N}, all rows or none; 422 with every row
 * the database refused ({"row", "fields"}), each tried under a savepoint so
 * that one bad row does not hide the next. */
static const char entity_import_late[] =
    "the import did not finish in time and was rolled back; nothing was imported. Send it again (with the same "
    "Idempotency-Key), or in smaller files";

int entity_import(struct request_ctx *ctx)
{
    struct entity_import *import = ctx->input;
    bool bulk = ctx->entity->kept_totals && !ctx->entity->view;
    struct pg_result *res = NULL;
    json_t *bad_rows, *ids = NULL;   /* ids: the partners stored, for their totals */
    char created[48], timeout[64], settle[160], *text;
    const char *values[1];
    long left;

    /* One import or export per user, and not every worker at once. */
    if (api_long_operation(ctx))
        return -1;
    /* The import commits before its deadline or not at all: no statement
     * of it may run past the deadline (the statement timeout is per
     * statement; an import runs one per row), and the loop stops there. */
    left = api_deadline_left_ms(ctx);
    if (left <= 0) {
        api_deadline_answer(ctx, entity_import_late);
        return -1;
    }
    if (left < (long)config.statement_timeout_seconds * 1000) {
        snprintf(timeout, sizeof(timeout), "set local statement_timeout = %ld", left);
        if (db_command(ctx->db, timeout)) {
            http_error(ctx->resp, 503, "the database is unavailable; try again");
            return -1;
        }
    }
    if (!(bad_rows = json_array()) || (bulk && !(ids = json_array()))) {
        json_decref(bad_rows);
        json_decref(ids);
        http_error(ctx->resp, 500, "out of memory");
        return -1;
    }
    /* Partners: their owners' totals are added once at the end
     * (sql/020), not once a row. */
    if (bulk && (!(res = db_query(ctx->db, "select set_config('partnerships.bulk_totals', 'on', true)", 0, NULL)) ||
                 !db_ok(res))) {
        db_clear(res);
        json_decref(bad_rows);
        json_decref(ids);
        http_error(ctx->resp, 503, "the database is unavailable; try again");
        return -1;
    }
    db_clear(res);
    for (size_t r = 0; r < import->nrows; r++) {
        const struct entity_import_row *row = &import->rows[r];

        if (!row->sql)   /* found bad before the database */
            continue;
        if (api_deadline_left_ms(ctx) == 0) {
            log_error("request_id=%s import stopped at its deadline, at row %zu of %zu", ctx->req->request_id, r + 2,
                      import->nrows + 1);
            json_decref(bad_rows);
            json_decref(ids);
            api_deadline_answer(ctx, entity_import_late);
            return -1;
        }

        if (db_command(ctx->db, "savepoint import_row")) {
            json_decref(bad_rows);
            json_decref(ids);
            http_error(ctx->resp, 503, "the database is unavailable; try again");
            return -1;
        }
        res = db_query_cached(ctx->db, row->sql, row->nvalues, (const char *const *)row->values);
        if (!res) {
            json_decref(bad_rows);
            json_decref(ids);
            http_error(ctx->resp, 503, "the database is unavailable; try again");
            return -1;
        }
        if (db_ok(res)) {
            if (ids)
                json_array_append_new(ids, json_string(db_value(res, 0, 0)));
            db_clear(res);
            db_command(ctx->db, "release savepoint import_row");
            continue;
        }
        {
            const char *message;
            json_t *fields;
            int status = db_error_http(ctx->db, res, ctx->entity->table, &message, &fields);

            /* Cancelled (the statement timeout, which the deadline may have
             * shortened) or cut off: not a bad row, and the import ends. */
            if (status == 503) {
                json_decref(fields);
                json_decref(bad_rows);
                json_decref(ids);
                if (api_deadline_left_ms(ctx) < 1000)
                    api_deadline_answer(ctx, entity_import_late);
                else
                    api_db_error(ctx, res, ctx->entity->table);
                db_clear(res);
                return -1;
            }

            if (status == 500 || status == 503)
                log_error("request_id=%s import row %zu: %s", ctx->req->request_id, r + 2, db_error_detail(res));
            if (!fields)
                fields = json_pack("{s:s}", "row", status == 500 ? "could not be stored" : message);
            entity_import_row_error(bad_rows, r + 2, fields);
        }
        db_clear(res);
        if (db_command(ctx->db, "rollback to savepoint import_row")) {
            json_decref(bad_rows);
            json_decref(ids);
            http_error(ctx->resp, 503, "the database is unavailable; try again");
            return -1;
        }
    }
    if (json_array_size(bad_rows) || json_array_size(import->bad_rows)) {
        entity_import_answer_rows(ctx, entity_import_merge(import->bad_rows, bad_rows));
        json_decref(bad_rows);
        json_decref(ids);
        return -1;   /* rolls back every row */
    }
    json_decref(bad_rows);
    if (bulk) {   /* the totals of the rows stored, at once */
        text = json_dumps(ids, JSON_COMPACT);
        json_decref(ids);
        if (text) {   /* ["a","b"] -> {"a","b"}: ids need no other quoting */
            text[0] = '{';
            text[strlen(text) - 1] = '}';
        }
        values[0] = text;
        /* <kept totals>_settle(ids): an import's rows counted once, not per row. */
        snprintf(settle, sizeof(settle), "select public.%s_settle($1::text[])", ctx->entity->kept_totals);
        res = text ? db_query_cached(ctx->db, settle, 1, values) : NULL;
        free(text);
        if (!res || !db_ok(res)) {
            if (res)
                log_error("request_id=%s import totals: %s", ctx->req->request_id, db_error_detail(res));
            db_clear(res);
            api_deadline_answer(ctx, api_deadline_left_ms(ctx) == 0 ? entity_import_late
                                                                     : "the database is unavailable; try again");
            return -1;
        }
        db_clear(res);
    }
    /* Checked last before the COMMIT: past the deadline, nginx may have
     * answered 504 already, and a client that sends it again must not
     * import it twice. */
    if (api_deadline_left_ms(ctx) == 0) {
        api_deadline_answer(ctx, entity_import_late);
        return -1;
    }
    snprintf(created, sizeof(created), "{\"created\":%zu}", import->nrows);
    http_response_json(ctx->resp, 200, created, strlen(created));
    return 0;
}
