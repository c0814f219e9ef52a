/* users.c: GET/POST /users, PATCH /users/{id}, and GET /health.
 *
 * Who may write is enforced twice: the route is admin-only (403 before any
 * work) and the users table's row-level security admits only admins. */
#include "users.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "db.h"
#include "invites.h"

enum users_statement { USERS_LIST, USERS_CREATE, USERS_PATCH, USERS_PING, USERS__MAX };

static const struct {
    const char *name;
    const char *sql;
} users_sql[USERS__MAX] = {
    [USERS_LIST] = {"users_list",
        "select json_build_object('items', coalesce(json_agg(json_build_object("
        " 'id', u.id, 'name', u.name, 'email', u.email, 'role', u.role, 'disabled', u.disabled)::jsonb"
        " || case when public.app_is_admin() then jsonb_build_object("   /* who can sign in, for admins */
        "     'hasPassword', public.auth_has_password(u.id),"
        "     'invite', (select json_build_object('id', i.id, 'expiresAt', i.expires_at) from public.invites i"
        "                where i.user_id = u.id and i.used_at is null and i.revoked_at is null"
        "                  and i.expires_at > now()))"
        "    else '{}'::jsonb end"
        " order by lower(u.name), u.id), '[]'::json))::text from public.users u"},
    [USERS_CREATE] = {"users_create",
        "select u ->> 'id', u::text from public.user_create($1, $2, $3::public.user_role, $4) u"},
    [USERS_PATCH] = {"users_patch",
        "update public.users u set"
        " name = case when $2::boolean then btrim($3) else u.name end,"
        " role = case when $4::boolean then $5::public.user_role else u.role end,"
        " disabled = case when $6::boolean then $7::boolean else u.disabled end"
        " where u.id = $1 and ($8::integer is null or u.version = $8)"
        " returning public.api_user(u)::text"},
    [USERS_PING] = {"health_ping", "select 1"},
};

static int users_statements[USERS__MAX];

int users_init(void)
{
    for (int i = 0; i < USERS__MAX; i++)
        if ((users_statements[i] = db_statement_register(users_sql[i].name, users_sql[i].sql)) < 0)
            return -1;
    return 0;
}

static struct pg_result *users_run(struct request_ctx *ctx, enum users_statement statement, int n,
                                   const char *const *values)
{
    struct pg_result *res = db_run(ctx->db, users_statements[statement], n, values);

    if (!(res = api_checked(ctx, res, "users")))
        return NULL;
    return res;
}

/* A role given in a body: NULL when absent; -1 after answering 422. */
static int users_role(struct request_ctx *ctx, const char **role)
{
    const json_t *labels = db_enum_labels(ctx->db, "user_role");
    const json_t *value = json_object_get(ctx->body, "role");

    *role = value ? json_string_value(value) : NULL;
    if (!*role || api_enum_has(labels, *role))
        return 0;
    {
        char *message = api_enum_message(labels);

        http_error_fields(ctx->resp, 422, "some fields are not valid",
                          json_pack("{s:s}", "role", message ? message : "is not a role"));
        free(message);
    }
    return -1;
}

/* GET /users: 200 every user's id, name, email, role (for owner pickers);
 * for admins also whether each has a password and their pending invitation. */
int users_list(struct request_ctx *ctx)
{
    struct pg_result *res = users_run(ctx, USERS_LIST, 0, NULL);

    if (!res)
        return -1;
    http_response_json(ctx->resp, 200, db_value(res, 0, 0), db_length(res, 0, 0));
    db_clear(res);
    return 0;
}

/* POST /users {"email","name","role","password"}: 201 the user (no password
 * or hash); without a password, 201 {"user","invite"}: the user and a
 * single-use link that sets their password (invites.c), so that nobody is
 * made who could never sign in.  403 for members; 409 email taken; 422
 * invalid. */
