/* api.h: what a route handler is given, and the route table's shape.
 *
 * A request reaches a handler only after server.c has checked, in order:
 * the method and route (404/405), the body's media type, size and JSON shape
 * (415/413/400), the credentials and CSRF token (401/403), the route's own
 * input check (400/422), and the database (503).  The handler then runs
 * inside one transaction in which the acting user is set; returning 0
 * commits it, -1 rolls it back.  Either way ctx->resp holds the answer. */
#ifndef PARTNERSHIPS_API_H
#define PARTNERSHIPS_API_H

#include <jansson.h>
#include <stdbool.h>
#include <time.h>

#include "http.h"
#include "input.h"

/* A numeric macro as a string literal, for messages and documentation
 * built from the constant itself. */
#define API_STR_(x) #x
#define API_STR(x) API_STR_(x)

struct db;
struct pg_result;
struct entity;

enum {
    API_ID_MAX = INPUT_ID_MAX,   /* a path id (input_id_valid) */
    API_TOKEN_HASH_BYTES = 32,
    API_MAX_PATH_IDS = 2
};

struct api_user {
    char id[API_ID_MAX + 1];
    bool admin;
    bool partner;      /* a partner's contact: the portal's routes only */
    char *json;        /* the user as the API shows it; owned, freed with the request */
};

struct request_ctx {
    struct http_request *req;
    struct http_response *resp;
    struct db *db;
    const struct route *route;
    struct entity *entity;                 /* collection routes */
    char ids[API_MAX_PATH_IDS][API_ID_MAX + 1];
    json_t *body;                          /* the JSON object, for ROUTE_JSON routes */
    bool authenticated;
    struct api_user user;
    unsigned char token_hash[API_TOKEN_HASH_BYTES];  /* SHA-256 of the session cookie or API token */
    bool via_cookie;
    void *input;                           /* a route check's parsed input, freed by its free_input */
    long long if_match;                    /* -1: none */
    /* An answer too large to build in memory (an export) goes out as it is
     * made: stream() writes the head (status, headers, no Content-Length)
     * first, then data; -1 when the client is gone.  An answer cut short
     * after its head sets stream_failed: the server then breaks the
     * connection, so that the client sees it incomplete, never ended. */
    int (*stream)(struct request_ctx *ctx, const char *data, size_t len);
    void *stream_arg;
    bool streamed;
    bool stream_failed;
    struct timespec deadline;              /* CLOCK_MONOTONIC: a long operation has committed by then or
                                              rolls back (PARTNERSHIPS_REQUEST_DEADLINE_SECONDS) */
};

enum route_flags {
    ROUTE_PUBLIC = 1 << 0,      /* no credentials needed; handler manages its own database work */
    ROUTE_JSON = 1 << 1,        /* takes a JSON object body */
    ROUTE_ADMIN = 1 << 2,       /* admins only (403 for members) */
    ROUTE_QUERY = 1 << 3,       /* takes query parameters (its check validates them) */
    ROUTE_CSV = 1 << 4,         /* takes a text/csv body (its check parses it) */
    ROUTE_IDEMPOTENT = 1 << 5,  /* takes Idempotency-Key: sent again, answered from the first (router.c) */
    ROUTE_SELF = 1 << 6,        /* the user's own session and password: partner users too */
    ROUTE_PORTAL = 1 << 7,      /* the partner portal: partner users only, as the role partnerships_portal */
};

typedef int (*route_fn)(struct request_ctx *ctx);

struct route {
    enum http_method method;
    const char *pattern;        /* below /api/v1; ":id" an id segment, ":collection" an entity */
    route_fn check;             /* optional: validate input before the database (0 ok, -1 answered) */
    route_fn handler;
    void (*free_input)(void *input);
    unsigned flags;
    /* The OpenAPI document's: a summary ("%s" is the collection on
     * collection routes) and a JSON object {"operationId"} ("{Collection}"
     * and "{Record}" in a collection route's: e.g. "Partners", "Partner"),
     * with, on other routes, {"tag", "body": request schema, "ok": status,
     * "response": schema, "errors": [statuses of its own]} besides. */
    const char *summary;
    const char *doc;
};

/* Whether value is one of an enumeration's labels (db_enum_labels). */
bool api_enum_has(const json_t *labels, const char *value);

/* "must be one of a, b, c" for an enumeration's labels (db_enum_labels); malloc'd. */
char *api_enum_message(const json_t *labels);

/* Answers a failed statement: 422/400 with fields, 409, 500 (logged). */
void api_db_error(struct request_ctx *ctx, const struct pg_result *res, const char *table);

/* A statement's result, checked: res when it succeeded; otherwise NULL
 * after answering 503 (res NULL: the connection was lost) or as
 * api_db_error() does (res is cleared).  The one way a handler turns a
 * failed statement into its answer: if (!(res = api_checked(...))) return. */
struct pg_result *api_checked(struct request_ctx *ctx, struct pg_result *res, const char *table);

/* Long operations (imports, exports; fcgi/README.md "Long operations").
 * api_long_operation() takes, for the request's transaction, the acting
 * user's one long operation and one of PARTNERSHIPS_LONG_OPERATIONS slots:
 * 0, or -1 after answering 429 (the user has one running) or 503 (all slots
 * busy), both with Retry-After.  api_deadline_left_ms(): what is left of the
 * request's deadline (0 once passed); api_deadline_answer(): the 503 of a
 * long operation rolled back at its deadline. */
int api_long_operation(struct request_ctx *ctx);
long api_deadline_left_ms(const struct request_ctx *ctx);
void api_deadline_answer(struct request_ctx *ctx, const char *message);

#endif
