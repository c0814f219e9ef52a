/* openapi.h: the OpenAPI 3 document of the API, generated from its tables. */
#ifndef PARTNERSHIPS_OPENAPI_H
#define PARTNERSHIPS_OPENAPI_H

#include <jansson.h>

#include "api.h"

struct db;

/* The document (caller decrefs), or NULL when the database cannot answer. */
json_t *openapi_document(struct db *db);

/* GET /openapi.json (public). */
int openapi_get(struct request_ctx *ctx);

#endif
