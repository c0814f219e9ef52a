/* http.c: request parsing and response building (see http.h). */
#include "http.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
    const char *name;
    enum http_method method;
} http_methods[] = {
    {"GET", HTTP_GET},       {"POST", HTTP_POST}, {"PATCH", HTTP_PATCH}, {"DELETE", HTTP_DELETE},
    {"PUT", HTTP_PUT},       {"HEAD", HTTP_HEAD}, {"OPTIONS", HTTP_OPTIONS},
};

static const struct {
    int status;
    const char *text;
    const char *code;   /* fcgi/README.md "Errors" */
} http_statuses[] = {
    {200, "OK", NULL},
    {201, "Created", NULL},
    {204, "No Content", NULL},
    {400, "Bad Request", "bad_request"},
    {401, "Unauthorized", "unauthenticated"},
    {403, "Forbidden", "forbidden"},
    {404, "Not Found", "not_found"},
    {405, "Method Not Allowed", "method_not_allowed"},
    {409, "Conflict", "conflict"},
    {410, "Gone", "gone"},
    {412, "Precondition Failed", "precondition_failed"},
    {413, "Content Too Large", "too_large"},
    {414, "URI Too Long", "bad_request"},
    {415, "Unsupported Media Type", "unsupported_media_type"},
    {422, "Unprocessable Content", "validation"},
    {429, "Too Many Requests", "rate_limited"},
    {500, "Internal Server Error", "internal"},
    {503, "Service Unavailable", "unavailable"},
};

const char *http_status_text(int status)
{
    for (size_t i = 0; i < sizeof(http_statuses) / sizeof(http_statuses[0]); i++)
        if (http_statuses[i].status == status)
            return http_statuses[i].text;
    return "Unknown";
}

const char *http_error_code(int status)
{
    for (size_t i = 0; i < sizeof(http_statuses) / sizeof(http_statuses[0]); i++)
        if (http_statuses[i].status == status && http_statuses[i].code)
            return http_statuses[i].code;
    return "internal";
}

const char *http_env(char *const *envp, const char *name)
{
    size_t len = strlen(name);
    const char *value = NULL;

    /* The last one: a fastcgi_param after `include fastcgi_params` overrides
     * the included one (REMOTE_USER from an SSO), as PHP-FPM reads them. */
    for (; envp && *envp; envp++)
        if (strncmp(*envp, name, len) == 0 && (*envp)[len] == '=')
            value = *envp + len + 1;
    return value;
}

bool http_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    const unsigned char *end = p + len;

    while (p < end) {
        unsigned char c = *p;
        size_t extra;
        unsigned long cp;

        if (c == 0)
            return false;
        if (c < 0x80) {
            p++;
            continue;
        }
        if ((c & 0xE0) == 0xC0) {
            extra = 1;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            extra = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if ((size_t)(end - p) <= extra)
            return false;
        for (size_t i = 1; i <= extra; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        /* Overlong forms, surrogates and values past U+10FFFF (RFC 3629 3). */
        if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000) ||
            (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
            return false;
        p += extra + 1;
    }
    return true;
}

static int http_hex(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Percent-decodes [s, s + len) into a new string ('+' is a space, as in
 * application/x-www-form-urlencoded).  NULL when malformed or out of memory. */
static char *http_decode(const char *s, size_t len)
{
    char *out = malloc(len + 1);
    size_t n = 0;

    if (!out)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '%') {
            int hi, lo;

            if (i + 2 >= len) {
                free(out);
                return NULL;
            }
            hi = http_hex((unsigned char)s[i + 1]);
            lo = http_hex((unsigned char)s[i + 2]);
            if (hi < 0 || lo < 0) {
                free(out);
                return NULL;
            }
            out[n++] = (char)(hi * 16 + lo);
            i += 2;
        } else if (s[i] == '+') {
            out[n++] = ' ';
        } else {
            out[n++] = s[i];
        }
    }
    out[n] = '\0';
    if (!http_utf8_valid(out, n)) {
        free(out);
        return NULL;
    }
    return out;
}

static void http_params_free(struct http_param *params, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(params[i].name);
        free(params[i].value);
        params[i].name = params[i].value = NULL;
    }
}

