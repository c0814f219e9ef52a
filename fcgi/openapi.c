/* openapi.c: the OpenAPI 3 document of the API, made from the route table,
 * the entity tables and the database's own catalogue.
 *
 * Nothing here restates a fact kept elsewhere: paths and methods come from
 * router.c, fields and their types from the entity tables, enumeration
 * labels and which columns a create requires from PostgreSQL.  Routes that
 * are not collections describe their bodies in the route table's `doc`. */
#include "openapi.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "entity.h"
#include "router.h"

enum { OPENAPI_NAME_BYTES = 128 };

static const char *const openapi_method_names[HTTP_METHOD__MAX] = {
    [HTTP_GET] = "get", [HTTP_POST] = "post", [HTTP_PATCH] = "patch", [HTTP_DELETE] = "delete",
    [HTTP_PUT] = "put", [HTTP_HEAD] = "head", [HTTP_OPTIONS] = "options",
};

static json_t *openapi_ref(const char *name)
{
    char ref[OPENAPI_NAME_BYTES + 32];

    snprintf(ref, sizeof(ref), "#/components/schemas/%s", name);
    return json_pack("{s:s}", "$ref", ref);
}

/* "shared-customers" -> "SharedCustomers" (plural) or "SharedCustomer":
 * the schema name of a collection. */
static void openapi_pascal_name(const struct entity *e, bool plural, char out[OPENAPI_NAME_BYTES])
{
    size_t n = 0;
    bool upper = true;

    for (const char *s = e->collection; *s && n + 1 < OPENAPI_NAME_BYTES; s++) {
        if (*s == '-') {
            upper = true;
            continue;
        }
        out[n++] = upper && *s >= 'a' && *s <= 'z' ? (char)(*s - 'a' + 'A') : *s;
        upper = false;
    }
    if (!plural && n > 0 && out[n - 1] == 's')
        n--;
    out[n] = '\0';
}

static void openapi_schema_name(const struct entity *e, char out[OPENAPI_NAME_BYTES])
{
    openapi_pascal_name(e, false, out);
}

/* op.operationId, from the route doc's "operationId"; on collection routes
 * "{Collection}" becomes e.g. "SharedCustomers" and "{Record}"
 * "SharedCustomer" (listPartners, getPartnerHistory). */
static void openapi_set_operation_id(json_t *op, const struct route *route, const struct entity *e)
{
    json_t *doc = route->doc ? json_loads(route->doc, 0, NULL) : NULL;
    const char *template = json_string_value(json_object_get(doc, "operationId"));
    char id[4 * OPENAPI_NAME_BYTES];
    size_t n = 0;

    for (const char *s = template; s && *s && n + 1 < sizeof(id);) {
        char name[OPENAPI_NAME_BYTES];
        size_t skip = 0;

        if (e && strncmp(s, "{Collection}", 12) == 0) {
            openapi_pascal_name(e, true, name);
            skip = 12;
        } else if (e && strncmp(s, "{Record}", 8) == 0) {
            openapi_pascal_name(e, false, name);
            skip = 8;
        }
        if (skip) {
            int w = snprintf(id + n, sizeof(id) - n, "%s", name);

            if (w < 0 || (size_t)w >= sizeof(id) - n)
                break;
            n += (size_t)w;
            s += skip;
        } else {
            id[n++] = *s++;
        }
    }
    id[n] = '\0';
    if (template)
        json_object_set_new(op, "operationId", json_string(id));
    json_decref(doc);
}

/* The JSON schema of each field type (JSON text), indexed by field_type.
 * Objects of free form say so (additionalProperties), so that a generated
 * client may read their keys. */
static const char *const openapi_field_types[] = {
    [FIELD_TEXT] = "{\"type\": \"string\"}",
    [FIELD_ENUM] = "{\"type\": \"string\"}",
    [FIELD_INT] = "{\"type\": \"integer\"}",
    [FIELD_MONEY] = "{\"type\": \"number\", \"minimum\": 0, \"multipleOf\": 0.01}",
    [FIELD_NUMBER] = "{\"type\": \"number\"}",
    [FIELD_BOOL] = "{\"type\": \"boolean\"}",
    [FIELD_DATE] = "{\"type\": \"string\", \"format\": \"date\"}",
    [FIELD_TIMESTAMP] = "{\"type\": \"string\", \"format\": \"date-time\"}",
    [FIELD_REF] = "{\"type\": \"string\"}",
    [FIELD_STRINGS] = "{\"type\": \"array\", \"items\": {\"type\": \"string\"}}",
    [FIELD_OBJECTS] = "{\"type\": \"array\", \"items\": {\"type\": \"object\", \"additionalProperties\": true}}",
    [FIELD_JSON] = "{\"type\": \"object\", \"additionalProperties\": true}",
};

