/* users.h: the user directory and its admin-only writes. */
#ifndef PARTNERSHIPS_USERS_H
#define PARTNERSHIPS_USERS_H

#include "api.h"

int users_init(void);
int users_list(struct request_ctx *ctx);
int users_create(struct request_ctx *ctx);
int users_patch(struct request_ctx *ctx);
int health_get(struct request_ctx *ctx);

#endif