int http_query_parse(const char *query, struct http_param *params, size_t max_params,
                     size_t *nparams, const char **message)
{
    const char *p = query ? query : "";
    size_t n = 0;

    *nparams = 0;
    if (strlen(p) > HTTP_MAX_QUERY_BYTES) {
        *message = "the query string is too long";
        return -1;
    }
    while (*p) {
        const char *end = strchr(p, '&');
        const char *eq;
        size_t len = end ? (size_t)(end - p) : strlen(p);

        if (len == 0) {          /* "a=1&&b=2" or a trailing '&' */
            p += end ? 1 : 0;
            if (!end)
                break;
            continue;
        }
        if (n == max_params) {
            *message = "too many query parameters";
            goto fail;
        }
        eq = memchr(p, '=', len);
        params[n].name = http_decode(p, eq ? (size_t)(eq - p) : len);
        params[n].value = eq ? http_decode(eq + 1, len - (size_t)(eq - p) - 1) : strdup("");
        if (!params[n].name || !params[n].value) {
            n++;
            *message = "a query parameter is not correctly percent-encoded UTF-8";
            goto fail;
        }
        if (params[n].name[0] == '\0') {
            n++;
            *message = "a query parameter has no name";
            goto fail;
        }
        for (size_t i = 0; i < n; i++) {
            if (strcmp(params[i].name, params[n].name) == 0) {
                n++;
                *message = "a query parameter is given twice (list several values with commas)";
                goto fail;
            }
        }
        n++;
        if (!end)
            break;
        p = end + 1;
    }
    *nparams = n;
    return 0;
fail:
    http_params_free(params, n);
    return -1;
}

const char *http_param(const struct http_request *req, const char *name)
{
    for (size_t i = 0; i < req->nparams; i++)
        if (strcmp(req->params[i].name, name) == 0)
            return req->params[i].value;
    return NULL;
}

int http_cookie_get(const char *header, const char *name, char *out, size_t out_size)
{
    size_t name_len = strlen(name);
    const char *p = header;

    /* RFC 6265 5.4: cookie-pair *( ";" SP cookie-pair ) */
    while (p && *p) {
        const char *end;
        size_t len;

        while (*p == ' ' || *p == ';')
            p++;
        end = strchr(p, ';');
        len = end ? (size_t)(end - p) : strlen(p);
        if (len > name_len && strncmp(p, name, name_len) == 0 && p[name_len] == '=') {
            size_t value_len = len - name_len - 1;

            while (value_len > 0 && p[name_len + value_len] == ' ')
                value_len--;
            if (value_len + 1 > out_size)
                return -1;
            memcpy(out, p + name_len + 1, value_len);
            out[value_len] = '\0';
            return 0;
        }
        p = end;
    }
    return -1;
}

int http_if_match_version(const char *header, long long *version)
{
    const char *p = header;
    char *end;
    long long v;

    *version = -1;
    if (!header)
        return 0;
    while (*p == ' ')
        p++;
    if (strcmp(p, "*") == 0)
        return 0;
    if (*p != '"' || !isdigit((unsigned char)p[1]))
        return -1;
    errno = 0;
    v = strtoll(p + 1, &end, 10);
    if (errno || *end != '"' || v < 1 || v > 2147483647LL)
        return -1;
    for (end++; *end == ' '; end++)
        ;
    if (*end)
        return -1;
    *version = v;
    return 0;
}

bool http_content_type_is(const char *header, const char *type)
{
    size_t len = strlen(type);

    if (!header)
        return false;
    while (*header == ' ')
        header++;
    if (strncasecmp(header, type, len) != 0)
        return false;
    header += len;
    while (*header == ' ')
        header++;
    if (*header != '\0' && *header != ';')
        return false;
    /* Parameters: any but a charset other than UTF-8, which the body would
     * not be read as (JSON is UTF-8, RFC 8259 section 8.1; so is our CSV). */
    while (*header == ';') {
        const char *name, *value;
        size_t name_len, value_len;

        header++;
        while (*header == ' ' || *header == '\t')
            header++;
        name = header;
        while (*header && *header != '=' && *header != ';')
            header++;
        name_len = (size_t)(header - name);
        while (name_len && (name[name_len - 1] == ' ' || name[name_len - 1] == '\t'))
            name_len--;
        if (*header != '=')
            continue;
        value = ++header;
        if (*value == '"') {
            value = ++header;
            while (*header && *header != '"')
                header++;
            value_len = (size_t)(header - value);
            if (*header == '"')
                header++;
        } else {
            while (*header && *header != ';')
                header++;
            value_len = (size_t)(header - value);
        }
        while (value_len && (value[value_len - 1] == ' ' || value[value_len - 1] == '\t'))
            value_len--;
        while (*header && *header != ';')
            header++;
        if (name_len == 7 && strncasecmp(name, "charset", 7) == 0 &&
            !((value_len == 5 && strncasecmp(value, "utf-8", 5) == 0) ||
              (value_len == 4 && strncasecmp(value, "utf8", 4) == 0)))
            return false;
    }
    return true;
}

