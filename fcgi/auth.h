/* auth.h: who is asking.  Session cookies and API tokens are 256-bit random
 * values; only their SHA-256 reaches the database.  The CSRF token of a
 * session is an HMAC of its cookie, so it needs no storage and cannot be
 * guessed without the cookie.  Passwords are argon2id (libsodium). */
#ifndef PARTNERSHIPS_AUTH_H
#define PARTNERSHIPS_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "api.h"

enum {
    AUTH_TOKEN_TEXT_BYTES = 64,      /* base64url of 32 bytes (43) + prefix + NUL */
    AUTH_PASSWORD_MIN = 8,
    AUTH_PASSWORD_MAX = 1024,
    AUTH_HASH_TEXT_BYTES = 128       /* crypto_pwhash_STRBYTES */
};

#define AUTH_COOKIE_NAME "partnerships_session"
#define AUTH_TOKEN_PREFIX "pt_"

/* Once per process, before anything else here.  Returns 0 or -1. */
int auth_init(void);

/* A new random token (with prefix, may be "") into out. */
void auth_token_new(const char *prefix, char out[AUTH_TOKEN_TEXT_BYTES]);

/* SHA-256 of a token's text. */
void auth_token_hash(const char *token, unsigned char out[API_TOKEN_HASH_BYTES]);

/* The CSRF token of a session cookie value. */
void auth_csrf_token(const char *session_token, char out[AUTH_TOKEN_TEXT_BYTES]);

/* argon2id hash of a password into out; 0, or -1 (out of memory). */
int auth_password_hash(const char *password, char out[AUTH_HASH_TEXT_BYTES]);

/* \x-hex text of a hash, the bytea input form. */
void auth_hash_text(const unsigned char hash[API_TOKEN_HASH_BYTES], char out[2 * API_TOKEN_HASH_BYTES + 3]);

/* The answer of a new session (token its cookie's value): the cookie, and
 * 200 {"user": user_json, "csrfToken"}.  Shared with invites.c. */
void auth_session_answer(struct request_ctx *ctx, const char *token, const char *user_json);
bool auth_password_verify(const char *hash, const char *password);

/* Reads the credentials of a request: a Bearer token, else the session
 * cookie, whose CSRF header is checked on state-changing methods.  Returns 0
 * with ctx->token_hash set, else the status to answer (401 none, 403 CSRF)
 * with *message set. */
int auth_credentials(struct request_ctx *ctx, const char **message);

/* Begins the request's transaction and, in the same round trip, finds the
 * user behind ctx->token_hash and makes them the acting user.  Returns 0, or the status to answer (401
 * when the session or token is unknown, expired or its user disabled; 503). */
int auth_begin(struct request_ctx *ctx);

/* In remote-user mode, a session cookie must belong to the user nginx
 * authenticated on this request: 0, or 401 when it belongs to another. */
int auth_check_remote_user(struct request_ctx *ctx);

/* Handlers (see api.h). */
int auth_session_create(struct request_ctx *ctx);
int auth_session_delete(struct request_ctx *ctx);
int auth_me(struct request_ctx *ctx);
int auth_password_change(struct request_ctx *ctx);
int auth_tokens_list(struct request_ctx *ctx);
int auth_tokens_create(struct request_ctx *ctx);
int auth_tokens_delete(struct request_ctx *ctx);

/* Checks a body holding exactly the string fields named in names (all
 * required unless listed in optional).  Returns 0, or -1 after answering
 * 400/422.  Shared with users.c. */
int auth_check_strings(struct request_ctx *ctx, const char *const *names, size_t nnames,
                       const char *const *optional, size_t noptional);

/* Checks the body's string field as a name of 1 to max characters (spaces
 * around it not counted) with something visible and no control character.
 * Returns 0 (also when the field is absent), or -1 after answering 422 that
 * names it.  Shared with users.c. */
int auth_name_check(struct request_ctx *ctx, const char *field, size_t max);

#endif
