/* test_http.c: request parsing and response building (fcgi/http.c). */
#include "check.h"
#include "http.h"

#include <stdlib.h>

static void test_query(void)
{
    struct http_param p[HTTP_MAX_PARAMS];
    const char *message = NULL;
    size_t n = 0;
    char big[HTTP_MAX_QUERY_BYTES + 10];

    CHECK(http_query_parse("status=active%2Cexpanding&q=a+b&sort=-company", p, HTTP_MAX_PARAMS, &n, &message) == 0 &&
              n == 3,
          "query: three parameters");
    CHECK_STR(p[0].value, "active,expanding", "query: %2C decodes to a comma");
    CHECK_STR(p[1].value, "a b", "query: + decodes to a space");
    CHECK_STR(p[2].name, "sort", "query: names kept in order");
    for (size_t i = 0; i < n; i++) {
        free(p[i].name);
        free(p[i].value);
    }
    CHECK(http_query_parse("", p, HTTP_MAX_PARAMS, &n, &message) == 0 && n == 0, "query: empty is no parameters");
    CHECK(http_query_parse(NULL, p, HTTP_MAX_PARAMS, &n, &message) == 0 && n == 0, "query: absent is no parameters");
    CHECK(http_query_parse("a=1&&b=", p, HTTP_MAX_PARAMS, &n, &message) == 0 && n == 2 && p[1].value[0] == '\0',
          "query: empty pairs skipped, empty value kept");
    for (size_t i = 0; i < n; i++) {
        free(p[i].name);
        free(p[i].value);
    }
    CHECK(http_query_parse("a=%zz", p, HTTP_MAX_PARAMS, &n, &message) == -1, "query: bad escape refused");
    CHECK(http_query_parse("a=%4", p, HTTP_MAX_PARAMS, &n, &message) == -1, "query: truncated escape refused");
    CHECK(http_query_parse("a=%", p, HTTP_MAX_PARAMS, &n, &message) == -1, "query: lone percent refused");
    CHECK(http_query_parse("a=%00", p, HTTP_MAX_PARAMS, &n, &message) == -1, "query: NUL refused");
    CHECK(http_query_parse("a=%C3%28", p, HTTP_MAX_PARAMS, &n, &message) == -1, "query: invalid UTF-8 refused");
    CHECK(http_query_parse("q=%C3%A9t%C3%A9", p, HTTP_MAX_PARAMS, &n, &message) == 0 && n == 1,
          "query: valid UTF-8 accepted");
    free(p[0].name);
    free(p[0].value);
    CHECK(http_query_parse("a=1&a=2", p, HTTP_MAX_PARAMS, &n, &message) == -1, "query: repeated name refused");
    CHECK(http_query_parse("=1", p, HTTP_MAX_PARAMS, &n, &message) == -1, "query: empty name refused");
    CHECK(http_query_parse("a&b&c", p, 2, &n, &message) == -1, "query: more parameters than allowed refused");
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    CHECK(http_query_parse(big, p, HTTP_MAX_PARAMS, &n, &message) == -1, "query: oversized refused");
}

static void test_request(void)
{
    char *env_ok[] = {"REQUEST_METHOD=PATCH", "DOCUMENT_URI=/api/v1/partners/abc", "QUERY_STRING=x=1",
                      "CONTENT_TYPE=application/json", "CONTENT_LENGTH=12", "HTTP_IF_MATCH=\"3\"",
                      "REQUEST_ID=abc123", NULL};
    char *env_bad_length[] = {"REQUEST_METHOD=POST", "DOCUMENT_URI=/api/v1/x", "CONTENT_LENGTH=12abc", NULL};
    char *env_negative[] = {"REQUEST_METHOD=POST", "DOCUMENT_URI=/api/v1/x", "CONTENT_LENGTH=-1", NULL};
    char *env_no_path[] = {"REQUEST_METHOD=GET", NULL};
    char *env_odd[] = {"REQUEST_METHOD=BREW", "DOCUMENT_URI=/", "REQUEST_ID=bad id\r\n",
                       "PARTNERSHIPS_API_PATH=/x; Domain=evil.example", NULL};
    char *env_twice[] = {"REQUEST_METHOD=GET", "DOCUMENT_URI=/api/v1/me", "REMOTE_USER=", "REMOTE_USER=erin", NULL};
    char *env_prefix[] = {"REQUEST_METHOD=GET", "DOCUMENT_URI=/api/v1/me", "PARTNERSHIPS_API_PATH=/partners/api/", NULL};
    struct http_request req;
    const char *message;

    CHECK(http_request_init(&req, env_ok, &message) == 0, "request: well-formed request parses");
    CHECK(req.method == HTTP_PATCH, "request: method");
    CHECK(req.content_length == 12, "request: content length");
    CHECK_STR(http_param(&req, "x"), "1", "request: query parameter");
    CHECK_STR(req.request_id, "abc123", "request: nginx request id kept");
    CHECK_STR(req.api_path, "/", "request: the cookie path is / when nginx names no API path");
    http_request_free(&req);
    CHECK(http_request_init(&req, env_twice, &message) == 0, "request: a parameter given twice parses");
    CHECK_STR(req.remote_user, "erin", "request: the last of a parameter given twice wins (nginx's override)");
    http_request_free(&req);
    CHECK(http_request_init(&req, env_prefix, &message) == 0, "request: under a path prefix parses");
    CHECK_STR(req.api_path, "/partners/api/", "request: the API path nginx names is the cookie path");
    http_request_free(&req);
    CHECK(http_request_init(&req, env_bad_length, &message) == 400, "request: non-numeric Content-Length is 400");
    http_request_free(&req);
    CHECK(http_request_init(&req, env_negative, &message) == 400, "request: negative Content-Length is 400");
    http_request_free(&req);
    CHECK(http_request_init(&req, env_no_path, &message) == 400, "request: no path is 400");
    http_request_free(&req);
    CHECK(http_request_init(&req, env_odd, &message) == 0 && req.method == HTTP_METHOD__MAX,
          "request: unknown method recognised as such");
    CHECK(strchr(req.request_id, ' ') == NULL && strchr(req.request_id, '\n') == NULL && req.request_id[0],
          "request: a request id with unsafe characters is replaced");
    CHECK_STR(req.api_path, "/", "request: an API path that is not a plain path is not put in a cookie");
    http_request_free(&req);
}