/* The JSON schema of one field: its type's, with an enumeration's labels. */
static json_t *openapi_field_schema(const struct db *db, const struct entity_field *field)
{
    json_t *schema = json_loads(openapi_field_types[field->type], 0, NULL);

    if (field->type == FIELD_ENUM) {
        const json_t *labels = db_enum_labels(db, field->enum_type);

        if (labels)
            json_object_set_new(schema, "enum", json_deep_copy(labels));
    }
    if (!(field->flags & FIELD_WRITE))
        json_object_set_new(schema, "readOnly", json_true());
    return schema;
}

/* A column default (text from the catalogue) as the field's JSON value. */
static json_t *openapi_default(const struct entity_field *field, const char *value)
{
    switch (field->type) {
    case FIELD_INT:
        return json_integer(strtoll(value, NULL, 10));
    case FIELD_MONEY:
    case FIELD_NUMBER:
        return json_real(strtod(value, NULL));
    case FIELD_BOOL:
        return json_boolean(strcmp(value, "true") == 0);
    case FIELD_STRINGS:
    case FIELD_OBJECTS:
    case FIELD_JSON: {
        json_t *parsed = json_loads(value, JSON_DECODE_ANY, NULL);

        return parsed ? parsed : json_null();
    }
    default:
        return json_string(value);
    }
}

/* components.schemas.<Entity>: every field; columns maps "table.column" to
 * "nullable", "required" (NOT NULL without a default: a create must give
 * it) or "set" (NOT NULL, filled by a default), and "ref:table.column" to
 * the table a foreign key points at (a collection: x-references), and
 * "default:table.column" to a plain default value. */
static json_t *openapi_entity_schema(const struct db *db, const struct entity *e, const json_t *columns)
{
    json_t *properties = json_object(), *required = json_array();

    for (size_t i = 0; i < e->nfields; i++) {
        const struct entity_field *field = &e->fields[i];
        char column[OPENAPI_NAME_BYTES], key[2 * OPENAPI_NAME_BYTES];

        json_t *schema = openapi_field_schema(db, field);
        const char *column_kind;

        db_column_name(field->name, column, sizeof(column));
        snprintf(key, sizeof(key), "%s.%s", e->table, column);
        column_kind = json_string_value(json_object_get(columns, key));
        /* Fields that are no column (derived in the JSON function) may be null. */
        if (!column_kind || strcmp(column_kind, "nullable") == 0) {
            json_t *labels = json_object_get(schema, "enum");

            json_object_set_new(schema, "nullable", json_true());
            /* OpenAPI 3.0: an enumeration admits null only when it lists it. */
            if (labels)
                json_array_append_new(labels, json_null());
        }
        if (field->type == FIELD_REF) {
            char ref_key[sizeof(key) + 4];
            json_t *target;

            snprintf(ref_key, sizeof(ref_key), "ref:%s", key);
            target = json_object_get(columns, ref_key);
            if (target)
                json_object_set(schema, "x-references", target);
        }
        if (field->flags & FIELD_WRITE) {
            char default_key[sizeof(key) + 8];
            const char *value;

            snprintf(default_key, sizeof(default_key), "default:%s", key);
            value = json_string_value(json_object_get(columns, default_key));
            if (value)
                json_object_set_new(schema, "default", openapi_default(field, value));
        }
        if ((field->flags & FIELD_WRITE) && column_kind && strcmp(column_kind, "required") == 0)
            json_array_append_new(required, json_string(field->name));
        json_object_set_new(properties, field->name, schema);
    }
    /* OpenAPI 3.0: "required" lists at least one name, or is left out. */
    if (json_array_size(required) == 0) {
        json_decref(required);
        return json_pack("{s:s, s:o}", "type", "object", "properties", properties);
    }
    return json_pack("{s:s, s:o, s:o}", "type", "object", "properties", properties, "required", required);
}

static json_t *openapi_parameter(const char *name, const char *in, json_t *schema, const char *description)
{
    return json_pack("{s:s, s:s, s:b, s:o, s:s*}", "name", name, "in", in, "required", strcmp(in, "path") == 0,
                     "schema", schema, "description", description);
}

