/* test_router.c: route matching (fcgi/router.c) and list-query checking
 * (fcgi/entity.c), without a database: the collections are a sample
 * catalogue (catalogue.h). */
#include "catalogue.h"
#include "check.h"
#include "db.h"
#include "entity.h"
#include "router.h"

#include <stdlib.h>

static const struct route *match(const char *path, enum http_method method, struct request_ctx *ctx, int *status,
                                 char *allow)
{
    memset(ctx, 0, sizeof(*ctx));
    return router_match(path, method, ctx, status, allow, 64);
}

static void test_match(void)
{
    struct request_ctx ctx;
    char allow[64];
    int status;
    const struct route *r;

    r = match("/partners", HTTP_GET, &ctx, &status, allow);
    CHECK(r && r->handler == entity_list && ctx.entity && strcmp(ctx.entity->collection, "partners") == 0,
          "route: GET /partners lists partners");
    r = match("/partners/Abc_123-xyz", HTTP_PATCH, &ctx, &status, allow);
    CHECK(r && r->handler == entity_patch && strcmp(ctx.ids[0], "Abc_123-xyz") == 0, "route: PATCH with an id");
    r = match("/partners/abc/history", HTTP_GET, &ctx, &status, allow);
    CHECK(r && r->handler == entity_history, "route: history");
    r = match("/partners/abc/restore", HTTP_POST, &ctx, &status, allow);
    CHECK(r && r->handler == entity_restore, "route: restore");
    r = match("/partners/abc", HTTP_PUT, &ctx, &status, allow);
    CHECK(!r && status == 405 && strstr(allow, "GET") && strstr(allow, "PATCH") && strstr(allow, "DELETE"),
          "route: wrong method is 405 with Allow");
    r = match("/nothing", HTTP_GET, &ctx, &status, allow);
    CHECK(!r && status == 404, "route: unknown collection is 404");
    r = match("/partners/", HTTP_GET, &ctx, &status, allow);
    CHECK(!r && status == 404, "route: trailing slash is 404");
    r = match("/partners/a%20b", HTTP_GET, &ctx, &status, allow);
    CHECK(!r && status == 404, "route: an id with other characters is 404");
    r = match("/partners/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", HTTP_GET, &ctx,
              &status, allow);
    CHECK(!r && status == 404, "route: an over-long id is 404");
    r = match("/users", HTTP_POST, &ctx, &status, allow);
    CHECK(r && (r->flags & ROUTE_ADMIN), "route: creating users is admin-only");
    r = match("/session", HTTP_POST, &ctx, &status, allow);
    CHECK(r && (r->flags & ROUTE_PUBLIC), "route: sign-in needs no credentials");
    r = match("/health", HTTP_GET, &ctx, &status, allow);
    CHECK(r && (r->flags & ROUTE_PUBLIC), "route: health needs no credentials");
    r = match("/integration-ideas/abc", HTTP_DELETE, &ctx, &status, allow);
    CHECK(r && r->handler == entity_delete && strcmp(ctx.entity->table, "integration_ideas") == 0,
          "route: a collection name with a dash maps to its table");
    r = match("/performance", HTTP_GET, &ctx, &status, allow);
    CHECK(r && r->handler == entity_list && ctx.entity && ctx.entity->view, "route: a view is listed");
    r = match("/performance", HTTP_POST, &ctx, &status, allow);
    CHECK(!r && status == 405 && strcmp(allow, "GET") == 0, "route: a view takes no writes (405, Allow: GET)");
    r = match("/performance/abc", HTTP_GET, &ctx, &status, allow);
    CHECK(!r && status == 404, "route: a view has no records");
    r = match("/boards/campaigns", HTTP_GET, &ctx, &status, allow);
    CHECK(r && r->handler == entity_board && strcmp(ctx.entity->collection, "campaigns") == 0,
          "route: the campaigns board");
    r = match("/boards/performance", HTTP_GET, &ctx, &status, allow);
    CHECK(!r && status == 404, "route: no board of a view");
    r = match("/referrals/abc/intro", HTTP_GET, &ctx, &status, allow);
    CHECK(r && strcmp(ctx.ids[0], "abc") == 0 && !ctx.entity, "route: the intro text of a referral");
}

/* Runs entity_check_list on a query string; returns the status it answered
 * (0 when it accepted) and leaves the SQL in *sql (caller frees). */
