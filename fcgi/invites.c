/* invites.c: single-use links that set a user's password and sign them in.
 *
 * The database keeps only a link's SHA-256 (sql/028_invitations.sql) and
 * decides everything about it: who may make or revoke one, and whether a
 * token is still good (once, within INVITE_DAYS, for an enabled user).  A
 * link is shown once, in the answer that made it. */
#include "invites.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "auth.h"
#include "config.h"
#include "db.h"

enum { INVITE_DAYS = 7 };

enum invites_statement { INVITES_CREATE, INVITES_REVOKE, INVITES_ACCEPT, INVITES_PARTNER, INVITES_PARTNER_LIST,
                         INVITES__MAX };

static const struct {
    const char *name;
    const char *sql;
} invites_sql[INVITES__MAX] = {
    [INVITES_CREATE] = {"invites_create",
        "select public.auth_invite_create($1, $2::bytea, make_interval(days => $3::integer))::text"},
    [INVITES_REVOKE] = {"invites_revoke", "select public.auth_invite_revoke($1)"},
    [INVITES_PARTNER] = {"invites_partner",
        "select public.auth_partner_invite($1, $2, $3, $4::bytea, make_interval(days => $5::integer))::text"},
    [INVITES_PARTNER_LIST] = {"invites_partner_list", "select public.auth_partner_invites($1)::text"},
    [INVITES_ACCEPT] = {"invites_accept",
        "select public.auth_invite_accept($1::bytea, $2, $3::bytea, make_interval(hours => $4::integer), $5, $6)::text"},
};

static int invites_statements[INVITES__MAX];

int invites_init(void)
{
    for (int i = 0; i < INVITES__MAX; i++)
        if ((invites_statements[i] = db_statement_register(invites_sql[i].name, invites_sql[i].sql)) < 0)
            return -1;
    return 0;
}

static struct pg_result *invites_run(struct request_ctx *ctx, enum invites_statement statement, int n,
                                     const char *const *values)
{
    return api_checked(ctx, db_run(ctx->db, invites_statements[statement], n, values), "users");
}

/* The app's address with the token after the #, which browsers never send
 * to a server (so the token is in no access log): PARTNERSHIPS_PUBLIC_URL,
 * else the request's scheme, host and port (nginx passes the host without
 * the port) and the app's path (the API's path without its "api/"). */
static json_t *invite_url(const struct request_ctx *ctx, const char *token)
{
    const struct http_request *req = ctx->req;
    size_t app_len = strlen(req->api_path);
    bool default_port = !req->port || (req->scheme && strcmp(req->scheme, "https") == 0 ? strcmp(req->port, "443") == 0
                                                                                         : strcmp(req->port, "80") == 0);
    char origin[300] = "", url[1024];

    if (config.public_url) {
        size_t len = strlen(config.public_url);

        while (len && config.public_url[len - 1] == '/')
            len--;
        snprintf(url, sizeof(url), "%.*s/#/invite?token=%s", (int)len, config.public_url, token);
        return json_string(url);
    }
    if (app_len >= 4 && strcmp(req->api_path + app_len - 4, "api/") == 0)
        app_len -= 4;
    if (req->scheme && req->host)
        snprintf(origin, sizeof(origin), "%s://%s%s%s", req->scheme, req->host, default_port ? "" : ":",
                 default_port ? "" : req->port);
    snprintf(url, sizeof(url), "%s%.*s#/invite?token=%s", origin, (int)app_len, req->api_path, token);
    return json_string(url);
}

/* A new token, its hash in values[hash_at] and the days in values[days_at];
 * statement makes the link and answers its JSON, to which the URL is added. */
static json_t *invite_make(struct request_ctx *ctx, enum invites_statement statement, const char **values, int n,
                           int hash_at, int days_at)
{
    char token[AUTH_TOKEN_TEXT_BYTES], hash[2 * API_TOKEN_HASH_BYTES + 3], days[8];
    unsigned char raw_hash[API_TOKEN_HASH_BYTES];
    struct pg_result *res;
    json_t *invite;

    auth_token_new("", token);
    auth_token_hash(token, raw_hash);
    auth_hash_text(raw_hash, hash);
    snprintf(days, sizeof(days), "%d", INVITE_DAYS);
    values[hash_at] = hash;
    values[days_at] = days;
    if (!(res = invites_run(ctx, statement, n, values))) {
        sodium_memzero(token, sizeof(token));
        return NULL;
    }
    invite = json_loads(db_value(res, 0, 0), 0, NULL);
    db_clear(res);
    if (!invite || json_object_set_new(invite, "url", invite_url(ctx, token))) {
        json_decref(invite);
        invite = NULL;
        http_error(ctx->resp, 500, "out of memory");
    }
    sodium_memzero(token, sizeof(token));
    return invite;
}

json_t *invite_new(struct request_ctx *ctx, const char *user_id)
{
    const char *values[] = {user_id, NULL, NULL};

    return invite_make(ctx, INVITES_CREATE, values, 3, 1, 2);
}

/* Answers 201 with a link just made. */
static int invite_answer(struct request_ctx *ctx, json_t *invite)
{
    if (!invite)
        return -1;
    http_response_header(ctx->resp, "Location", "/api/v1/invites/%s", json_string_value(json_object_get(invite, "id")));
    if (http_response_json_value(ctx->resp, 201, invite)) {
        http_error(ctx->resp, 500, "out of memory");
        json_decref(invite);
        return -1;
    }
    json_decref(invite);
    return 0;
}