/* The list parameters (fcgi/README.md "Collections"), with this entity's filters and sort keys. */
static json_t *openapi_list_parameters(const struct db *db, const struct entity *e)
{
    json_t *params = json_array(), *sort_keys = json_array();

    json_array_append_new(params, openapi_parameter("limit", "query",
        json_pack("{s:s, s:i, s:i, s:i}", "type", "integer", "minimum", 1, "maximum", ENTITY_LIST_MAX_LIMIT, "default", ENTITY_LIST_DEFAULT_LIMIT),
        "rows per page"));
    json_array_append_new(params, openapi_parameter("offset", "query",
        json_pack("{s:s, s:i}", "type", "integer", "minimum", 0), "rows to skip"));
    json_array_append_new(params, openapi_parameter("deleted", "query", json_pack("{s:s}", "type", "boolean"),
        "true: the trash instead of live records"));
    if (e->searchable)
        json_array_append_new(params, openapi_parameter("q", "query", json_pack("{s:s}", "type", "string"),
            "case-insensitive search over the text fields"));
    for (size_t i = 0; i < e->nfields; i++) {
        const struct entity_field *field = &e->fields[i];

        if (field->flags & FIELD_SORT) {
            char descending[OPENAPI_NAME_BYTES];

            snprintf(descending, sizeof(descending), "-%s", field->name);
            json_array_append_new(sort_keys, json_string(field->name));
            json_array_append_new(sort_keys, json_string(descending));
        }
        if (field->flags & FIELD_FILTER) {
            bool date = field->type == FIELD_DATE;   /* also a range, FROM..TO */
            json_t *item = date ? json_pack("{s:s, s:s}", "type", "string", "pattern",
                                            "^[0-9]{4}-[0-9]{2}-[0-9]{2}$|^([0-9]{4}-[0-9]{2}-[0-9]{2})?[.][.]([0-9]{4}-[0-9]{2}-[0-9]{2})?$")
                                : openapi_field_schema(db, field);

            json_object_del(item, "readOnly");
            json_array_append_new(params, json_pack("{s:s, s:s, s:b, s:{s:s, s:o}, s:s, s:b, s:s}",
                "name", field->name, "in", "query", "required", 0, "schema", "type", "array", "items", item,
                "style", "form", "explode", 0, "description",
                date ? "equality filter; several values: a,b; or one range FROM..TO (either end may be left out)"
                     : "equality filter; several values: a,b"));
        }
    }
    json_array_append_new(params, openapi_parameter("sort", "query",
        json_pack("{s:s, s:{s:s, s:o}}", "type", "array", "items", "type", "string", "enum", sort_keys),
        "comma list of up to 4 fields, - for descending"));
    for (size_t i = 0; i < e->nparams; i++) {
        const struct entity_param *param = &e->params[i];
        json_t *schema = param->value ? json_pack("{s:s, s:[s]}", "type", "string", "enum", param->value)
                         : param->type == FIELD_DATE ? json_pack("{s:s, s:s}", "type", "string", "format", "date")
                         : param->type == FIELD_BOOL ? json_pack("{s:s}", "type", "boolean")
                         : json_pack("{s:s}", "type", "string");

        json_array_append_new(params, openapi_parameter(param->name, "query", schema, param->description));
    }
    return params;
}

static json_t *openapi_json_content(json_t *schema)
{
    return json_pack("{s:{s:o}}", "application/json", "schema", schema);
}

/* The responses of an operation: its success, then the errors its flags and
 * path make possible (fcgi/README.md "Errors"). */
static json_t *openapi_responses(const struct route *route, int ok, json_t *ok_schema, bool conditional)
{
    char status[8];
    json_t *responses = json_object();
    json_t *success = json_pack("{s:s}", "description", ok == 204 ? "done, no body" : "success");

    if (ok_schema)
        json_object_set_new(success, "content", openapi_json_content(ok_schema));
    snprintf(status, sizeof(status), "%d", ok);
    json_object_set_new(responses, status, success);

#define OPENAPI_ERROR(code) json_object_set_new(responses, code, json_pack("{s:s}", "$ref", "#/components/responses/Error"))
    /* Any route refuses query parameters it does not take and a malformed
     * If-Match (router.c), and a path or query over its limit (http.h);
     * the others refuse bad bodies and queries. */
    OPENAPI_ERROR("400");
    OPENAPI_ERROR("414");
    if (!(route->flags & ROUTE_PUBLIC)) {
        OPENAPI_ERROR("401");
        /* Every route but the user's own session and password is refused
         * to someone: a partner's contact everywhere but the portal, and
         * everyone else in the portal (router.c). */
        if (route->method != HTTP_GET || (route->flags & ROUTE_ADMIN) || !(route->flags & ROUTE_SELF))
            OPENAPI_ERROR("403");
        /* A write: a unique field taken, the record busy or changed at the
         * same time (db.c), what it belongs to in the trash. */
        if (route->method != HTTP_GET)
            OPENAPI_ERROR("409");
    }
    /* A record, or the portal of a partner gone to the trash. */
    if (strstr(route->pattern, ":id") || (route->flags & ROUTE_PORTAL))
        OPENAPI_ERROR("404");
    if (conditional)
        OPENAPI_ERROR("412");
    if (route->flags & (ROUTE_JSON | ROUTE_CSV)) {
        OPENAPI_ERROR("413");
        OPENAPI_ERROR("415");
    }
    /* Fields of a body, or filter values of a query, that are not valid. */
    if (route->flags & (ROUTE_JSON | ROUTE_CSV | ROUTE_QUERY))
        OPENAPI_ERROR("422");
    /* An import or export while the user's own runs (api_long_operation). */
    if ((route->flags & ROUTE_CSV) || strstr(route->pattern, ".csv"))
        OPENAPI_ERROR("429");
    OPENAPI_ERROR("503");
    {
        /* The route doc's "errors": statuses of its own (a sign-in's 401). */
        json_t *doc = route->doc ? json_loads(route->doc, 0, NULL) : NULL, *code;
        size_t i;

        json_array_foreach(json_object_get(doc, "errors"), i, code) {
            snprintf(status, sizeof(status), "%d", (int)json_integer_value(code));
            OPENAPI_ERROR(status);
        }
        json_decref(doc);
    }
#undef OPENAPI_ERROR
    return responses;
}

