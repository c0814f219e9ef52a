/* declaration.c: the collections, learned from the database.
 *
 * What the API serves is declared in SQL (sql/schema/08_api.sql: the tables
 * api_collections, api_fields, api_params) and completed there from the
 * catalogue by api_catalogue(): each field's type, enumeration, reference
 * and writability (the column privileges).  A worker reads that document
 * once, when it first reaches the database, and builds the entity tables
 * the engine (entity.c) and the OpenAPI document (openapi.c) serve from;
 * a reload (SIGHUP) starts workers that read it again.  No collection or
 * column is named in this program. */
#include "entity.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"

struct entity **entities;
static struct entity *entity_table;
static size_t entity_count;

struct entity *entity_find(const char *collection)
{
    for (size_t i = 0; entities && entities[i]; i++)
        if (strcmp(entities[i]->collection, collection) == 0)
            return entities[i];
    return NULL;
}

const struct entity_field *entity_field_find(const struct entity *entity, const char *name)
{
    for (size_t i = 0; i < entity->nfields; i++)
        if (strcmp(entity->fields[i].name, name) == 0)
            return &entity->fields[i];
    return NULL;
}

bool entity_loaded(void)
{
    return entities != NULL;
}

/* A string member of object, copied; NULL when absent or null. */
static char *declaration_text(const json_t *object, const char *key)
{
    const char *value = json_string_value(json_object_get(object, key));

    return value ? strdup(value) : NULL;
}

/* A field's type as api_catalogue() names it ("text", "partner_status:enum",
 * "money", a derived value's SQL type such as "integer"). */
static int declaration_type(const char *name, struct entity_field *field)
{
    static const struct {
        const char *name;
        enum field_type type;
    } types[] = {
        {"text", FIELD_TEXT}, {"int", FIELD_INT}, {"integer", FIELD_INT}, {"bigint", FIELD_INT},
        {"smallint", FIELD_INT}, {"money", FIELD_MONEY}, {"number", FIELD_NUMBER}, {"numeric", FIELD_NUMBER},
        {"bool", FIELD_BOOL}, {"boolean", FIELD_BOOL}, {"date", FIELD_DATE}, {"timestamp", FIELD_TIMESTAMP},
        {"timestamp with time zone", FIELD_TIMESTAMP}, {"ref", FIELD_REF}, {"strings", FIELD_STRINGS},
        {"objects", FIELD_OBJECTS}, {"object", FIELD_JSON},
    };
    size_t len = name ? strlen(name) : 0;

    if (len > 5 && strcmp(name + len - 5, ":enum") == 0) {
        field->type = FIELD_ENUM;
        field->enum_type = strndup(name, len - 5);
        return field->enum_type ? 0 : -1;
    }
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (len && strcmp(name, types[i].name) == 0) {
            field->type = types[i].type;
            return 0;
        }
    return -1;
}

/* A parameter's condition as a format with one "$%d" for its value: the
 * declaration's %s becomes the parameter, any other % is literal. */
static char *declaration_condition(const char *condition)
{
    size_t len = strlen(condition);
    char *out = malloc(len * 2 + 3), *p = out;
    bool placed = false;

    if (!out)
        return NULL;
    for (const char *s = condition; *s; s++) {
        if (!placed && s[0] == '%' && s[1] == 's') {
            memcpy(p, "$%d", 3);
            p += 3;
            s++;
            placed = true;
        } else if (*s == '%') {
            *p++ = '%';
            *p++ = '%';
        } else {
            *p++ = *s;
        }
    }
    *p = '\0';
    return out;
}

