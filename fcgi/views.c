/* views.c: what saved views do beyond their declaration (sql/schema/09_views.sql; sql/README.md "Saved views").
 *
 * A view's query is a list's query string, checked exactly as that list
 * checks it (entity_check_list on the view's collection): what the list
 * would refuse is a 422 naming `query`, with the list's own words.  Its
 * columns and kind are checked by the database (views_guard). */
#include "entity.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "http.h"

enum { VIEWS_MESSAGE_BYTES = 512 };

/* The list's verdict on query for collection: NULL when it accepts it,
 * else what it said (the caller frees). */
static char *views_query_problem(struct request_ctx *ctx, struct entity *collection, const char *query)
{
    char uri[128], *q = NULL, *problem = NULL;
    char *env[] = {"REQUEST_METHOD=GET", uri, NULL, NULL};
    struct http_request req;
    struct http_response resp;
    struct request_ctx list;
    const char *message;

    snprintf(uri, sizeof(uri), "DOCUMENT_URI=/api/v1/%s", collection->collection);
    if (asprintf(&q, "QUERY_STRING=%s", query) < 0)
        return strdup("could not be read");
    env[2] = q;
    if (http_request_init(&req, env, &message)) {
        free(q);
        return strdup(message);
    }
    for (size_t i = 0; i < req.nparams; i++)
        if (strcmp(req.params[i].name, "limit") == 0 || strcmp(req.params[i].name, "offset") == 0) {
            problem = strdup("must not hold limit or offset: a view is every page of its list");
            break;
        }
    http_response_init(&resp);
    memset(&list, 0, sizeof(list));
    list.req = &req;
    list.resp = &resp;
    list.db = ctx->db;
    list.user = ctx->user;
    list.entity = collection;
    if (!problem && entity_check_list(&list) != 0) {
        json_t *answer = json_loads(resp.body ? resp.body : "", 0, NULL);
        json_t *error = json_object_get(answer, "error"), *fields = json_object_get(error, "fields");
        const char *key = NULL;
        json_t *value = NULL;
        char text[VIEWS_MESSAGE_BYTES];

        json_object_foreach(fields, key, value)
            break;
        if (key && json_is_string(value))
            snprintf(text, sizeof(text), "%s %s", key, json_string_value(value));
        else
            snprintf(text, sizeof(text), "%s", json_string_value(json_object_get(error, "message")) ?: "is not valid");
        problem = strdup(text);
        json_decref(answer);
    }
    entity_free_input(list.input);
    http_response_free(&resp);
    http_request_free(&req);
    free(q);
    return problem;
}

/* POST /views and PATCH /views/{id}: the query against the list it is for
 * (the body's collection, or the stored view's). */
static int views_check_body(struct request_ctx *ctx, json_t *invalid)
{
    const json_t *query = json_object_get(ctx->body, "query"), *name = json_object_get(ctx->body, "collection");
    char *stored_collection = NULL, *stored_query = NULL, *problem = NULL;
    const char *collection_name, *query_text;
    struct entity *collection;

    if (!query && !name)
        return 0;
    if (ctx->req->method == HTTP_PATCH) {
        const char *values[] = {ctx->ids[0]};
        struct pg_result *res = db_query(ctx->db, "select collection, query from public.views"
                                                  " where id = $1 and deleted_at is null", 1, values);

        if (!(res = api_checked(ctx, res, "views")))
            return -1;
        if (db_rows(res) == 1) {
            stored_collection = strdup(db_value(res, 0, 0));
            stored_query = strdup(db_value(res, 0, 1));
        }
        db_clear(res);
        if (!stored_collection) {   /* not there, or not this user's to see: the patch answers */
            free(stored_query);
            return 0;
        }
    }
    collection_name = json_is_string(name) ? json_string_value(name) : stored_collection;
    query_text = json_is_string(query) ? json_string_value(query) : stored_query ? stored_query : "";
    collection = collection_name ? entity_find(collection_name) : NULL;
    if (collection)   /* an unknown collection: the database names it */
        problem = views_query_problem(ctx, collection, query_text);
    if (problem)
        json_object_set_new(invalid, "query", json_string(problem));
    free(problem);
    free(stored_collection);
    free(stored_query);
    return 0;
}

const struct entity_hook entity_hooks[] = {
    {"views", views_check_body},
    {NULL, NULL},
};
