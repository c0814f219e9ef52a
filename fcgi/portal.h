/* portal.h: the partner portal's routes (a partner's contacts only). */
#ifndef PARTNERSHIPS_PORTAL_H
#define PARTNERSHIPS_PORTAL_H

#include "api.h"

int portal_init(void);

/* Handlers (see api.h). */
int portal_home(struct request_ctx *ctx);
int portal_referrals(struct request_ctx *ctx);
int portal_register(struct request_ctx *ctx);
int portal_answer(struct request_ctx *ctx);
int portal_campaigns(struct request_ctx *ctx);
int portal_customers(struct request_ctx *ctx);

#endif