/* "/:collection/:id/history" for partners -> "/partners/{id}/history". */
static void openapi_path(const char *pattern, const char *collection, char *out, size_t out_size)
{
    size_t n = 0;

    for (const char *s = pattern; *s && n + 1 < out_size;) {
        const char *piece = NULL;
        size_t skip = 0;

        if (strncmp(s, ":collection", 11) == 0) {
            piece = collection;
            skip = 11;
        } else if (strncmp(s, ":view", 5) == 0) {
            piece = collection;
            skip = 5;
        } else if (strncmp(s, ":id", 3) == 0) {
            piece = "{id}";
            skip = 3;
        }
        if (piece) {
            int w = snprintf(out + n, out_size - n, "%s", piece);

            if (w < 0 || (size_t)w >= out_size - n)
                break;
            n += (size_t)w;
            s += skip;
        } else {
            out[n++] = *s++;
        }
    }
    out[n] = '\0';
}

static json_t *openapi_path_item(json_t *paths, const char *path)
{
    json_t *item = json_object_get(paths, path);

    if (!item) {
        item = json_object();
        json_object_set_new(paths, path, item);
    }
    return item;
}

/* The CSV export or import of a collection (params stolen). */
static json_t *openapi_csv_operation(const struct route *route, const char *summary, const char *tag, json_t *params)
{
    json_t *csv = json_pack("{s:{s:{s:s}}}", "text/csv", "schema", "type", "string");
    json_t *responses, *op;

    if (route->flags & ROUTE_CSV) {
        responses = openapi_responses(route, 200, json_pack("{s:s, s:{s:{s:s}}}", "type", "object", "properties",
                                                            "created", "type", "integer"), false);
        json_object_set_new(json_object_get(responses, "422"), "description",
                            json_string("bad rows: error.rows lists {row, fields} for each; nothing is created"));
        json_object_del(json_object_get(responses, "422"), "$ref");
        json_object_set_new(json_object_get(responses, "422"), "content", openapi_json_content(openapi_ref("Error")));
        op = json_pack("{s:s, s:[s], s:o, s:o, s:{s:b, s:o}}", "summary", summary, "tags", tag, "parameters", params,
                       "responses", responses, "requestBody", "required", 1, "content", csv);
    } else {
        responses = openapi_responses(route, 200, NULL, false);
        json_object_set_new(json_object_get(responses, "200"), "content", csv);
        op = json_pack("{s:s, s:[s], s:o, s:o}", "summary", summary, "tags", tag, "parameters", params,
                       "responses", responses);
    }
    return op;
}

