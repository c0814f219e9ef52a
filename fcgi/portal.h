/* portal.h: the partner portal's routes (a partner's contacts only). */
#ifndef PARTNERSHIPS_PORTAL_H
#define PARTNERSHIPS_PORTAL_H

#include "api.h"

/* The portal's referral list: rows by default, at most, and the furthest
 * offset (macros: the route's documentation is built from them). */
#define PORTAL_DEFAULT_LIMIT 50
#define PORTAL_MAX_LIMIT 500
#define PORTAL_MAX_OFFSET 100000000

int portal_init(void);

/* Handlers (see api.h). */
int portal_home(struct request_ctx *ctx);
int portal_referrals(struct request_ctx *ctx);
int portal_register(struct request_ctx *ctx);
int portal_answer(struct request_ctx *ctx);
int portal_campaigns(struct request_ctx *ctx);
int portal_customers(struct request_ctx *ctx);

#endif