int users_create(struct request_ctx *ctx)
{
    static const char *const required[] = {"email", "name"};
    static const char *const optional[] = {"role", "password"};
    char hash[AUTH_HASH_TEXT_BYTES];
    const char *password, *role;
    const char *values[4];
    struct pg_result *res;

    if (auth_check_strings(ctx, required, 2, optional, 2) || auth_name_check(ctx, "name", 200) ||
        users_role(ctx, &role))
        return -1;
    password = json_string_value(json_object_get(ctx->body, "password"));
    if (password && (strlen(password) < AUTH_PASSWORD_MIN || strlen(password) > AUTH_PASSWORD_MAX)) {
        http_error_fields(ctx->resp, 422, "some fields are not valid",
                          json_pack("{s:s}", "password", "must be 8 to 1024 characters"));
        return -1;
    }
    if (password && auth_password_hash(password, hash)) {
        http_error(ctx->resp, 500, "out of memory");
        return -1;
    }
    values[0] = json_string_value(json_object_get(ctx->body, "email"));
    values[1] = json_string_value(json_object_get(ctx->body, "name"));
    values[2] = role;
    values[3] = password ? hash : NULL;
    if (!(res = users_run(ctx, USERS_CREATE, 4, values)))
        return -1;
    http_response_header(ctx->resp, "Location", "/api/v1/users/%s", db_value(res, 0, 0));
    if (password)
        http_response_json(ctx->resp, 201, db_value(res, 0, 1), db_length(res, 0, 1));
    else {
        json_t *invite = invite_new(ctx, db_value(res, 0, 0));
        json_t *body = invite ? json_pack("{s:o, s:o}", "user", json_loads(db_value(res, 0, 1), 0, NULL),
                                          "invite", invite) : NULL;

        if (invite && (!body || http_response_json_value(ctx->resp, 201, body)))
            http_error(ctx->resp, 500, "out of memory");
        json_decref(body);
        if (!invite || !body) {
            db_clear(res);
            return -1;
        }
    }
    db_clear(res);
    return 0;
}

/* PATCH /users/{id} {"name","role","disabled"}: 200 the user; 403 members
 * (but {"disabled"} of a contact of a partner they own); 404; 409 demoting
 * or disabling the last admin; 412 stale If-Match.
 * Disabling ends the user's sessions and tokens (a trigger does it). */
int users_patch(struct request_ctx *ctx)
{
    json_t *bad = json_object();
    json_t *name = json_object_get(ctx->body, "name");
    json_t *disabled = json_object_get(ctx->body, "disabled");
    const char *role, *key;
    json_t *value;
    char version[24];
    const char *values[8];
    struct pg_result *res;

    json_object_foreach(ctx->body, key, value) {
        if (strcmp(key, "name") && strcmp(key, "role") && strcmp(key, "disabled"))
            json_object_set_new(bad, key, json_string("is not accepted here"));
    }
    if (name && !json_is_string(name))
        json_object_set_new(bad, "name", json_string("must be a string"));
    if (json_object_get(ctx->body, "role") && !json_is_string(json_object_get(ctx->body, "role")))
        json_object_set_new(bad, "role", json_string("must be a string"));
    if (disabled && !json_is_boolean(disabled))
        json_object_set_new(bad, "disabled", json_string("must be true or false"));
    if (json_object_size(bad)) {
        http_error_fields(ctx->resp, 400, "some fields are not accepted or have the wrong type", bad);
        return -1;
    }
    json_decref(bad);
    /* A member may only enable or disable a contact of a partner they own
     * (the row policies admit no other user's row to them: 404). */
    if (!ctx->user.admin && (name || json_object_get(ctx->body, "role") || !disabled)) {
        http_error(ctx->resp, 403, "only an admin may do this");
        return -1;
    }
    if (auth_name_check(ctx, "name", 200) || users_role(ctx, &role))
        return -1;
    snprintf(version, sizeof(version), "%lld", ctx->if_match);
    values[0] = ctx->ids[0];
    values[1] = name ? "true" : "false";
    values[2] = name ? json_string_value(name) : NULL;
    values[3] = role ? "true" : "false";
    values[4] = role;
    values[5] = disabled ? "true" : "false";
    values[6] = disabled ? (json_is_true(disabled) ? "true" : "false") : NULL;
    values[7] = ctx->if_match >= 0 ? version : NULL;
    int rows;

    if (!(res = users_run(ctx, USERS_PATCH, 8, values)))
        return -1;
    rows = db_rows(res);
    if (rows == 0)
        http_error(ctx->resp, ctx->if_match >= 0 ? 412 : 404,
                   ctx->if_match >= 0 ? "no such user, or it was changed by someone else" : "no such user");
    else
        http_response_json(ctx->resp, 200, db_value(res, 0, 0), db_length(res, 0, 0));
    db_clear(res);
    return rows ? 0 : -1;
}

/* GET /health: 200 {"status":"ok","database":"ok"}; 503 when the database
 * cannot be reached.  No authentication: for load balancers. */
int health_get(struct request_ctx *ctx)
{
    static const char ok[] = "{\"status\":\"ok\",\"database\":\"ok\"}";
    static const char down[] = "{\"status\":\"unavailable\",\"database\":\"unreachable\","
                               "\"error\":{\"code\":\"unavailable\",\"message\":\"the database is unreachable\"}}";
    struct pg_result *res = NULL;
    bool up = db_ensure(ctx->db) == 0 && (res = db_run(ctx->db, users_statements[USERS_PING], 0, NULL)) && db_ok(res);

    if (res)
        db_clear(res);
    if (up)
        http_response_json(ctx->resp, 200, ok, sizeof(ok) - 1);
    else
        http_response_json(ctx->resp, 503, down, sizeof(down) - 1);
    return 0;
}