static int check_list(const char *query, char **sql, char **body)
{
    struct http_request req;
    struct http_response resp;
    struct request_ctx ctx;
    const char *message;
    char q[1024];
    char *env[] = {"REQUEST_METHOD=GET", "DOCUMENT_URI=/api/v1/partners", q, NULL};
    struct db *db = db_open("");
    int status = -1;

    snprintf(q, sizeof(q), "QUERY_STRING=%s", query);
    *sql = *body = NULL;
    if (http_request_init(&req, env, &message))
        return 400;
    http_response_init(&resp);
    memset(&ctx, 0, sizeof(ctx));
    ctx.req = &req;
    ctx.resp = &resp;
    ctx.db = db;
    ctx.entity = entity_find("partners");
    if (entity_check_list(&ctx) == 0) {
        status = 0;
        *sql = strdup((char *)ctx.input);   /* struct entity_input starts with the SQL text */
    } else {
        status = resp.status;
        *body = resp.body ? strdup(resp.body) : NULL;
    }
    entity_free_input(ctx.input);
    http_response_free(&resp);
    http_request_free(&req);
    db_close(db);
    return status;
}

static void test_list_query(void)
{
    char *sql, *body;

    CHECK(check_list("", &sql, &body) == 0 && strstr(sql, "order by t.company asc, t.id"),
          "list: default sort by company, then id");
    free(sql);
    CHECK(check_list("sort=-revenueAttributed,company&type=referral&limit=10", &sql, &body) == 0 &&
              strstr(sql, "t.revenue_attributed desc nulls last, t.company asc") &&
              strstr(sql, "t.type in (select v::partner_type"),
          "list: sort keys and filter become SQL from the field table");
    free(sql);
    CHECK(check_list("status=active,expanding", &sql, &body) == 0 &&
              strstr(sql, "t.status_rank = any(array(select public.enum_position(v::partner_status)") &&
              !strstr(sql, "t.status in"),
          "list: a ranked status filters on its position (an index search under the row policies)");
    free(sql);
    CHECK(check_list("q=%27%3B%20drop%20table%20partners%3B--", &sql, &body) == 0 && !strstr(sql, "drop table"),
          "list: search text never enters SQL");
    free(sql);
    CHECK(check_list("status=active%27--", &sql, &body) == 0 && !strstr(sql, "active'"),
          "list: filter values never enter SQL");
    free(sql);
    CHECK(check_list("sort=company%3B%20drop", &sql, &body) == 400 && strstr(body, "\"sort\""),
          "list: an unknown sort key is 400 naming sort");
    free(body);
    CHECK(check_list("sort=notes", &sql, &body) == 400, "list: a field that is not sortable is 400");
    free(body);
    CHECK(check_list("colour=red", &sql, &body) == 400 && strstr(body, "\"colour\""),
          "list: an unknown parameter is 400 naming it");
    free(body);
    CHECK(check_list("limit=0", &sql, &body) == 400, "list: limit 0 is 400");
    free(body);
    CHECK(check_list("limit=501", &sql, &body) == 400, "list: limit over 500 is 400");
    free(body);
    CHECK(check_list("limit=ten", &sql, &body) == 400, "list: limit not a number is 400");
    free(body);
    CHECK(check_list("offset=-1", &sql, &body) == 400, "list: negative offset is 400");
    free(body);
    CHECK(check_list("deleted=maybe", &sql, &body) == 400, "list: deleted must be true or false");
    free(body);
    CHECK(check_list("deleted=true", &sql, &body) == 0 && strstr(sql, "deleted_at is not null"),
          "list: deleted=true lists the trash");
    free(sql);
    CHECK(check_list("owner=you", &sql, &body) == 400, "list: owner accepts only me");
    free(body);
    CHECK(check_list("owner=me&reviewDue=true&nextReviewBefore=2026-12-01", &sql, &body) == 0 &&
              strstr(sql, "current_user_id()") && strstr(sql, "next_review <"),
          "list: owner=me, reviewDue and nextReviewBefore");
    free(sql);
    CHECK(check_list("nextReviewBefore=2026-02-30", &sql, &body) == 422, "list: an impossible date is 422");
    free(body);
    CHECK(check_list("sort=a,b,c,d,e", &sql, &body) == 400, "list: at most four sort keys");
    free(body);
    CHECK(check_list("nextReview=2026-01-01..2026-03-31", &sql, &body) == 0 &&
              strstr(sql, "t.next_review >= $") && strstr(sql, "t.next_review <= $") && !strstr(sql, "2026-"),
          "list: a date range FROM..TO, its ends as parameters");
    free(sql);
    CHECK(check_list("nextReview=2026-01-01..soon", &sql, &body) == 422 && strstr(body, "\"nextReview\""),
          "list: a range with a bad end is 422 naming the field");
    free(body);
}

static void test_names(void)
{
    char out[64];

    db_api_name("owner_user_id", out, sizeof(out));
    CHECK_STR(out, "ownerUserId", "names: snake_case to camelCase");
    db_column_name("revenueAttributed", out, sizeof(out));
    CHECK_STR(out, "revenue_attributed", "names: camelCase to snake_case");
}

int main(void)
{
    if (entity_load_json(test_catalogue))
        return 1;
    test_match();
    test_list_query();
    test_names();
    return check_exit();
}