/* One operation of a collection route, for entity e. */
static json_t *openapi_entity_operation(const struct db *db, const struct route *route, const struct entity *e)
{
    char schema_name[OPENAPI_NAME_BYTES], summary[256];
    json_t *op, *ok_schema = NULL, *params = json_array();
    int ok = 200;
    bool conditional = false;

    openapi_schema_name(e, schema_name);
    snprintf(summary, sizeof(summary), route->summary, e->collection);
    if (strstr(route->pattern, ":id"))
        json_array_append_new(params, openapi_parameter("id", "path", json_pack("{s:s}", "type", "string"),
                                                        "the record's id"));
    if (route->flags & ROUTE_IDEMPOTENT)
        json_array_append_new(params, openapi_parameter("Idempotency-Key", "header",
            json_pack("{s:s, s:i, s:i}", "type", "string", "minLength", 1, "maxLength", 255),
            "sent again with the same key (after a timeout), answered with the first answer and its "
            "Idempotent-Replayed: true header, nothing stored twice (kept 24 hours; 409 while the first runs)"));
    if (strstr(route->pattern, ".csv") || (route->flags & ROUTE_CSV)) {
        if (route->flags & ROUTE_QUERY) {
            json_t *list_params = openapi_list_parameters(db, e), *names = json_array();

            json_array_extend(params, list_params);
            json_decref(list_params);
            for (size_t i = 0; i < e->nfields; i++)
                json_array_append_new(names, json_string(e->fields[i].name));
            json_array_append_new(params, json_pack("{s:s, s:s, s:b, s:{s:s, s:{s:s, s:o}}, s:s, s:b, s:s}",
                "name", "columns", "in", "query", "required", 0, "schema", "type", "array", "items", "type", "string",
                "enum", names, "style", "form", "explode", 0,
                "description", "the columns of the file, in this order (default: every field)"));
        }
        op = openapi_csv_operation(route, summary, e->collection, params);
        openapi_set_operation_id(op, route, e);
        return op;
    }
    if (route->flags & ROUTE_QUERY) {
        /* A list's parameters; a record by id takes only fields. */
        json_t *list_params = strstr(route->pattern, ":id") ? json_array() : openapi_list_parameters(db, e);
        json_t *names = json_array();

        json_array_extend(params, list_params);
        json_decref(list_params);
        for (size_t i = 0; i < e->nfields; i++)
            json_array_append_new(names, json_string(e->fields[i].name));
        json_array_append_new(params, json_pack("{s:s, s:s, s:b, s:{s:s, s:{s:s, s:o}}, s:s, s:b, s:s}",
            "name", "fields", "in", "query", "required", 0, "schema", "type", "array", "items", "type", "string",
            "enum", names, "style", "form", "explode", 0,
            "description", "only these fields of each record (and its id), e.g. a board's cards or a table's "
            "visible columns (default: every field)"));
        if (strstr(route->pattern, ":id"))
            ok_schema = openapi_ref(schema_name);
        else if (strncmp(route->pattern, "/boards/", 8) == 0)
            ok_schema = json_pack("{s:s, s:{s:{s:s, s:{s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s, s:o}}}}}}",
                                  "type", "object", "properties", "columns", "type", "array", "items",
                                  "type", "object", "properties", "status", "type", "string",
                                  "count", "type", "integer", "revenue", "type", "number",
                                  "items", "type", "array", "items", openapi_ref(schema_name));
        else
            ok_schema = json_pack("{s:s, s:{s:{s:s, s:o}, s:{s:s}, s:{s:s}, s:{s:s}}}", "type", "object",
                                  "properties", "items", "type", "array", "items", openapi_ref(schema_name),
                                  "total", "type", "integer", "limit", "type", "integer", "offset", "type",
                                  "integer");
    } else if (strstr(route->pattern, "/bulk")) {
        ok_schema = json_pack("{s:s, s:s, s:{s:{s:s, s:o}, s:{s:s}}}", "type", "object",
                              "description", "set: the records as changed, in the order of ids; an action: how many",
                              "properties", "items", "type", "array", "items", openapi_ref(schema_name),
                              "count", "type", "integer");
    } else if (strstr(route->pattern, "/history")) {
        ok_schema = openapi_ref("History");
    } else if (route->method == HTTP_DELETE) {
        ok = 204;
        conditional = true;
    } else {
        ok_schema = openapi_ref(schema_name);
        if (route->method == HTTP_POST && !strstr(route->pattern, ":id"))
            ok = 201;
        conditional = route->method == HTTP_PATCH || strstr(route->pattern, "/restore") != NULL;
    }
    if (conditional)
        json_array_append_new(params, openapi_parameter("If-Match", "header", json_pack("{s:s}", "type", "string"),
                                                        "\"version\": refuse with 412 when the record has changed"));
    op = json_pack("{s:s, s:[s], s:o, s:o}", "summary", summary, "tags", e->collection, "parameters", params,
                   "responses", openapi_responses(route, ok, ok_schema, conditional));
    openapi_set_operation_id(op, route, e);
    if (strstr(route->pattern, "/bulk")) {
        /* All or nothing: a record not there (404) or stale (412) is named in "ids". */
        json_t *responses = json_object_get(op, "responses");

        strncat(schema_name, "Changes", sizeof(schema_name) - strlen(schema_name) - 1);
        json_object_set_new(responses, "404", json_pack("{s:s}", "$ref", "#/components/responses/Error"));
        json_object_set_new(responses, "412", json_pack("{s:s}", "$ref", "#/components/responses/Error"));
        json_object_set_new(op, "requestBody", json_pack("{s:b, s:o}", "required", 1, "content", openapi_json_content(
            json_pack("{s:s, s:[s], s:b, s:{s:{s:s, s:i, s:i, s:b, s:{s:s}}, s:o, s:{s:s, s:[s, s]}, s:{s:s, s:{s:s}}}}",
                      "type", "object", "required", "ids", "additionalProperties", 0, "properties",
                      "ids", "type", "array", "minItems", 1, "maxItems", 500, "uniqueItems", 1, "items", "type", "string",
                      "set", openapi_ref(schema_name),
                      "action", "type", "string", "enum", "delete", "restore",
                      "versions", "type", "object", "additionalProperties", "type", "integer"))));
    } else if (route->flags & ROUTE_JSON) {
        if (route->method == HTTP_PATCH)
            strncat(schema_name, "Changes", sizeof(schema_name) - strlen(schema_name) - 1);
        json_object_set_new(op, "requestBody", json_pack("{s:b, s:o}", "required", 1, "content",
                                                          openapi_json_content(openapi_ref(schema_name))));
    }
    return op;
}

