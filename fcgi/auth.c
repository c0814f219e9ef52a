/* auth.c: see auth.h. */
#include "auth.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "db.h"
#include "input.h"
#include "log.h"

static char auth_dummy_hash[AUTH_HASH_TEXT_BYTES];

enum auth_statement {
    AUTH_BEGIN,
    AUTH_LOGIN_ATTEMPT,
    AUTH_LOGIN_LOOKUP,
    AUTH_LOGIN_PASSED,
    AUTH_SESSION_CREATE,
    AUTH_SESSION_DELETE,
    AUTH_OWN_HASH,
    AUTH_PASSWORD_SET,
    AUTH_TOKEN_LIST,
    AUTH_TOKEN_CREATE,
    AUTH_TOKEN_DELETE,
    AUTH_TOKENS_END,
    AUTH_REMOTE_USER,
    AUTH__MAX
};

static const struct {
    const char *name;
    const char *sql;
} auth_sql[AUTH__MAX] = {
    [AUTH_BEGIN] = {"auth_begin",
        "select id, role = 'admin', user_json::text, role = 'partner' from public.auth_begin($1::bytea)"},
    [AUTH_LOGIN_ATTEMPT] = {"auth_login_attempt",
        "select public.auth_login_attempt($1, $2, $3::integer, $4::integer, make_interval(mins => $5::integer))"},
    [AUTH_LOGIN_LOOKUP] = {"auth_login_lookup", "select user_id, password_hash from public.auth_login_lookup($1)"},
    [AUTH_LOGIN_PASSED] = {"auth_login_passed", "select public.auth_login_passed($1, $2)"},
    [AUTH_SESSION_CREATE] = {"auth_session_create",
        "select public.auth_session_create($1, $2::bytea, make_interval(hours => $3::integer), $4, $5)::text"},
    [AUTH_SESSION_DELETE] = {"auth_session_delete", "select public.auth_session_delete($1::bytea)"},
    [AUTH_OWN_HASH] = {"auth_own_hash",
        "select l.password_hash from public.users u, public.auth_login_lookup(u.email) l"
        " where u.id = public.current_user_id()"},
    [AUTH_PASSWORD_SET] = {"auth_password_set", "select public.auth_password_set($1, $2::bytea)"},
    [AUTH_TOKEN_LIST] = {"auth_token_list", "select public.auth_token_list()::text"},
    [AUTH_TOKEN_CREATE] = {"auth_token_create", "select public.auth_token_create($1, $2::bytea)::text"},
    [AUTH_TOKEN_DELETE] = {"auth_token_delete", "select public.auth_token_delete($1)"},
    [AUTH_TOKENS_END] = {"auth_tokens_end", "select public.auth_tokens_end()"},
    [AUTH_REMOTE_USER] = {"auth_remote_user", "select public.auth_remote_user($1)"},
};

static int auth_statements[AUTH__MAX];

int auth_init(void)
{
    if (sodium_init() < 0)
        return -1;
    for (int i = 0; i < AUTH__MAX; i++)
        if ((auth_statements[i] = db_statement_register(auth_sql[i].name, auth_sql[i].sql)) < 0)
            return -1;
    return 0;
}

