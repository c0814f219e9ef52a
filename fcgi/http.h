/* http.h: the request as the program sees it, and the response it builds.
 *
 * Everything here is pure: parsing works on FastCGI's NAME=value parameter
 * array and on strings, so that tests/unit/test_http.c can drive it without
 * a server. */
#ifndef PARTNERSHIPS_HTTP_H
#define PARTNERSHIPS_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

enum http_method {
    HTTP_GET,
    HTTP_POST,
    HTTP_PATCH,
    HTTP_DELETE,
    HTTP_PUT,
    HTTP_HEAD,
    HTTP_OPTIONS,
    HTTP_METHOD__MAX
};

/* Hard input limits. */
enum {
    HTTP_MAX_BODY_BYTES = 1 << 20,   /* 413 over 1 MiB (fcgi/README.md "Limits"; nginx enforces it too) */
    HTTP_MAX_PARAMS = 32,            /* query parameters per request */
    HTTP_MAX_QUERY_BYTES = 8192,
    HTTP_MAX_PATH_BYTES = 2048,
    HTTP_MAX_HEADERS_BYTES = 2048,   /* response headers the program adds */
    HTTP_REQUEST_ID_BYTES = 64
};

struct http_param {
    char *name;   /* percent-decoded, owned by the request */
    char *value;
};

struct http_request {
    enum http_method method;       /* HTTP_METHOD__MAX: a method this program does not know */
    const char *method_name;
    const char *path;              /* DOCUMENT_URI: normalised by nginx */
    const char *query;             /* QUERY_STRING, raw */
    const char *content_type;
    long long content_length;      /* -1: none given */
    const char *cookie;
    const char *authorization;
    const char *csrf_token;
    const char *if_match;
    const char *idempotency_key;   /* Idempotency-Key: a create or an import sent again (router.c) */
    const char *remote_addr;
    const char *user_agent;
    const char *remote_user;       /* REMOTE_USER: set by nginx's authentication, trusted only in remote-user mode */
    const char *scheme;            /* REQUEST_SCHEME: "http" or "https" (NULL otherwise) */
    const char *host;              /* HTTP_HOST: a host name or address (NULL when it is anything else) */
    const char *port;              /* SERVER_PORT: the port nginx took the request on */
    const char *api_path;          /* PARTNERSHIPS_API_PATH: where nginx serves the API ("/partners/api/"), the
                                      session cookie's Path; "/" when not given or not a plain path */
    char request_id[HTTP_REQUEST_ID_BYTES];
    struct http_param params[HTTP_MAX_PARAMS];
    size_t nparams;
    char *body;                    /* NUL-terminated, owned; NULL when empty */
    size_t body_len;
};

struct http_response {
    int status;
    char headers[HTTP_MAX_HEADERS_BYTES];  /* "Name: value\r\n" lines */
    size_t headers_len;
    const char *content_type;              /* static string */
    char *body;                            /* owned */
    size_t body_len;
    size_t body_cap;
};

/* Reads the request line, headers and query from FastCGI parameters.  Returns
 * 0, or the HTTP status to answer at once (400 for a malformed query, 414 for
 * an oversized one) with *message set to a static explanation.  Owned memory
 * (params) is released by http_request_free(). */
int http_request_init(struct http_request *req, char *const *envp, const char **message);
void http_request_free(struct http_request *req);

/* Value of FastCGI parameter name in envp (the last, when given twice), or NULL. */
const char *http_env(char *const *envp, const char *name);

/* Splits a query string into percent-decoded parameters.  Returns 0, or -1
 * with *message set when it is malformed (bad escape, NUL, invalid UTF-8,
 * empty or repeated name, too many).  Strings in params are malloc'd; on -1
 * nothing is left allocated. */
int http_query_parse(const char *query, struct http_param *params, size_t max_params,
                     size_t *nparams, const char **message);

/* Looks up a parsed query parameter; NULL if absent. */
const char *http_param(const struct http_request *req, const char *name);

/* Copies the value of cookie name from a Cookie header into out (NUL
 * terminated).  Returns 0, or -1 when absent or longer than out_size - 1. */
int http_cookie_get(const char *header, const char *name, char *out, size_t out_size);

/* Parses If-Match.  Returns 0 with *version set (-1 when the header is absent
 * or "*"), or -1 when it is not a quoted version number (RFC 9110 13.1.1). */
int http_if_match_version(const char *header, long long *version);

/* True when the media type (ignoring case) equals type and a charset
 * parameter, if any, is UTF-8 (other parameters are ignored). */
bool http_content_type_is(const char *header, const char *type);

/* True when s is valid UTF-8 without NUL. */
bool http_utf8_valid(const char *s, size_t len);

/* The Status line text and the API error code of an HTTP status. */
const char *http_status_text(int status);
const char *http_error_code(int status);

/* Response building.  Each returns 0, or -1 when out of space/memory (the
 * response is then turned into a 500 by the caller). */
void http_response_init(struct http_response *resp);
void http_response_free(struct http_response *resp);
int http_response_header(struct http_response *resp, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int http_response_append(struct http_response *resp, const char *data, size_t len);
/* Sets status and a JSON body (copied). */
int http_response_json(struct http_response *resp, int status, const char *json, size_t len);
/* Sets status and a JSON value (serialised; not stolen). */
int http_response_json_value(struct http_response *resp, int status, const json_t *value);
/* The API's error body {"error":{"code","message"[,"fields"]}}.  fields, if
 * not NULL, is a JSON object and is stolen. */
void http_error(struct http_response *resp, int status, const char *message);
void http_error_fields(struct http_response *resp, int status, const char *message, json_t *fields);

#endif