static void declaration_append(char **text, size_t *len, size_t *size, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void declaration_append(char **text, size_t *len, size_t *size, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (!*text)
        return;
    for (;;) {
        va_start(ap, fmt);
        n = vsnprintf(*text + *len, *size - *len, fmt, ap);
        va_end(ap);
        if (n < 0) {
            free(*text);
            *text = NULL;
            return;
        }
        if ((size_t)n < *size - *len) {
            *len += (size_t)n;
            return;
        }
        char *bigger = realloc(*text, *size * 2 + (size_t)n);

        if (!bigger) {
            free(*text);
            *text = NULL;
            return;
        }
        *text = bigger;
        *size = *size * 2 + (size_t)n;
    }
}

/* The SQL of a row's API JSON as text, over the row alias t: the members a
 * trigger keeps in kept_json, then the others; or one json_build_object.
 * Field names are checked by the database ([a-z][A-Za-z0-9]*): they need no
 * escaping inside SQL or JSON strings. */
static char *declaration_json_sql(const struct entity *e, const char *kept_json)
{
    size_t len = 0, size = 1024;
    char *sql = malloc(size);

    if (!sql)
        return NULL;
    sql[0] = '\0';
    if (kept_json) {
        declaration_append(&sql, &len, &size, "('{' || t.%s", kept_json);
        for (size_t i = 0; i < e->nfields; i++)
            if (!e->fields[i].kept)
                declaration_append(&sql, &len, &size, " || ', \"%s\" : ' || coalesce(to_json(%s)::text, 'null')",
                                   e->fields[i].name, e->fields[i].value);
        declaration_append(&sql, &len, &size, " || '}')");
        return sql;
    }
    declaration_append(&sql, &len, &size, "json_build_object(");
    for (size_t i = 0; i < e->nfields; i++)
        declaration_append(&sql, &len, &size, "%s'%s', %s", i ? ", " : "", e->fields[i].name, e->fields[i].value);
    declaration_append(&sql, &len, &size, ")::text");
    return sql;
}

static int declaration_field(struct entity *e, const json_t *in, struct entity_field *field)
{
    const json_t *ranked = json_object_get(in, "ranked");

    field->name = declaration_text(in, "name");
    field->column = declaration_text(in, "column");
    field->value = declaration_text(in, "value");
    field->lookup = declaration_text(in, "lookup");
    field->kept = json_is_true(json_object_get(in, "kept"));
    if (!field->name || !field->value || declaration_type(json_string_value(json_object_get(in, "type")), field)) {
        log_error("api_catalogue(): %s.%s has no name, value or known type", e->collection,
                  field->name ? field->name : "?");
        return -1;
    }
    if (json_is_true(json_object_get(in, "writable")))
        field->flags |= FIELD_WRITE;
    if (json_is_true(json_object_get(in, "sortable")))
        field->flags |= FIELD_SORT;
    if (json_is_true(json_object_get(in, "filterable")))
        field->flags |= FIELD_FILTER;
    if (json_is_true(ranked) && field->type == FIELD_ENUM && (field->flags & FIELD_FILTER))
        field->flags |= FIELD_RANKED;
    if ((field->flags & (FIELD_SORT | FIELD_FILTER | FIELD_WRITE)) && !field->column) {
        log_error("api_catalogue(): %s.%s is derived: it cannot be sorted, filtered or written", e->collection,
                  field->name);
        return -1;
    }
    if (field->flags & FIELD_RANKED && !e->board_field)
        e->board_field = field;
    return 0;
}

static int declaration_param(const json_t *in, struct entity_param *param)
{
    const char *type = json_string_value(json_object_get(in, "type"));
    const char *condition = json_string_value(json_object_get(in, "condition"));

    param->name = declaration_text(in, "name");
    param->value = declaration_text(in, "value");
    param->description = declaration_text(in, "description");
    param->sql = condition ? declaration_condition(condition) : NULL;
    param->type = type && strcmp(type, "date") == 0 ? FIELD_DATE
                  : type && strcmp(type, "boolean") == 0 ? FIELD_BOOL : FIELD_TEXT;
    return param->name && param->description && param->sql ? 0 : -1;
}

static int declaration_entity(const json_t *in, struct entity *e)
{
    const json_t *fields = json_object_get(in, "fields"), *params = json_object_get(in, "params");
    const char *kept_json = json_string_value(json_object_get(in, "keptJson"));
    size_t i;
    json_t *item;

    e->collection = declaration_text(in, "name");
    e->table = declaration_text(in, "table");
    e->default_sort = declaration_text(in, "defaultSort");
    e->board_revenue = declaration_text(in, "boardSum");
    e->kept_totals = declaration_text(in, "keptTotals");
    e->kept_count = declaration_text(in, "keptCount");
    e->kept_sum = declaration_text(in, "keptSum");
    e->view = json_is_true(json_object_get(in, "view"));
    e->searchable = json_is_true(json_object_get(in, "searchable"));
    e->owner_scoped = !json_is_false(json_object_get(in, "ownerScoped"));
    for (const struct entity_hook *hook = entity_hooks; hook->collection; hook++)
        if (e->collection && strcmp(hook->collection, e->collection) == 0)
            e->check_body = hook->check_body;
    e->nfields = json_array_size(fields);
    e->nparams = json_array_size(params);
    e->fields = calloc(e->nfields ? e->nfields : 1, sizeof(*e->fields));
    e->params = calloc(e->nparams ? e->nparams : 1, sizeof(*e->params));
    if (!e->collection || !e->table || !e->default_sort || !e->fields || !e->params || !e->nfields) {
        log_error("api_catalogue(): a collection without name, relation, sort or fields");
        return -1;
    }
    json_array_foreach(fields, i, item)
        if (declaration_field(e, item, &e->fields[i]))
            return -1;
    json_array_foreach(params, i, item)
        if (declaration_param(item, &e->params[i]))
            return -1;
    if (e->kept_totals && (!e->kept_count || !e->kept_sum || !e->board_field)) {
        log_error("api_catalogue(): %s keeps totals without their columns or a ranked field", e->collection);
        return -1;
    }
    if (e->board_revenue && !e->board_field) {
        log_error("api_catalogue(): %s has a board but no ranked enum field to group it by", e->collection);
        return -1;
    }
    e->json_sql = declaration_json_sql(e, kept_json);
    return e->json_sql ? 0 : -1;
}

int entity_load_json(const char *text)
{
    json_error_t error;
    json_t *doc = json_loads(text, 0, &error), *item;
    size_t i, n = json_array_size(doc);
    struct entity **list = NULL;

    if (entities)
        return 0;
    if (!json_is_array(doc) || n == 0) {
        log_error("api_catalogue(): not a list of collections (%s)", error.text);
        json_decref(doc);
        return -1;
    }
    entity_table = calloc(n, sizeof(*entity_table));
    list = calloc(n + 1, sizeof(*list));
    if (!entity_table || !list)
        goto fail;
    entity_count = n;
    json_array_foreach(doc, i, item) {
        if (declaration_entity(item, &entity_table[i]))
            goto fail;
        list[i] = &entity_table[i];
    }
    json_decref(doc);
    entities = list;
    if (entity_init() == 0)
        return 0;
    entities = NULL;
    list = NULL;
fail:
    json_decref(doc);
    free(list);
    entity_unload();
    return -1;
}

int entity_load(struct db *db)
{
    struct pg_result *res;
    int rc = -1;

    if (entities)
        return 0;
    if (db_ensure(db))
        return -1;
    res = db_query(db, "select public.api_catalogue()::text", 0, NULL);
    if (res && db_ok(res) && db_rows(res) == 1 && db_value(res, 0, 0))
        rc = entity_load_json(db_value(res, 0, 0));
    else
        log_error("reading the collections (api_catalogue()) failed: %s",
                  res ? db_error_detail(res) : "the connection was lost");
    db_clear(res);
    return rc;
}

void entity_unload(void)
{
    for (size_t i = 0; i < entity_count; i++) {
        struct entity *e = &entity_table[i];

        for (size_t j = 0; e->fields && j < e->nfields; j++) {
            free(e->fields[j].name);
            free(e->fields[j].enum_type);
            free(e->fields[j].column);
            free(e->fields[j].value);
            free(e->fields[j].lookup);
        }
        for (size_t j = 0; e->params && j < e->nparams; j++) {
            free(e->params[j].name);
            free(e->params[j].value);
            free(e->params[j].sql);
            free(e->params[j].description);
        }
        free(e->fields);
        free(e->params);
        free(e->collection);
        free(e->table);
        free(e->default_sort);
        free(e->board_revenue);
        free(e->kept_totals);
        free(e->kept_count);
        free(e->kept_sum);
        free(e->json_sql);
    }
    free(entity_table);
    free(entities);
    entity_table = NULL;
    entities = NULL;
    entity_count = 0;
}