/* POST /partners/{id}/invites {"email","name"}: 201 {"id","email","url",
 * "expiresAt"}: a contact of the partner invited to the portal, by its
 * owner or an admin (a user of the role partner, made now, with no
 * password until the link is used); 404 a partner not theirs; 409 the email
 * is a user's already. */
int invites_partner_create(struct request_ctx *ctx)
{
    static const char *const names[] = {"email", "name"};
    const char *values[5];

    if (auth_check_strings(ctx, names, 2, NULL, 0) || auth_name_check(ctx, "name", 200))
        return -1;
    values[0] = ctx->ids[0];
    values[1] = json_string_value(json_object_get(ctx->body, "email"));
    values[2] = json_string_value(json_object_get(ctx->body, "name"));
    return invite_answer(ctx, invite_make(ctx, INVITES_PARTNER, values, 5, 3, 4));
}

/* GET /partners/{id}/invites: 200 {"items":[{"id","email","name",
 * "expiresAt"}]}, the partner's pending invitations (never their links). */
int invites_partner_list(struct request_ctx *ctx)
{
    const char *values[] = {ctx->ids[0]};
    struct pg_result *res = invites_run(ctx, INVITES_PARTNER_LIST, 1, values);

    if (!res)
        return -1;
    http_response_json(ctx->resp, 200, db_value(res, 0, 0), db_length(res, 0, 0));
    db_clear(res);
    return 0;
}

/* POST /users/{id}/invites {}: 201 {"id","url","expiresAt"}, a new link for
 * the user (their earlier links end); admins only; 404 for no such user or
 * a disabled one. */
int invites_create(struct request_ctx *ctx)
{
    if (json_object_size(ctx->body)) {
        json_t *bad = json_object();
        const char *key;
        json_t *value;

        json_object_foreach(ctx->body, key, value)
            json_object_set_new(bad, key, json_string("is not accepted here"));
        http_error_fields(ctx->resp, 400, "this request takes an empty object {}", bad);
        return -1;
    }
    return invite_answer(ctx, invite_new(ctx, ctx->ids[0]));
}

/* DELETE /invites/{id}: 204 revoked; 404 for a link that is not pending or
 * not this user's to revoke (an admin may revoke any). */
int invites_delete(struct request_ctx *ctx)
{
    const char *values[] = {ctx->ids[0]};
    struct pg_result *res = invites_run(ctx, INVITES_REVOKE, 1, values);
    bool revoked;

    if (!res)
        return -1;
    revoked = strcmp(db_value(res, 0, 0), "t") == 0;
    db_clear(res);
    if (!revoked) {
        http_error(ctx->resp, 404, "no such pending invitation");
        return -1;
    }
    ctx->resp->status = 204;
    return 0;
}

/* POST /invites/accept {"token","password"}: 200 as POST /session (the
 * user, a CSRF token, the cookie); 422 for a password of the wrong length;
 * 410 for a token unknown, used, revoked or expired (the same answer for
 * each, so that a link's fate is not told to whoever holds a guess). */
int invites_accept(struct request_ctx *ctx)
{
    static const char *const names[] = {"token", "password"};
    char password_hash[AUTH_HASH_TEXT_BYTES], invite_hash[2 * API_TOKEN_HASH_BYTES + 3];
    char session[AUTH_TOKEN_TEXT_BYTES], session_hash[2 * API_TOKEN_HASH_BYTES + 3], hours[16];
    unsigned char raw_hash[API_TOKEN_HASH_BYTES];
    const char *values[] = {invite_hash, password_hash, session_hash, hours,
                            ctx->req->remote_addr ? ctx->req->remote_addr : "",
                            ctx->req->user_agent ? ctx->req->user_agent : ""};
    const char *password;
    struct pg_result *res;
    int rc = -1;

    if (auth_check_strings(ctx, names, 2, NULL, 0))
        return -1;
    password = json_string_value(json_object_get(ctx->body, "password"));
    if (strlen(password) < AUTH_PASSWORD_MIN || strlen(password) > AUTH_PASSWORD_MAX) {
        http_error_fields(ctx->resp, 422, "some fields are not valid",
                          json_pack("{s:s}", "password", "must be 8 to 1024 characters"));
        return -1;
    }
    if (auth_password_hash(password, password_hash)) {
        http_error(ctx->resp, 500, "out of memory");
        return -1;
    }
    auth_token_hash(json_string_value(json_object_get(ctx->body, "token")), raw_hash);
    auth_hash_text(raw_hash, invite_hash);
    auth_token_new("", session);
    auth_token_hash(session, raw_hash);
    auth_hash_text(raw_hash, session_hash);
    snprintf(hours, sizeof(hours), "%d", config.session_hours);
    if ((res = invites_run(ctx, INVITES_ACCEPT, 6, values))) {
        if (!db_value(res, 0, 0))
            http_error(ctx->resp, 410, "this invitation link was used, revoked or has expired; ask for a new one");
        else {
            auth_session_answer(ctx, session, db_value(res, 0, 0));
            rc = 0;
        }
        db_clear(res);
    }
    sodium_memzero(session, sizeof(session));
    sodium_memzero(password_hash, sizeof(password_hash));
    return rc;
}