/* A schema in a route's doc names a database enumeration instead of
 * listing its labels ({"dbEnum": "referral_status"}): the labels come from
 * the database, their one definition. */
static void openapi_db_enums(const struct db *db, json_t *node)
{
    const char *key, *type;
    json_t *value;
    size_t i;

    if (json_is_array(node)) {
        json_array_foreach(node, i, value)
            openapi_db_enums(db, value);
        return;
    }
    if ((type = json_string_value(json_object_get(node, "dbEnum")))) {
        const json_t *labels = db_enum_labels(db, type);

        json_object_set_new(node, "type", json_string("string"));
        json_object_set_new(node, "enum", labels ? json_deep_copy(labels) : json_array());
        json_object_del(node, "dbEnum");
    }
    json_object_foreach(node, key, value)
        openapi_db_enums(db, value);
}

/* One operation of any other route, from its doc: {"operationId": name,
 * "body": schema, "ok": status, "response": schema, "tag": name}. */
static json_t *openapi_route_operation(const struct db *db, const struct route *route)
{
    json_error_t error;
    json_t *doc = route->doc ? json_loads(route->doc, 0, &error) : json_object();
    json_t *body, *response, *op, *params = json_array();
    json_int_t ok;
    const char *tag;

    if (!doc)
        doc = json_object();
    openapi_db_enums(db, doc);
    body = json_object_get(doc, "body");
    response = json_object_get(doc, "response");
    ok = json_integer_value(json_object_get(doc, "ok"));
    tag = json_string_value(json_object_get(doc, "tag"));
    if (strstr(route->pattern, ":id"))
        json_array_append_new(params, openapi_parameter("id", "path", json_pack("{s:s}", "type", "string"),
                                                        "the record's id"));
    {
        size_t i;
        json_t *name;

        const char *key;
        json_t *schema;

        /* "parameters": the names of whole-number query parameters;
         * "query": other query parameters, by name, with their schemas. */
        json_array_foreach(json_object_get(doc, "parameters"), i, name)
            json_array_append_new(params, openapi_parameter(json_string_value(name), "query",
                json_pack("{s:s, s:i}", "type", "integer", "minimum", 0), "a whole number"));
        /* A schema's "description" is the parameter's (beside a $ref, a
         * schema's own would be ignored). */
        json_object_foreach(json_object_get(doc, "query"), key, schema) {
            json_t *bare = json_copy(schema);   /* shallow: doc keeps the description */

            json_object_del(bare, "description");
            json_array_append_new(params, openapi_parameter(key, "query", bare,
                json_string_value(json_object_get(schema, "description"))));
        }
    }
    op = json_pack("{s:s, s:[s], s:o, s:o}", "summary", route->summary, "tags", tag ? tag : "session",
                   "parameters", params,
                   "responses", openapi_responses(route, ok ? (int)ok : 200, json_incref(response),
                                                  route->method == HTTP_PATCH));
    if (body)
        json_object_set_new(op, "requestBody", json_pack("{s:b, s:o}", "required", 1, "content",
                                                          openapi_json_content(json_incref(body))));
    if (route->flags & ROUTE_PUBLIC)
        json_object_set_new(op, "security", json_array());
    openapi_set_operation_id(op, route, NULL);
    json_decref(doc);
    return op;
}