static void test_headers(void)
{
    char out[64];
    long long v;

    CHECK(http_cookie_get("a=1; partnerships_session=tok; b=2", "partnerships_session", out, sizeof(out)) == 0 &&
              strcmp(out, "tok") == 0,
          "cookie: found among others");
    CHECK(http_cookie_get("xpartnerships_session=tok", "partnerships_session", out, sizeof(out)) == -1,
          "cookie: a name that only ends the same does not match");
    CHECK(http_cookie_get(NULL, "a", out, sizeof(out)) == -1, "cookie: no header");
    CHECK(http_cookie_get("a=0123456789", "a", out, 5) == -1, "cookie: too long for the buffer refused");
    CHECK(http_if_match_version(NULL, &v) == 0 && v == -1, "if-match: absent");
    CHECK(http_if_match_version("\"7\"", &v) == 0 && v == 7, "if-match: quoted version");
    CHECK(http_if_match_version("*", &v) == 0 && v == -1, "if-match: star is unconditional");
    CHECK(http_if_match_version("7", &v) == -1, "if-match: unquoted refused");
    CHECK(http_if_match_version("\"7", &v) == -1, "if-match: unterminated refused");
    CHECK(http_if_match_version("\"0\"", &v) == -1, "if-match: zero refused");
    CHECK(http_if_match_version("\"99999999999\"", &v) == -1, "if-match: out of range refused");
    CHECK(http_if_match_version("\"1\", \"2\"", &v) == -1, "if-match: lists refused");
    CHECK(http_content_type_is("application/json; charset=utf-8", "application/json"), "content type: parameters");
    CHECK(http_content_type_is("Application/JSON", "application/json"), "content type: case-insensitive");
    CHECK(!http_content_type_is("application/jsonx", "application/json"), "content type: no prefix match");
    CHECK(!http_content_type_is(NULL, "application/json"), "content type: absent");
    CHECK(http_content_type_is("application/json;charset=\"UTF-8\"", "application/json") &&
          http_content_type_is("text/csv; header=present; charset=utf8", "text/csv"), "content type: UTF-8 charset");
    CHECK(!http_content_type_is("application/json; charset=utf-16", "application/json") &&
          !http_content_type_is("text/csv; charset=windows-1252", "text/csv") &&
          !http_content_type_is("application/json; charset=\"utf-16le\"", "application/json"),
          "content type: a charset other than UTF-8 refused");
}

static void test_utf8(void)
{
    CHECK(http_utf8_valid("h\xc3\xa9llo \xf0\x9f\x98\x80", 11), "utf8: two- and four-byte sequences");
    CHECK(!http_utf8_valid("\xc0\xaf", 2), "utf8: overlong refused");
    CHECK(!http_utf8_valid("\xed\xa0\x80", 3), "utf8: surrogate refused");
    CHECK(!http_utf8_valid("\xf4\x90\x80\x80", 4), "utf8: past U+10FFFF refused");
    CHECK(!http_utf8_valid("\xe2\x82", 2), "utf8: truncated refused");
}

static void test_response(void)
{
    struct http_response resp;

    http_response_init(&resp);
    CHECK(http_response_header(&resp, "X-Test", "a\r\nInjected: yes") == 0 && !strstr(resp.headers, "\r\nInjected"),
          "response: CR/LF in a header value cannot split headers");
    http_error(&resp, 404, "no such record");
    CHECK(resp.status == 404 && strstr(resp.body, "\"code\":\"not_found\"") && strstr(resp.body, "no such record"),
          "response: error body has code and message");
    http_error_fields(&resp, 422, "bad", json_pack("{s:s}", "company", "is required"));
    CHECK(resp.status == 422 && strstr(resp.body, "\"fields\":{\"company\":\"is required\"}") &&
              strstr(resp.body, "\"validation\""),
          "response: validation error lists fields");
    CHECK_STR(http_error_code(413), "too_large", "response: 413 code");
    CHECK_STR(http_error_code(503), "unavailable", "response: 503 code");
    http_response_free(&resp);
}

int main(void)
{
    test_query();
    test_request();
    test_headers();
    test_utf8();
    test_response();
    return check_exit();
}
