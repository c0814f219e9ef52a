/* figures.h: templates, overview, intro text and the oplog feed. */
#ifndef PARTNERSHIPS_FIGURES_H
#define PARTNERSHIPS_FIGURES_H

#include "api.h"

/* The oplog feed's page: rows by default, and at most (a macro: the route's
 * documentation is built from it). */
#define OPLOG_DEFAULT_LIMIT 100
#define OPLOG_MAX_LIMIT 1000

/* Registers the statements.  Returns 0 or -1. */
int figures_init(void);

int templates_list(struct request_ctx *ctx);
int templates_get(struct request_ctx *ctx);
int overview_get(struct request_ctx *ctx);
int referral_intro(struct request_ctx *ctx);
int oplog_check(struct request_ctx *ctx);
int oplog_list(struct request_ctx *ctx);

#endif
