/* fuzz_list: list query strings (filters, sort, paging, search) through
 * http_request_init and entity_check_list for every collection, without a
 * database (a sample catalogue, tests/unit/catalogue.h): whatever the input, a 400/422 answer or SQL whose only request
 * text is in its parameters. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/catalogue.h"
#include "db.h"
#include "entity.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct db *db;
    char *query = malloc(size + sizeof("QUERY_STRING="));

    if (!query)
        return 0;
    if (!db) {
        db = db_open("");
        if (entity_load_json(test_catalogue))   /* a sample of the collections */
            abort();
    }   /* never connected: no enum labels, so every label passes the C check */
    memcpy(query, "QUERY_STRING=", 13);
    memcpy(query + 13, data, size);
    query[13 + size] = '\0';
    for (size_t i = 0; entities[i]; i++) {
        char uri[128];
        char *env[] = {"REQUEST_METHOD=GET", uri, query, NULL};
        struct http_request req;
        struct http_response resp;
        struct request_ctx ctx;
        const char *message;

        snprintf(uri, sizeof(uri), "DOCUMENT_URI=/api/v1/%s", entities[i]->collection);
        if (http_request_init(&req, env, &message))
            continue;
        http_response_init(&resp);
        memset(&ctx, 0, sizeof(ctx));
        ctx.req = &req;
        ctx.resp = &resp;
        ctx.db = db;
        ctx.entity = entities[i];
        if (entity_check_list(&ctx) == 0) {
            /* Request text reaches SQL only as parameters: no quote in the statement. */
            if (strchr((const char *)ctx.input, ';'))
                abort();
        } else if (resp.status != 400 && resp.status != 422) {
            abort();
        }
        entity_free_input(ctx.input);
        http_response_free(&resp);
        http_request_free(&req);
    }
    free(query);
    return 0;
}