/* The request id nginx generated ($request_id), or a fresh one. */
static void http_request_id(struct http_request *req, char *const *envp)
{
    static unsigned long long counter;
    const char *given = http_env(envp, "REQUEST_ID");
    size_t len = given ? strlen(given) : 0;
    bool ok = len > 0 && len < sizeof(req->request_id);

    for (size_t i = 0; ok && i < len; i++)
        ok = isalnum((unsigned char)given[i]) || given[i] == '-';
    if (ok) {
        memcpy(req->request_id, given, len + 1);
        return;
    }
    snprintf(req->request_id, sizeof(req->request_id), "%08x%08llx",
             (unsigned)random(), ++counter);
}

/* A path safe to put in a Set-Cookie header: "/", then letters, digits and
 * "/-._~", at most 128 bytes. */
static bool http_plain_path(const char *path)
{
    size_t len = path ? strlen(path) : 0;

    if (len == 0 || len > 128 || path[0] != '/')
        return false;
    for (size_t i = 0; i < len; i++)
        if (!isalnum((unsigned char)path[i]) && !strchr("/-._~", path[i]))
            return false;
    return true;
}

/* A Host header safe to put in a link: a name, an IPv4 or a bracketed IPv6
 * address, and a port; at most 255 bytes. */
static bool http_plain_host(const char *host)
{
    size_t len = host ? strlen(host) : 0;

    if (len == 0 || len > 255)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!isalnum((unsigned char)host[i]) && !strchr(".-:[]", host[i]))
            return false;
    return true;
}

int http_request_init(struct http_request *req, char *const *envp, const char **message)
{
    const char *length;

    memset(req, 0, sizeof(*req));
    http_request_id(req, envp);
    req->method_name = http_env(envp, "REQUEST_METHOD");
    req->method = HTTP_METHOD__MAX;
    for (size_t i = 0; req->method_name && i < sizeof(http_methods) / sizeof(http_methods[0]); i++)
        if (strcmp(req->method_name, http_methods[i].name) == 0)
            req->method = http_methods[i].method;
    req->path = http_env(envp, "DOCUMENT_URI");
    if (!req->path)
        req->path = http_env(envp, "SCRIPT_NAME");
    req->query = http_env(envp, "QUERY_STRING");
    req->content_type = http_env(envp, "CONTENT_TYPE");
    req->cookie = http_env(envp, "HTTP_COOKIE");
    req->authorization = http_env(envp, "HTTP_AUTHORIZATION");
    req->csrf_token = http_env(envp, "HTTP_X_CSRF_TOKEN");
    req->if_match = http_env(envp, "HTTP_IF_MATCH");
    req->idempotency_key = http_env(envp, "HTTP_IDEMPOTENCY_KEY");
    req->remote_addr = http_env(envp, "REMOTE_ADDR");
    req->user_agent = http_env(envp, "HTTP_USER_AGENT");
    req->remote_user = http_env(envp, "REMOTE_USER");
    if (req->remote_user && !req->remote_user[0])
        req->remote_user = NULL;
    req->scheme = http_env(envp, "REQUEST_SCHEME");
    if (req->scheme && strcmp(req->scheme, "http") != 0 && strcmp(req->scheme, "https") != 0)
        req->scheme = NULL;
    req->host = http_env(envp, "HTTP_HOST");
    if (!http_plain_host(req->host))
        req->host = NULL;
    req->port = http_env(envp, "SERVER_PORT");
    if (req->port && (!req->port[0] || strspn(req->port, "0123456789") != strlen(req->port) || strlen(req->port) > 5))
        req->port = NULL;
    req->api_path = http_env(envp, "PARTNERSHIPS_API_PATH");
    if (!http_plain_path(req->api_path))
        req->api_path = "/";
    req->content_length = -1;
    if (req->content_type && !*req->content_type)
        req->content_type = NULL;

    if (!req->path || req->path[0] != '/') {
        *message = "the request has no path";
        return 400;
    }
    if (strlen(req->path) > HTTP_MAX_PATH_BYTES) {
        *message = "the path is too long";
        return 414;
    }
    length = http_env(envp, "CONTENT_LENGTH");
    if (length && *length) {
        char *end;

        /* RFC 9110 8.6: 1*DIGIT; anything else is a malformed request. */
        if (!isdigit((unsigned char)length[0]) || strlen(length) > 18) {
            *message = "Content-Length is not a number";
            return 400;
        }
        req->content_length = strtoll(length, &end, 10);
        if (*end) {
            *message = "Content-Length is not a number";
            return 400;
        }
    }
    if (req->query && strlen(req->query) > HTTP_MAX_QUERY_BYTES) {
        *message = "the query string is too long";
        return 414;
    }
    if (http_query_parse(req->query, req->params, HTTP_MAX_PARAMS, &req->nparams, message))
        return 400;
    return 0;
}