/* Schemas that are not entities: errors, users, history, the oplog. */
static json_t *openapi_common_schemas(void)
{
    static const char schemas[] =
        "{\"Error\": {\"type\": \"object\", \"properties\": {\"error\": {\"type\": \"object\", \"properties\": {"
        "  \"code\": {\"type\": \"string\"}, \"message\": {\"type\": \"string\"},"
        "  \"fields\": {\"type\": \"object\", \"additionalProperties\": {\"type\": \"string\"}},"
        "  \"current\": {\"type\": \"object\", \"additionalProperties\": true,"
        "   \"description\": \"412: the record as it is now\"},"
        "  \"rows\": {\"type\": \"array\", \"description\": \"422 of an import: the rows that are not valid\","
        "   \"items\": {\"type\": \"object\", \"properties\": {\"row\": {\"type\": \"integer\"},"
        "    \"fields\": {\"type\": \"object\", \"additionalProperties\": {\"type\": \"string\"}}}}},"
        "  \"ids\": {\"type\": \"array\", \"items\": {\"type\": \"string\"},"
        "   \"description\": \"404, 412, 422 of a bulk change: the records it is about\"}}}}},"
        " \"User\": {\"type\": \"object\", \"properties\": {"
        "  \"id\": {\"type\": \"string\"}, \"email\": {\"type\": \"string\"}, \"name\": {\"type\": \"string\"},"
        "  \"role\": {\"$ref\": \"#/components/schemas/Role\"}, \"disabled\": {\"type\": \"boolean\"},"
        "  \"createdAt\": {\"type\": \"string\", \"format\": \"date-time\"},"
        "  \"updatedAt\": {\"type\": \"string\", \"format\": \"date-time\"}, \"version\": {\"type\": \"integer\"},"
        "  \"partnerId\": {\"type\": \"string\", \"nullable\": true,"
        "   \"description\": \"a partner user's partner (role partner); null for everyone else\"},"
        "  \"hasPassword\": {\"type\": \"boolean\", \"nullable\": true,"
        "   \"description\": \"GET /users, to admins: whether the user can sign in with a password\"},"
        "  \"invite\": {\"type\": \"object\", \"nullable\": true, \"properties\": {\"id\": {\"type\": \"string\"},"
        "   \"expiresAt\": {\"type\": \"string\", \"format\": \"date-time\"}},"
        "   \"description\": \"GET /users, to admins: the user's pending invitation link (never its address)\"}}},"
        " \"History\": {\"type\": \"object\", \"properties\": {\"items\": {\"type\": \"array\", \"items\": {"
        "  \"type\": \"object\", \"properties\": {"
        "   \"seq\": {\"type\": \"integer\"}, \"at\": {\"type\": \"string\", \"format\": \"date-time\"},"
        "   \"actor\": {\"type\": \"object\", \"nullable\": true, \"properties\": {"
        "     \"id\": {\"type\": \"string\"}, \"name\": {\"type\": \"string\"}}},"
        "   \"op\": {\"type\": \"string\", \"enum\": [\"insert\", \"update\", \"delete\", \"restore\"]},"
        "   \"changes\": {\"type\": \"object\", \"additionalProperties\": true,"
        "    \"description\": \"field: [old, new]\"}}}}}},"
        " \"OplogEntry\": {\"type\": \"object\", \"properties\": {"
        "  \"seq\": {\"type\": \"integer\"}, \"at\": {\"type\": \"string\", \"format\": \"date-time\"},"
        "  \"actor\": {\"type\": \"object\", \"nullable\": true, \"properties\": {"
        "    \"id\": {\"type\": \"string\"}, \"name\": {\"type\": \"string\"}}},"
        "  \"entity\": {\"type\": \"string\", \"description\": \"the collection, e.g. partners\"},"
        "  \"recordId\": {\"type\": \"string\"},"
        "  \"partnerId\": {\"type\": \"string\", \"nullable\": true,"
        "   \"description\": \"the partner the record belongs to\"},"
        "  \"op\": {\"type\": \"string\", \"enum\": [\"insert\", \"update\", \"delete\", \"restore\"]},"
        "  \"changes\": {\"type\": \"object\", \"additionalProperties\": true,"
        "   \"description\": \"field: [old, new]\"}}}}";

    return json_loads(schemas, 0, NULL);
}

/* Builds the whole document (caller owns it), or NULL.  The database gives
 * enumeration labels (loaded at connection) and required columns. */
