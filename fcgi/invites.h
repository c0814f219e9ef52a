/* invites.h: single-use links that set a user's password and sign them in. */
#ifndef PARTNERSHIPS_INVITES_H
#define PARTNERSHIPS_INVITES_H

#include "api.h"

int invites_init(void);

/* A new link for user_id in the request's transaction (the user's earlier
 * links end): {"id","url","expiresAt"}, a new reference; NULL after
 * answering (403 not an admin, 404 no such enabled user). */
json_t *invite_new(struct request_ctx *ctx, const char *user_id);

/* Handlers (see api.h). */
int invites_create(struct request_ctx *ctx);
int invites_delete(struct request_ctx *ctx);
int invites_accept(struct request_ctx *ctx);
int invites_partner_create(struct request_ctx *ctx);
int invites_partner_list(struct request_ctx *ctx);

#endif