void http_request_free(struct http_request *req)
{
    http_params_free(req->params, req->nparams);
    req->nparams = 0;
    free(req->body);
    req->body = NULL;
}

void http_response_init(struct http_response *resp)
{
    memset(resp, 0, sizeof(*resp));
    resp->status = 200;
}

void http_response_free(struct http_response *resp)
{
    free(resp->body);
    resp->body = NULL;
    resp->body_len = resp->body_cap = 0;
}

int http_response_header(struct http_response *resp, const char *name, const char *fmt, ...)
{
    size_t room = sizeof(resp->headers) - resp->headers_len;
    va_list ap;
    int n;

    n = snprintf(resp->headers + resp->headers_len, room, "%s: ", name);
    if (n < 0 || (size_t)n >= room)
        goto full;
    resp->headers_len += (size_t)n;
    room -= (size_t)n;
    va_start(ap, fmt);
    n = vsnprintf(resp->headers + resp->headers_len, room, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n + 2 >= room)
        goto full;
    /* No header splitting, whatever the value holds. */
    for (size_t i = resp->headers_len; i < resp->headers_len + (size_t)n; i++)
        if (resp->headers[i] == '\r' || resp->headers[i] == '\n')
            resp->headers[i] = ' ';
    resp->headers_len += (size_t)n;
    memcpy(resp->headers + resp->headers_len, "\r\n", 3);
    resp->headers_len += 2;
    return 0;
full:
    resp->headers[resp->headers_len] = '\0';
    return -1;
}

int http_response_append(struct http_response *resp, const char *data, size_t len)
{
    if (resp->body_len + len + 1 > resp->body_cap) {
        size_t cap = resp->body_cap ? resp->body_cap : 1024;
        char *grown;

        while (cap < resp->body_len + len + 1)
            cap *= 2;
        grown = realloc(resp->body, cap);
        if (!grown)
            return -1;
        resp->body = grown;
        resp->body_cap = cap;
    }
    memcpy(resp->body + resp->body_len, data, len);
    resp->body_len += len;
    resp->body[resp->body_len] = '\0';
    return 0;
}

int http_response_json(struct http_response *resp, int status, const char *json, size_t len)
{
    resp->status = status;
    resp->content_type = "application/json; charset=utf-8";
    resp->body_len = 0;
    return http_response_append(resp, json, len);
}

int http_response_json_value(struct http_response *resp, int status, const json_t *value)
{
    char *text = json_dumps(value, JSON_COMPACT);
    int rc;

    if (!text)
        return -1;
    rc = http_response_json(resp, status, text, strlen(text));
    free(text);
    return rc;
}

void http_error_fields(struct http_response *resp, int status, const char *message, json_t *fields)
{
    json_t *error = json_pack("{s:s, s:s}", "code", http_error_code(status), "message", message);
    json_t *body = NULL;

    if (error && fields)
        json_object_set_new(error, "fields", fields);
    else
        json_decref(fields);
    if (error)
        body = json_pack("{s:o}", "error", error);
    if (!body || http_response_json_value(resp, status, body)) {
        static const char fallback[] = "{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}";

        resp->status = 500;
        resp->content_type = "application/json; charset=utf-8";
        resp->body_len = 0;
        http_response_append(resp, fallback, sizeof(fallback) - 1);
    }
    json_decref(body);
}

void http_error(struct http_response *resp, int status, const char *message)
{
    http_error_fields(resp, status, message, NULL);
}