json_t *openapi_document(struct db *db)
{
    json_t *doc = NULL, *paths = json_object(), *schemas = openapi_common_schemas(), *columns = json_object();
    struct pg_result *res = db_query(db,
        "select c.table_name || '.' || c.column_name,"
        " case when c.is_nullable = 'YES' then 'nullable'"
        "      when c.column_default is null and c.is_generated = 'NEVER' then 'required' else 'set' end"
        " from information_schema.columns c where c.table_schema = 'public'"
        " union all"
        /* Defaults that are plain values ('prospect'::partner_status, 0, false)
         * become the fields' "default" (forms show them); expressions do not. */
        " select 'default:' || d.key, d.value from ("
        "  select c.table_name || '.' || c.column_name as key,"
        "   case when c.column_default ~ '^''[^'']*''::[a-z_ .]+$' then split_part(c.column_default, '''', 2)"
        "        when c.column_default ~ '^-?[0-9]+(\\.[0-9]+)?$' or c.column_default in ('true', 'false')"
        "        then c.column_default end as value"
        "  from information_schema.columns c where c.table_schema = 'public') d where d.value is not null"
        " union all"
        " select 'ref:' || k.conrelid::regclass || '.' || a.attname, k.confrelid::regclass::text"
        " from pg_constraint k join pg_attribute a on a.attrelid = k.conrelid and a.attnum = k.conkey[1]"
        " where k.contype = 'f' and cardinality(k.conkey) = 1 and k.connamespace = 'public'::regnamespace", 0, NULL);
    size_t nroutes;
    const struct route *routes = router_routes(&nroutes);
    /* A user's roles: the database's user_role, its one definition. */
    json_object_set_new(schemas, "Role", json_pack("{s:s, s:o}", "type", "string", "enum",
        db_enum_labels(db, "user_role") ? json_deep_copy(db_enum_labels(db, "user_role")) : json_array()));

    if (!res || !db_ok(res) || !paths || !schemas || !columns)
        goto out;
    for (int i = 0; i < db_rows(res); i++)
        json_object_set_new(columns, db_value(res, i, 0), json_string(db_value(res, i, 1)));

    for (size_t i = 0; entities[i]; i++) {
        char schema_name[OPENAPI_NAME_BYTES];

        char changes_name[OPENAPI_NAME_BYTES + 8];
        json_t *schema = openapi_entity_schema(db, entities[i], columns), *changes = json_deep_copy(schema);

        /* A PATCH body: the same fields, none of them required, and no
         * defaults (a field left out keeps its value). */
        openapi_schema_name(entities[i], schema_name);
        snprintf(changes_name, sizeof(changes_name), "%sChanges", schema_name);
        json_object_del(changes, "required");
        {
            const char *name;
            json_t *property;

            json_object_foreach(json_object_get(changes, "properties"), name, property)
                json_object_del(property, "default");
        }
        json_object_set_new(schemas, schema_name, schema);
        /* Views are read only: no PATCH, no changes. */
        if (entities[i]->view)
            json_decref(changes);
        else
            json_object_set_new(schemas, changes_name, changes);
    }
    for (size_t r = 0; r < nroutes; r++) {
        const struct route *route = &routes[r];
        char path[256];

        if (strstr(route->pattern, ":collection") || strstr(route->pattern, ":view")) {
            bool views = strstr(route->pattern, ":view") != NULL;
            bool boards = strncmp(route->pattern, "/boards/", 8) == 0;

            for (size_t i = 0; entities[i]; i++) {
                bool any = strstr(route->pattern, ".csv") != NULL;

                if ((!any && entities[i]->view != views) || (boards && !entities[i]->board_revenue))
                    continue;
                openapi_path(route->pattern, entities[i]->collection, path, sizeof(path));
                json_object_set_new(openapi_path_item(paths, path), openapi_method_names[route->method],
                                    openapi_entity_operation(db, route, entities[i]));
            }
        } else {
            openapi_path(route->pattern, "", path, sizeof(path));
            json_object_set_new(openapi_path_item(paths, path), openapi_method_names[route->method],
                                openapi_route_operation(db, route));
        }
    }
    doc = json_pack("{s:s, s:{s:s, s:s, s:s}, s:[{s:s}], s:[{s:[]}, {s:[]}],"
                    " s:o, s:{s:o, s:{s:{s:s, s:o}}, s:{s:{s:s, s:s, s:s}, s:{s:s, s:s, s:s}}}}",
        "openapi", "3.0.3",
        "info", "title", "Partnerships API", "version", "1",
            "description", "The HTTP API of Partnerships, a self-hosted partner relationship manager. "
                           "State-changing requests made with the session cookie carry X-CSRF-Token.",
        "servers", "url", ROUTER_PREFIX,
        "security", "session", "bearer",
        "paths", paths,
        "components", "schemas", schemas,
            "responses", "Error", "description", "an error: its code, a message, and the fields of a body that are wrong",
                "content", openapi_json_content(openapi_ref("Error")),
            "securitySchemes", "session", "type", "apiKey", "in", "cookie", "name", "partnerships_session",
                "bearer", "type", "http", "scheme", "bearer", "description", "an API token from POST /me/tokens");
    paths = schemas = NULL;
out:
    if (res)
        db_clear(res);
    json_decref(paths);
    json_decref(schemas);
    json_decref(columns);
    return doc;
}

/* GET /openapi.json: 200 the document; 503 without the database. */
int openapi_get(struct request_ctx *ctx)
{
    json_t *doc = openapi_document(ctx->db);

    if (!doc) {
        http_error(ctx->resp, 503, "the database is unavailable; try again");
        return 0;
    }
    if (http_response_json_value(ctx->resp, 200, doc))
        http_error(ctx->resp, 500, "out of memory");
    json_decref(doc);
    return 0;
}
