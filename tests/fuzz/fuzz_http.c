/* fuzz_http: what a request brings from outside (fcgi/http.c): the query
 * string, the Cookie, If-Match and Content-Type headers.  The input is
 * split at the first three NUL bytes into those four strings. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = malloc(size + 4);
    const char *parts[4];
    struct http_param params[HTTP_MAX_PARAMS];
    size_t nparams = 0, at = 0;
    const char *message;
    char cookie[128];
    long long version;

    if (!copy)
        return 0;
    memcpy(copy, data, size);
    memset(copy + size, 0, 4);
    for (int i = 0; i < 4; i++) {
        parts[i] = copy + at;
        at += strlen(copy + at) + (at < size ? 1 : 0);
        if (at > size)
            at = size;
    }
    if (http_query_parse(parts[0], params, HTTP_MAX_PARAMS, &nparams, &message) == 0) {
        for (size_t i = 0; i < nparams; i++) {
            if (!http_utf8_valid(params[i].name, strlen(params[i].name)))
                abort();
            free(params[i].name);
            free(params[i].value);
        }
    }
    if (http_cookie_get(parts[1], "partnerships_session", cookie, sizeof(cookie)) == 0 &&
        strlen(cookie) >= sizeof(cookie))
        abort();
    if (http_if_match_version(parts[2], &version) == 0 && version < -1)
        abort();
    (void)http_content_type_is(parts[3], "application/json");
    free(copy);
    return 0;
}
