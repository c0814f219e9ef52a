/* figures.h: templates, overview, intro text and the oplog feed. */
#ifndef PARTNERSHIPS_FIGURES_H
#define PARTNERSHIPS_FIGURES_H

#include "api.h"

/* Registers the statements.  Returns 0 or -1. */
int figures_init(void);

int templates_list(struct request_ctx *ctx);
int templates_get(struct request_ctx *ctx);
int overview_get(struct request_ctx *ctx);
int referral_intro(struct request_ctx *ctx);
int oplog_check(struct request_ctx *ctx);
int oplog_list(struct request_ctx *ctx);

#endif
