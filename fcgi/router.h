/* router.h: the route table and the way every request goes through it. */
#ifndef PARTNERSHIPS_ROUTER_H
#define PARTNERSHIPS_ROUTER_H

#include <stddef.h>

#include "api.h"

#define ROUTER_PREFIX "/api/v1"

/* Finds the route for path (below ROUTER_PREFIX) and method.  Returns it,
 * filling ctx->ids and ctx->entity, or NULL with *status 404 (no such path)
 * or 405 (path known, method not: allow then lists the methods). */
const struct route *router_match(const char *path, enum http_method method, struct request_ctx *ctx,
                                 int *status, char *allow, size_t allow_size);

/* The route table (for the OpenAPI document). */
const struct route *router_routes(size_t *count);

/* Runs a parsed request (ctx->req, with its body read) through checks,
 * authentication, the route's check and handler and the transaction, leaving
 * the answer in ctx->resp.  Frees what it allocated into ctx except resp. */
void router_dispatch(struct request_ctx *ctx);

#endif