void auth_token_new(const char *prefix, char out[AUTH_TOKEN_TEXT_BYTES])
{
    unsigned char raw[32];
    size_t len = strlen(prefix);

    randombytes_buf(raw, sizeof(raw));
    memcpy(out, prefix, len);
    sodium_bin2base64(out + len, AUTH_TOKEN_TEXT_BYTES - len, raw, sizeof(raw),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void auth_token_hash(const char *token, unsigned char out[API_TOKEN_HASH_BYTES])
{
    crypto_hash_sha256(out, (const unsigned char *)token, strlen(token));
}

void auth_csrf_token(const char *session_token, char out[AUTH_TOKEN_TEXT_BYTES])
{
    static const char purpose[] = "partnerships csrf v1";
    unsigned char key[crypto_auth_hmacsha256_KEYBYTES];
    unsigned char mac[crypto_auth_hmacsha256_BYTES];

    crypto_hash_sha256(key, (const unsigned char *)session_token, strlen(session_token));
    crypto_auth_hmacsha256(mac, (const unsigned char *)purpose, sizeof(purpose) - 1, key);
    sodium_bin2base64(out, AUTH_TOKEN_TEXT_BYTES, mac, sizeof(mac), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int auth_password_hash(const char *password, char out[AUTH_HASH_TEXT_BYTES])
{
    return crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                             crypto_pwhash_MEMLIMIT_INTERACTIVE);
}

bool auth_password_verify(const char *hash, const char *password)
{
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

void auth_hash_text(const unsigned char hash[API_TOKEN_HASH_BYTES], char out[2 * API_TOKEN_HASH_BYTES + 3])
{
    out[0] = '\\';
    out[1] = 'x';
    sodium_bin2hex(out + 2, 2 * API_TOKEN_HASH_BYTES + 1, hash, API_TOKEN_HASH_BYTES);
}

static bool auth_method_changes_state(enum http_method method)
{
    return method != HTTP_GET && method != HTTP_HEAD && method != HTTP_OPTIONS;
}

int auth_credentials(struct request_ctx *ctx, const char **message)
{
    const struct http_request *req = ctx->req;
    char cookie[AUTH_TOKEN_TEXT_BYTES];

    if (req->authorization && strncmp(req->authorization, "Bearer ", 7) == 0) {
        const char *token = req->authorization + 7;

        if (strlen(token) >= AUTH_TOKEN_TEXT_BYTES) {
            *message = "the API token is not valid";
            return 401;
        }
        auth_token_hash(token, ctx->token_hash);
        return 0;
    }
    if (http_cookie_get(req->cookie, AUTH_COOKIE_NAME, cookie, sizeof(cookie)) == 0 && cookie[0]) {
        if (auth_method_changes_state(req->method)) {
            char expected[AUTH_TOKEN_TEXT_BYTES];
            size_t len;

            auth_csrf_token(cookie, expected);
            len = strlen(expected);
            if (!req->csrf_token || strlen(req->csrf_token) != len ||
                sodium_memcmp(req->csrf_token, expected, len) != 0) {
                *message = "the X-CSRF-Token header is missing or wrong; get it from GET /api/v1/me";
                return 403;
            }
        }
        auth_token_hash(cookie, ctx->token_hash);
        ctx->via_cookie = true;
        return 0;
    }
    *message = "sign in first (POST /api/v1/session) or send an API token";
    return 401;
}

int auth_begin(struct request_ctx *ctx)
{
    char hash[2 * API_TOKEN_HASH_BYTES + 3];
    const char *values[1] = {hash};
    struct pg_result *res;
    int status = 401;

    auth_hash_text(ctx->token_hash, hash);
    db_begin_with_next(ctx->db);
    res = db_run(ctx->db, auth_statements[AUTH_BEGIN], 1, values);
    if (!res)
        return 503;
    if (!db_ok(res)) {
        log_error("request_id=%s auth: %s", ctx->req->request_id, db_error_detail(res));
        status = 503;
    } else if (db_rows(res) == 1) {
        snprintf(ctx->user.id, sizeof(ctx->user.id), "%s", db_value(res, 0, 0));
        ctx->user.admin = strcmp(db_value(res, 0, 1), "t") == 0;
        ctx->user.partner = strcmp(db_value(res, 0, 3), "t") == 0;
        free(ctx->user.json);   /* a transaction run again (router.c) begins again */
        ctx->user.json = strdup(db_value(res, 0, 2));
        ctx->authenticated = ctx->user.json != NULL;
        status = ctx->authenticated ? 0 : 500;
    }
    db_clear(res);
    return status;
}

int auth_check_strings(struct request_ctx *ctx, const char *const *names, size_t nnames,
                       const char *const *optional, size_t noptional)
{
    json_t *bad = json_object();
    const char *key;
    json_t *value;

    if (!bad) {
        http_error(ctx->resp, 500, "out of memory");
        return -1;
    }
    json_object_foreach(ctx->body, key, value) {
        bool known = false;

        for (size_t i = 0; i < nnames; i++)
            known = known || strcmp(key, names[i]) == 0;
        for (size_t i = 0; i < noptional; i++)
            known = known || strcmp(key, optional[i]) == 0;
        if (!known)
            json_object_set_new(bad, key, json_string("is not accepted here"));
        else if (!json_is_string(value))
            json_object_set_new(bad, key, json_string("must be a string"));
    }
    if (json_object_size(bad)) {
        http_error_fields(ctx->resp, 400, "some fields are not accepted or have the wrong type", bad);
        return -1;
    }
    for (size_t i = 0; i < nnames; i++)
        if (!json_object_get(ctx->body, names[i]))
            json_object_set_new(bad, names[i], json_string("is required"));
    if (json_object_size(bad)) {
        http_error_fields(ctx->resp, 422, "some fields are missing", bad);
        return -1;
    }
    json_decref(bad);
    return 0;
}

/* A statement outside a request transaction; NULL after answering 503/500. */
static struct pg_result *auth_run(struct request_ctx *ctx, enum auth_statement statement, int n,
                                  const char *const *values)
{
    struct pg_result *res = db_run(ctx->db, auth_statements[statement], n, values);

    if (!(res = api_checked(ctx, res, NULL)))
        return NULL;
    return res;
}

static void auth_set_cookie(struct request_ctx *ctx, const char *value, int max_age)
{
    http_response_header(ctx->resp, "Set-Cookie", "%s=%s; Path=%s; Max-Age=%d; HttpOnly; SameSite=Strict%s",
                         AUTH_COOKIE_NAME, value, ctx->req->api_path, max_age,
                         config.cookie_secure ? "; Secure" : "");
}

/* {"user": <json>, "csrfToken": <token or null>} */
static void auth_answer_user(struct request_ctx *ctx, const char *user_json, const char *csrf)
{
    json_t *user = json_loads(user_json, 0, NULL);
    json_t *body = json_pack("{s:o*, s:s?}", "user", user, "csrfToken", csrf);

    if (!body || http_response_json_value(ctx->resp, 200, body))
        http_error(ctx->resp, 500, "out of memory");
    json_decref(body);
}

void auth_session_answer(struct request_ctx *ctx, const char *token, const char *user_json)
{
    char csrf[AUTH_TOKEN_TEXT_BYTES];

    auth_csrf_token(token, csrf);
    auth_set_cookie(ctx, token, config.session_hours * 3600);
    auth_answer_user(ctx, user_json, csrf);
}

/* A new session for user_id: the cookie, and 200 with the user and the
 * CSRF token.  Returns 0, or -1 after answering. */
static int auth_session_start(struct request_ctx *ctx, const char *user_id)
{
    char token[AUTH_TOKEN_TEXT_BYTES], hash[2 * API_TOKEN_HASH_BYTES + 3], hours[16];
    const char *addr = ctx->req->remote_addr ? ctx->req->remote_addr : "";
    const char *ua = ctx->req->user_agent ? ctx->req->user_agent : "";
    const char *values[] = {user_id, hash, hours, addr, ua};
    struct pg_result *res;

    snprintf(hours, sizeof(hours), "%d", config.session_hours);
    auth_token_new("", token);
    auth_token_hash(token, ctx->token_hash);
    auth_hash_text(ctx->token_hash, hash);
    res = auth_run(ctx, AUTH_SESSION_CREATE, 5, values);
    if (res) {
        auth_session_answer(ctx, token, db_value(res, 0, 0));
        db_clear(res);
        snprintf(ctx->user.id, sizeof(ctx->user.id), "%s", user_id);
    }
    sodium_memzero(token, sizeof(token));
    return res ? 0 : -1;
}

/* The email of the user nginx authenticated (REMOTE_USER), in remote-user
 * mode only: a name without @ gets PARTNERSHIPS_REMOTE_USER_DOMAIN.
 * Returns 0 with out filled, or -1 when there is none to trust. */
static int auth_remote_email(const struct request_ctx *ctx, char *out, size_t out_size)
{
    const char *name = ctx->req->remote_user;
    int n;

    if (!config.trust_remote_user || !name)
        return -1;
    if (strchr(name, '@'))
        n = snprintf(out, out_size, "%s", name);
    else if (config.remote_user_domain)
        n = snprintf(out, out_size, "%s@%s", name, config.remote_user_domain);
    else
        return -1;
    return n > 0 && (size_t)n < out_size ? 0 : -1;
}

/* POST /session {} in remote-user mode: a session for the user nginx
 * authenticated, found by email or created as a member; 401 when the name
 * is no email (and no domain is set) or the account is disabled. */
static int auth_session_remote(struct request_ctx *ctx)
{
    char email[256];
    const char *values[] = {email};
    struct pg_result *res;
    int rc;

    if (auth_remote_email(ctx, email, sizeof(email))) {
        http_error(ctx->resp, 401, "the sign-on name is not an email address; set PARTNERSHIPS_REMOTE_USER_DOMAIN");
        return -1;
    }
    if (!(res = auth_run(ctx, AUTH_REMOTE_USER, 1, values)))
        return -1;
    if (!db_value(res, 0, 0)) {
        db_clear(res);
        http_error(ctx->resp, 401, "this account is disabled");
        return -1;
    }
    rc = auth_session_start(ctx, db_value(res, 0, 0));
    db_clear(res);
    return rc;
}

int auth_check_remote_user(struct request_ctx *ctx)
{
    char email[256];
    json_t *user;
    const char *session_email;
    int status = 0;

    if (!ctx->via_cookie || auth_remote_email(ctx, email, sizeof(email)))
        return 0;
    user = json_loads(ctx->user.json, 0, NULL);
    session_email = json_string_value(json_object_get(user, "email"));
    if (!session_email || strcasecmp(session_email, email) != 0)
        status = 401;
    json_decref(user);
    return status;
}

/* POST /session {"email","password"}: 200 with the user and a CSRF token
 * and the session cookie; 401 for a wrong email or password (the same answer,
 * and the same argon2 work, for both); 429 after too many failures of this
 * account from this address, or of any account from this address.  The
 * attempt is counted before the password is verified, in the statement
 * that allows it (sql/019_sign_in_limits.sql): attempts made at once cannot
 * all pass a check that none of them has counted in yet. */
int auth_session_create(struct request_ctx *ctx)
{
    static const char *const names[] = {"email", "password"};
    char max_account[16], max_address[16], window[16];
    const char *email, *password, *addr = ctx->req->remote_addr ? ctx->req->remote_addr : "";
    struct pg_result *res;
    char user_id[API_ID_MAX + 1] = "";
    char hash_copy[AUTH_HASH_TEXT_BYTES] = "";
    bool verified;

    /* Remote-user mode: nginx has authenticated the user; {} signs in. */
    if (config.trust_remote_user && ctx->req->remote_user && json_object_size(ctx->body) == 0)
        return auth_session_remote(ctx);
    if (auth_check_strings(ctx, names, 2, NULL, 0))
        return -1;
    email = json_string_value(json_object_get(ctx->body, "email"));
    password = json_string_value(json_object_get(ctx->body, "password"));
    snprintf(max_account, sizeof(max_account), "%d", config.login_max_failures);
    snprintf(max_address, sizeof(max_address), "%d", config.login_max_failures_address);
    snprintf(window, sizeof(window), "%d", config.login_window_minutes);

    {
        const char *values[] = {email, addr, max_account, max_address, window};

        if (!(res = auth_run(ctx, AUTH_LOGIN_ATTEMPT, 5, values)))
            return -1;
        if (strcmp(db_value(res, 0, 0), "t") != 0) {
            db_clear(res);
            http_response_header(ctx->resp, "Retry-After", "%d", config.login_window_minutes * 60);
            http_error(ctx->resp, 429, "too many failed sign-ins; wait and try again");
            return -1;
        }
        db_clear(res);
    }
    {
        const char *values[] = {email};

        if (!(res = auth_run(ctx, AUTH_LOGIN_LOOKUP, 1, values)))
            return -1;
        if (db_rows(res) == 1) {
            snprintf(user_id, sizeof(user_id), "%s", db_value(res, 0, 0));
            snprintf(hash_copy, sizeof(hash_copy), "%s", db_value(res, 0, 1));
        }
        db_clear(res);
    }
    /* The same work whether or not the account exists (no timing oracle);
     * the stand-in hash is made on first need (argon2 costs ~0.1 s). */
    if (!auth_dummy_hash[0] && auth_password_hash("not a password of anyone", auth_dummy_hash)) {
        http_error(ctx->resp, 500, "out of memory");
        return -1;
    }
    verified = auth_password_verify(user_id[0] ? hash_copy : auth_dummy_hash, password) && user_id[0];
    sodium_memzero(hash_copy, sizeof(hash_copy));
    if (!verified) {
        http_error(ctx->resp, 401, "wrong email or password");   /* counted already */
        return -1;
    }
    {
        const char *passed_values[] = {email, addr};

        if (auth_session_start(ctx, user_id))
            return -1;
        if ((res = auth_run(ctx, AUTH_LOGIN_PASSED, 2, passed_values)))
            db_clear(res);
    }
    return 0;
}

/* DELETE /session: 204; the session is gone on the server.  Sent with an
 * API token, 400: it ended nothing before (a token is no session), and a
 * script that means to give up its token says which, by its id. */
int auth_session_delete(struct request_ctx *ctx)
{
    char hash[2 * API_TOKEN_HASH_BYTES + 3];
    const char *values[] = {hash};
    struct pg_result *res;

    if (!ctx->via_cookie) {
        http_error(ctx->resp, 400, "an API token is no session: revoke it with DELETE /api/v1/me/tokens/{id}");
        return -1;
    }
    auth_hash_text(ctx->token_hash, hash);
    if (!(res = auth_run(ctx, AUTH_SESSION_DELETE, 1, values)))
        return -1;
    db_clear(res);
    auth_set_cookie(ctx, "", 0);
    ctx->resp->status = 204;
    return 0;
}

/* GET /me: 200 the user and the session's CSRF token (null for API tokens). */
int auth_me(struct request_ctx *ctx)
{
    char cookie[AUTH_TOKEN_TEXT_BYTES], csrf[AUTH_TOKEN_TEXT_BYTES];
    bool has_csrf = ctx->via_cookie &&
                    http_cookie_get(ctx->req->cookie, AUTH_COOKIE_NAME, cookie, sizeof(cookie)) == 0;

    if (has_csrf)
        auth_csrf_token(cookie, csrf);
    auth_answer_user(ctx, ctx->user.json, has_csrf ? csrf : NULL);
    return 0;
}

/* POST /me/password {"currentPassword","newPassword","endTokens"}: 204,
 * other sessions end, and with "endTokens": true every API token of the
 * user too (the one the request came with included); 422 when the current
 * password is wrong or the new one too short. */
int auth_password_change(struct request_ctx *ctx)
{
    static const char *const names[] = {"currentPassword", "newPassword"};
    char hash[AUTH_HASH_TEXT_BYTES], keep[2 * API_TOKEN_HASH_BYTES + 3];
    const char *current, *fresh;
    struct pg_result *res;
    json_t *end_tokens = json_object_get(ctx->body, "endTokens");
    bool verified;
    size_t len;

    /* endTokens is the one field that is no string: checked, then set
     * aside while the strings are. */
    if (end_tokens && !json_is_boolean(end_tokens)) {
        http_error_fields(ctx->resp, 400, "some fields are not accepted or have the wrong type",
                          json_pack("{s:s}", "endTokens", "must be true or false"));
        return -1;
    }
    json_incref(end_tokens);
    json_object_del(ctx->body, "endTokens");
    if (auth_check_strings(ctx, names, 2, NULL, 0)) {
        json_decref(end_tokens);
        return -1;
    }
    json_object_set_new(ctx->body, "endTokens", end_tokens ? end_tokens : json_false());
    current = json_string_value(json_object_get(ctx->body, "currentPassword"));
    fresh = json_string_value(json_object_get(ctx->body, "newPassword"));
    len = strlen(fresh);
    if (len < AUTH_PASSWORD_MIN || len > AUTH_PASSWORD_MAX) {
        http_error_fields(ctx->resp, 422, "the new password is not acceptable",
                          json_pack("{s:s}", "newPassword", "must be 8 to 1024 characters"));
        return -1;
    }
    if (!(res = auth_run(ctx, AUTH_OWN_HASH, 0, NULL)))
        return -1;
    verified = db_rows(res) == 1 && auth_password_verify(db_value(res, 0, 0), current);
    db_clear(res);
    if (!verified) {
        http_error_fields(ctx->resp, 422, "the current password is wrong",
                          json_pack("{s:s}", "currentPassword", "is wrong"));
        return -1;
    }
    if (auth_password_hash(fresh, hash)) {
        http_error(ctx->resp, 500, "out of memory");
        return -1;
    }
    auth_hash_text(ctx->token_hash, keep);
    {
        const char *values[] = {hash, ctx->via_cookie ? keep : NULL};

        if (!(res = auth_run(ctx, AUTH_PASSWORD_SET, 2, values)))
            return -1;
        db_clear(res);
    }
    if (json_is_true(json_object_get(ctx->body, "endTokens"))) {
        if (!(res = auth_run(ctx, AUTH_TOKENS_END, 0, NULL)))
            return -1;
        db_clear(res);
    }
    ctx->resp->status = 204;
    return 0;
}

/* GET /me/tokens: 200 {"items":[{"id","name","createdAt","lastUsedAt"}]}. */
int auth_tokens_list(struct request_ctx *ctx)
{
    struct pg_result *res = auth_run(ctx, AUTH_TOKEN_LIST, 0, NULL);

    if (!res)
        return -1;
    http_response_json(ctx->resp, 200, db_value(res, 0, 0), db_length(res, 0, 0));
    db_clear(res);
    return 0;
}

/* A name of the body that must have 1 to max characters, not counting the
 * spaces around it (the database trims them), no control character and
 * something visible: 0, or -1 after answering 422 naming the field. */
int auth_name_check(struct request_ctx *ctx, const char *field, size_t max)
{
    const char *name = json_string_value(json_object_get(ctx->body, field));
    const char *problem;
    size_t len, lead = 0;

    if (!name)
        return 0;
    len = strlen(name);
    while (lead < len && name[lead] == ' ')
        lead++;
    while (len > lead && name[len - 1] == ' ')
        len--;
    problem = input_text_problem(name);
    if (!problem) {
        char *trimmed = strndup(name + lead, len - lead);

        if (!trimmed) {
            http_error(ctx->resp, 500, "out of memory");
            return -1;
        }
        if (input_utf8_length(trimmed) > max)
            problem = "is too long";
        free(trimmed);
    }
    if (problem) {
        char message[64];

        snprintf(message, sizeof(message), "%s (1 to %zu characters)", problem, max);
        http_error_fields(ctx->resp, 422, "some fields are not valid", json_pack("{s:s}", field, message));
        return -1;
    }
    return 0;
}

/* POST /me/tokens {"name"}: 201 the token record with "token", shown once. */
int auth_tokens_create(struct request_ctx *ctx)
{
    static const char *const names[] = {"name"};
    char token[AUTH_TOKEN_TEXT_BYTES], hash[2 * API_TOKEN_HASH_BYTES + 3];
    unsigned char raw_hash[API_TOKEN_HASH_BYTES];
    const char *values[2];
    struct pg_result *res;
    json_t *body;

    if (auth_check_strings(ctx, names, 1, NULL, 0) || auth_name_check(ctx, "name", 100))
        return -1;
    auth_token_new(AUTH_TOKEN_PREFIX, token);
    auth_token_hash(token, raw_hash);
    auth_hash_text(raw_hash, hash);
    values[0] = json_string_value(json_object_get(ctx->body, "name"));
    values[1] = hash;
    if (!(res = auth_run(ctx, AUTH_TOKEN_CREATE, 2, values)))
        return -1;
    body = json_loads(db_value(res, 0, 0), 0, NULL);
    db_clear(res);
    if (!body || json_object_set_new(body, "token", json_string(token)) ||
        http_response_json_value(ctx->resp, 201, body)) {
        http_error(ctx->resp, 500, "out of memory");
        json_decref(body);
        return -1;
    }
    http_response_header(ctx->resp, "Location", "/api/v1/me/tokens/%s",
                         json_string_value(json_object_get(body, "id")));
    json_decref(body);
    sodium_memzero(token, sizeof(token));
    return 0;
}

/* DELETE /me/tokens/{id}: 204; 404 for a token that is not the user's. */
int auth_tokens_delete(struct request_ctx *ctx)
{
    const char *values[] = {ctx->ids[0]};
    struct pg_result *res = auth_run(ctx, AUTH_TOKEN_DELETE, 1, values);
    bool deleted;

    if (!res)
        return -1;
    deleted = strcmp(db_value(res, 0, 0), "t") == 0;
    db_clear(res);
    if (!deleted) {
        http_error(ctx->resp, 404, "no such token");
        return -1;
    }
    ctx->resp->status = 204;
    return 0;
}

