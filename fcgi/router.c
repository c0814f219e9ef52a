/* router.c: one table of routes; one path through them for every request. */
#include "router.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "auth.h"
#include "config.h"
#include "db.h"
#include "entity.h"
#include "figures.h"
#include "input.h"
#include "invites.h"
#include "log.h"
#include "openapi.h"
#include "portal.h"
#include "users.h"

/* Paths are below /api/v1.  ":id" matches a record id, ":collection" the
 * name of an entity (entity.c serves those).  First match wins. */
/* JSON schema fragments of the route docs. */
/* Every doc starts with the operation's id; on collection routes
 * "{Collection}" and "{Record}" stand for e.g. "Partners" and "Partner". */
#define DOC_ID(id) "{\"operationId\":\"" id "\""
#define DOC_USER "{\"$ref\":\"#/components/schemas/User\"}"
#define DOC_SESSION "{\"type\":\"object\",\"properties\":{\"user\":" DOC_USER ",\"csrfToken\":" \
                    "{\"type\":\"string\",\"nullable\":true,\"description\":\"null with a bearer token\"}}}"
#define DOC_TOKEN "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"},\"name\":{\"type\":\"string\"}," \
                  "\"token\":{\"type\":\"string\",\"description\":\"shown once\"},\"createdAt\":{\"type\":\"string\"}," \
                  "\"lastUsedAt\":{\"type\":\"string\",\"nullable\":true}}}"
#define DOC_INVITE "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"}," \
                   "\"url\":{\"type\":\"string\",\"description\":\"shown once\"}," \
                   "\"expiresAt\":{\"type\":\"string\",\"format\":\"date-time\"}}}"
#define DOC_PORTAL_REFERRAL "{\"type\":\"object\",\"properties\":{" DOC_STRING("id") "," \
    "\"direction\":{\"dbEnum\":\"referral_direction\"}," DOC_STRING("leadName") "," \
    "\"leadCompany\":{\"type\":\"string\",\"nullable\":true},\"leadEmail\":{\"type\":\"string\",\"nullable\":true}," \
    "\"status\":{\"dbEnum\":\"referral_status\"}," \
    "\"dealValue\":{\"type\":\"number\",\"nullable\":true},\"referredDate\":{\"type\":\"string\",\"format\":\"date\"}," \
    "\"convertedDate\":{\"type\":\"string\",\"format\":\"date\",\"nullable\":true}," \
    "\"commissionAmount\":{\"type\":\"number\",\"nullable\":true},\"commissionPaid\":{\"type\":\"boolean\"}," \
    "\"leadOptIn\":{\"type\":\"boolean\"},\"partnerOptIn\":{\"type\":\"boolean\"}," \
    "\"partnerAnsweredAt\":{\"type\":\"string\",\"format\":\"date-time\",\"nullable\":true," \
    "\"description\":\"when the partner answered this intro in the portal\"},\"version\":{\"type\":\"integer\"}}," \
    "\"additionalProperties\":false}"
/* A page's limit query parameter, from the constants the route checks it with. */
#define DOC_LIMIT(max, dflt) "\"limit\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":" API_STR(max) "," \
    "\"default\":" API_STR(dflt) ",\"description\":\"rows per page\"}"
#define DOC_NULLABLE_STRING(name) "\"" name "\":{\"type\":\"string\",\"nullable\":true}"
#define DOC_STRINGS(...) "{\"type\":\"object\",\"properties\":{" __VA_ARGS__ "}}"
#define DOC_STRING(name) "\"" name "\":{\"type\":\"string\"}"
#define DOC_TEMPLATE "{\"type\":\"object\",\"properties\":{" DOC_STRING("key") "," DOC_STRING("kind") "," \
                     DOC_STRING("title") ",\"header\":{\"type\":\"string\",\"nullable\":true}," \
                     "\"placeholders\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}," \
                     "\"items\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}," \
                     "\"body\":{\"type\":\"string\",\"nullable\":true}}}"

/* Paths are below /api/v1.  ":id" matches a record id, ":collection" the
 * name of an entity (entity.c serves those).  First match wins. */
static const struct route routes[] = {
    {HTTP_GET, "/health", NULL, health_get, NULL, ROUTE_PUBLIC, "Is the service and its database up (503 if not)",
     DOC_ID("getHealth") ",\"tag\":\"operations\","
     "\"response\":" DOC_STRINGS(DOC_STRING("status") "," DOC_STRING("database")) "}"},
    {HTTP_GET, "/openapi.json", NULL, openapi_get, NULL, ROUTE_PUBLIC, "This document",
     DOC_ID("getOpenApiDocument") ",\"tag\":\"operations\","
     "\"response\":{\"type\":\"object\",\"additionalProperties\":true}}"},
    {HTTP_POST, "/session", NULL, auth_session_create, NULL, ROUTE_PUBLIC | ROUTE_JSON,
     "Sign in: sets the session cookie; 401 for a wrong email or password, 429 after too many. "
     "In remote-user mode, the body {} signs in the user nginx authenticated",
     DOC_ID("signIn") ",\"errors\":[401,429],\"body\":" DOC_STRINGS(DOC_STRING("email") "," DOC_STRING("password"))
     ",\"response\":" DOC_SESSION "}"},
    {HTTP_POST, "/invites/accept", NULL, invites_accept, NULL, ROUTE_PUBLIC | ROUTE_JSON,
     "Use an invitation link: sets the user's password and signs them in, as POST /session does. "
     "A token unknown, used, revoked or expired: 410, the same answer for each",
     DOC_ID("acceptInvite") ",\"tag\":\"users\",\"errors\":[410,422],\"body\":{\"type\":\"object\","
     "\"required\":[\"token\",\"password\"],\"properties\":{" DOC_STRING("token") "," DOC_STRING("password")
     "}},\"response\":" DOC_SESSION "}"},
    {HTTP_GET, "/portal", NULL, portal_home, NULL, ROUTE_PORTAL,
     "The partner portal's home (partner users only): their partner, its partner manager, its figures",
     DOC_ID("getPortal") ",\"tag\":\"portal\",\"response\":{\"type\":\"object\",\"properties\":{"
     "\"partner\":{\"type\":\"object\",\"properties\":{" DOC_STRING("id") "," DOC_STRING("company") ","
     DOC_STRING("type") "," DOC_STRING("status") "," DOC_STRING("tier") "," DOC_NULLABLE_STRING("agreementUrl") ","
     DOC_NULLABLE_STRING("commissionRate") "},\"additionalProperties\":false},"
     "\"manager\":{\"type\":\"object\",\"nullable\":true,\"properties\":{" DOC_STRING("name") "," DOC_STRING("email") "}},"
     "\"figures\":{\"type\":\"object\",\"properties\":{\"referralsMade\":{\"type\":\"integer\"},"
     "\"referralsReceived\":{\"type\":\"integer\"},\"conversions\":{\"type\":\"integer\"},"
     "\"revenueAttributed\":{\"type\":\"number\"},\"commissionPaid\":{\"type\":\"number\"},"
     "\"pendingIntros\":{\"type\":\"integer\",\"description\":\"outbound intros waiting for the partner's answer\"}}}},"
     "\"additionalProperties\":false}}"},
    {HTTP_GET, "/portal/referrals", NULL, portal_referrals, NULL, ROUTE_PORTAL | ROUTE_QUERY,
     "The partner's referrals, both directions (partner users only)",
     DOC_ID("listPortalReferrals") ",\"tag\":\"portal\","
     "\"query\":{" DOC_LIMIT(PORTAL_MAX_LIMIT, PORTAL_DEFAULT_LIMIT) ","
     "\"offset\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":" API_STR(PORTAL_MAX_OFFSET) ","
     "\"description\":\"rows to skip\"},\"direction\":{\"dbEnum\":\"referral_direction\"},\"status\":{\"dbEnum\":\"referral_status\"},"
     "\"sort\":{\"type\":\"string\",\"description\":\"referredDate (default, newest first), leadName, leadCompany, "
     "status, dealValue or direction; - before it for descending\"}},"
     "\"response\":{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\",\"items\":"
     DOC_PORTAL_REFERRAL "},\"total\":{\"type\":\"integer\"},\"limit\":{\"type\":\"integer\"},"
     "\"offset\":{\"type\":\"integer\"}}}}"},
    {HTTP_POST, "/portal/referrals", NULL, portal_register, NULL, ROUTE_PORTAL | ROUTE_JSON,
     "Register a lead (partner users only): an inbound referral of their partner, status introduced; "
     "a lead already registered within the protection window is a 409 that names no one",
     DOC_ID("registerPortalReferral") ",\"tag\":\"portal\",\"ok\":201,\"errors\":[409],\"body\":{\"type\":\"object\","
     "\"required\":[\"leadName\"],\"properties\":{" DOC_STRING("leadName") "," DOC_NULLABLE_STRING("leadCompany") ","
     DOC_NULLABLE_STRING("leadEmail") ",\"dealValue\":{\"type\":\"number\",\"nullable\":true},"
     DOC_NULLABLE_STRING("message") "}},\"response\":" DOC_PORTAL_REFERRAL "}"},
    {HTTP_POST, "/portal/intros/:id", NULL, portal_answer, NULL, ROUTE_PORTAL | ROUTE_JSON,
     "Answer an outbound intro to the partner, once (partner users only): its partnerOptIn; "
     "another partner's or an inbound referral: 404; answered already: 409",
     DOC_ID("answerPortalIntro") ",\"tag\":\"portal\",\"errors\":[409],\"body\":{\"type\":\"object\","
     "\"required\":[\"accept\"],\"properties\":{\"accept\":{\"type\":\"boolean\"}}},"
     "\"response\":" DOC_PORTAL_REFERRAL "}"},
    {HTTP_GET, "/portal/campaigns", NULL, portal_campaigns, NULL, ROUTE_PORTAL,
     "The partner's campaigns (partner users only)",
     DOC_ID("listPortalCampaigns") ",\"tag\":\"portal\",\"response\":{\"type\":\"object\",\"properties\":{"
     "\"items\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{" DOC_STRING("id") ","
     DOC_STRING("name") "," DOC_STRING("type") "," DOC_STRING("status") ","
     "\"startDate\":{\"type\":\"string\",\"format\":\"date\",\"nullable\":true},"
     "\"endDate\":{\"type\":\"string\",\"format\":\"date\",\"nullable\":true},"
     "\"deliverables\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}},\"additionalProperties\":false}}}}}"},
    {HTTP_GET, "/portal/shared-customers", NULL, portal_customers, NULL, ROUTE_PORTAL,
     "The partner's shared customers (partner users only)",
     DOC_ID("listPortalSharedCustomers") ",\"tag\":\"portal\",\"response\":{\"type\":\"object\",\"properties\":{"
     "\"items\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{" DOC_STRING("id") ","
     DOC_STRING("customer") "," DOC_NULLABLE_STRING("health") "},\"additionalProperties\":false}}}}}"},
    {HTTP_DELETE, "/session", NULL, auth_session_delete, NULL, ROUTE_SELF,
     "Sign out: the session ends on the server. Sent with an API token, 400 and nothing ends: "
     "a token is revoked with DELETE /me/tokens/{id}",
     DOC_ID("signOut") ",\"ok\":204}"},
    {HTTP_GET, "/me", NULL, auth_me, NULL, ROUTE_SELF, "The signed-in user and a fresh CSRF token",
     DOC_ID("getMe") ",\"response\":" DOC_SESSION "}"},
    {HTTP_POST, "/me/password", NULL, auth_password_change, NULL, ROUTE_JSON | ROUTE_SELF,
     "Change the own password; the user's other sessions end (the one the request came with goes on), "
     "and with endTokens true every API token of the user too, this request's own included",
     DOC_ID("changePassword") ",\"ok\":204,"
     "\"body\":{\"type\":\"object\",\"required\":[\"currentPassword\",\"newPassword\"],\"properties\":{"
     DOC_STRING("currentPassword") "," DOC_STRING("newPassword") ",\"endTokens\":{\"type\":\"boolean\","
     "\"default\":false,\"description\":\"true: end every API token of the user as well (default false: "
     "scripts' tokens go on)\"}}}}"},
    {HTTP_GET, "/me/tokens", NULL, auth_tokens_list, NULL, 0, "The own API tokens (without their values)",
     DOC_ID("listTokens")
     ",\"response\":{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\",\"items\":" DOC_TOKEN "}}}}"},
    {HTTP_POST, "/me/tokens", NULL, auth_tokens_create, NULL, ROUTE_JSON,
     "A new API token, its value shown once (send it as Authorization: Bearer)",
     DOC_ID("createToken") ",\"ok\":201,\"body\":" DOC_STRINGS(DOC_STRING("name")) ",\"response\":" DOC_TOKEN "}"},
    {HTTP_DELETE, "/me/tokens/:id", NULL, auth_tokens_delete, NULL, 0, "Revoke an own API token",
     DOC_ID("deleteToken") ",\"ok\":204}"},
    {HTTP_GET, "/users", NULL, users_list, NULL, 0, "Every user (for owner pickers and history)",
     DOC_ID("listUsers") ",\"tag\":\"users\","
     "\"response\":{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\",\"items\":" DOC_USER "}}}}"},
    {HTTP_POST, "/users", NULL, users_create, NULL, ROUTE_JSON | ROUTE_ADMIN, "Add a user (admins only): with a password, 201 the user; without one, 201 {user, invite}: "
     "a single-use link (7 days) that sets their password, shown only here",
     DOC_ID("createUser") ",\"tag\":\"users\",\"ok\":201,"
     "\"body\":{\"type\":\"object\",\"required\":[\"email\",\"name\"],\"properties\":{"
     DOC_STRING("email") "," DOC_STRING("name") ",\"role\":{\"$ref\":\"#/components/schemas/Role\"},"
     "\"password\":{\"type\":\"string\",\"description\":\"8 to 1024 characters; leave it out to invite\"}}},"
     "\"response\":{\"oneOf\":[" DOC_USER ",{\"type\":\"object\",\"properties\":{\"user\":" DOC_USER ","
     "\"invite\":" DOC_INVITE "}}]}}"},
    {HTTP_POST, "/users/:id/invites", NULL, invites_create, NULL, ROUTE_JSON | ROUTE_ADMIN,
     "A new single-use link that sets the user's password (a first one, or a forgotten one), valid 7 days; "
     "the user's earlier links end (admins only)",
     DOC_ID("inviteUser") ",\"tag\":\"users\",\"ok\":201,\"body\":{\"type\":\"object\"},"
     "\"response\":" DOC_INVITE "}"},
    {HTTP_POST, "/partners/:id/invites", NULL, invites_partner_create, NULL, ROUTE_JSON,
     "Invite a contact of the partner to the partner portal (its owner or an admin): a user of the role partner, "
     "and a single-use link (7 days) that sets their password, shown only here",
     DOC_ID("invitePartnerContact") ",\"tag\":\"portal\",\"ok\":201,\"errors\":[409],\"body\":{\"type\":\"object\","
     "\"required\":[\"email\",\"name\"],\"properties\":{" DOC_STRING("email") "," DOC_STRING("name") "}},"
     "\"response\":{\"type\":\"object\",\"properties\":{" DOC_STRING("id") "," DOC_STRING("email") ","
     "\"url\":{\"type\":\"string\",\"description\":\"shown once\"},"
     "\"expiresAt\":{\"type\":\"string\",\"format\":\"date-time\"}}}}"},
    {HTTP_GET, "/partners/:id/invites", NULL, invites_partner_list, NULL, 0,
     "The partner's pending portal invitations, without their links (its owner or an admin)",
     DOC_ID("listPartnerInvites") ",\"tag\":\"portal\",\"response\":{\"type\":\"object\",\"properties\":{"
     "\"items\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{" DOC_STRING("id") ","
     DOC_STRING("email") "," DOC_STRING("name") ",\"expiresAt\":{\"type\":\"string\",\"format\":\"date-time\"}}}}}}}"},
    {HTTP_DELETE, "/invites/:id", NULL, invites_delete, NULL, 0,
     "Revoke a pending invitation link (an admin, whoever made it, or the owner of the partner it invites to)",
     DOC_ID("revokeInvite") ",\"tag\":\"users\",\"ok\":204}"},
    {HTTP_PATCH, "/users/:id", NULL, users_patch, NULL, ROUTE_JSON,
     "Rename, change the role of, or disable a user (admins; a partner's owner may disable or enable its portal "
     "contacts); disabling ends their sessions and tokens",
     DOC_ID("updateUser") ",\"tag\":\"users\",\"body\":{\"type\":\"object\",\"properties\":{" DOC_STRING("name")
     ",\"role\":{\"$ref\":\"#/components/schemas/Role\"},\"disabled\":{\"type\":\"boolean\"}}},"
     "\"response\":" DOC_USER "}"},
    {HTTP_GET, "/templates", NULL, templates_list, NULL, 0, "The built-in templates, in the playbook's order",
     DOC_ID("listTemplates") ",\"tag\":\"templates\","
     "\"response\":{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\","
     "\"items\":" DOC_TEMPLATE "}}}}"},
    {HTTP_GET, "/templates/:id", NULL, templates_get, NULL, 0, "One template by its key",
     DOC_ID("getTemplate") ",\"tag\":\"templates\",\"response\":" DOC_TEMPLATE "}"},
    {HTTP_GET, "/overview", NULL, overview_get, NULL, 0,
     "The overview callout: active partners, revenue attributed, intros made, reviews due",
     DOC_ID("getOverview") ",\"tag\":\"figures\",\"response\":{\"type\":\"object\",\"properties\":{"
     "\"activePartners\":{\"type\":\"integer\"},\"revenueAttributed\":{\"type\":\"number\"},"
     "\"introsMade\":{\"type\":\"integer\"},\"reviewsDue\":{\"type\":\"integer\"},"
     "\"partners\":{\"type\":\"integer\"},"
     "\"partnersByStatus\":{\"type\":\"object\",\"additionalProperties\":{\"type\":\"integer\"}}}}}"},
    {HTTP_GET, "/oplog", oplog_check, oplog_list, free, ROUTE_QUERY,
     "The oplog rows this user may see after since, oldest first (for audit and sync)",
     DOC_ID("listOplog") ",\"tag\":\"figures\",\"parameters\":[\"since\"],"
     "\"query\":{" DOC_LIMIT(OPLOG_MAX_LIMIT, OPLOG_DEFAULT_LIMIT) ",\"actorRole\":{\"$ref\":\"#/components/schemas/Role\","
     "\"description\":\"only the rows of users of this role (partner: what partners' contacts did in the portal)\"}},"
     "\"response\":{\"type\":\"object\",\"properties\":{"
     "\"items\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/OplogEntry\"}},"
     "\"next\":{\"type\":\"integer\"}}}}"},
    {HTTP_GET, "/referrals/:id/intro", NULL, referral_intro, NULL, 0,
     "The intro request text of an outbound referral (a lead sent to the partner), filled from it and its partner; "
     "404 for an inbound one",
     DOC_ID("getReferralIntro") ",\"tag\":\"referrals\",\"response\":{\"type\":\"object\",\"properties\":{"
     DOC_STRING("referralId") "," DOC_STRING("partnerId") "," DOC_STRING("text") ","
     "\"to\":" DOC_STRINGS(DOC_STRING("name") "," DOC_STRING("email")) ",\"leadOptIn\":{\"type\":\"boolean\"},"
     "\"partnerOptIn\":{\"type\":\"boolean\"}}}}"},
    {HTTP_GET, "/boards/:collection", entity_check_board, entity_board, entity_free_input, ROUTE_QUERY,
     "The %s kanban: every status column in pipeline order, with count, revenue and the first cards",
     DOC_ID("get{Collection}Board") "}"},
    {HTTP_GET, "/:collection.csv", entity_check_csv, entity_csv, entity_free_input, ROUTE_QUERY,
     "%s as CSV (RFC 4180): the list's filters and sort, every row (no cap), streamed as it is read; "
     "one import or export per user at a time (429)",
     DOC_ID("export{Collection}Csv") "}"},
    {HTTP_POST, "/:collection/import", entity_check_import, entity_import, entity_free_import_input,
     ROUTE_CSV | ROUTE_IDEMPOTENT,
     "Create %s from a CSV file with a header of field names: all rows or none, committed within "
     "PARTNERSHIPS_REQUEST_DEADLINE_SECONDS or rolled back (503); one import or export per user at a time (429)",
     DOC_ID("import{Collection}Csv") "}"},
    {HTTP_GET, "/:view", entity_check_list, entity_list, entity_free_input, ROUTE_QUERY,
     "The %s table: filters, search, sort, paging",
     DOC_ID("list{Collection}") "}"},
    {HTTP_GET, "/:collection", entity_check_list, entity_list, entity_free_input, ROUTE_QUERY,
     "List %s: filters, search, sort, paging, or the trash",
     DOC_ID("list{Collection}") "}"},
    {HTTP_POST, "/:collection", entity_check_write, entity_create, entity_free_input, ROUTE_JSON | ROUTE_IDEMPOTENT,
     "Create one of %s",
     DOC_ID("create{Record}") "}"},
    {HTTP_POST, "/:collection/bulk", entity_check_bulk, entity_bulk, entity_free_bulk_input, ROUTE_JSON,
     "Change, delete or restore up to 500 of %s at once, all or nothing, one oplog row per record: "
     "{\"ids\", \"set\": fields | \"action\": delete or restore, \"versions\"}",
     DOC_ID("bulk{Collection}") "}"},
    {HTTP_GET, "/:collection/:id", entity_check_get, entity_get, entity_free_input, ROUTE_QUERY,
     "One of %s (also from the trash)",
     DOC_ID("get{Record}") "}"},
    {HTTP_PATCH, "/:collection/:id", entity_check_write, entity_patch, entity_free_input, ROUTE_JSON,
     "Change some fields of one of %s",
     DOC_ID("update{Record}") "}"},
    {HTTP_DELETE, "/:collection/:id", NULL, entity_delete, NULL, 0, "Move one of %s to the trash",
     DOC_ID("delete{Record}") "}"},
    {HTTP_POST, "/:collection/:id/restore", NULL, entity_restore, NULL, 0, "Restore one of %s from the trash",
     DOC_ID("restore{Record}") "}"},
    {HTTP_GET, "/:collection/:id/history", NULL, entity_history, NULL, 0,
     "The history of one of %s from the oplog, oldest first",
     DOC_ID("get{Record}History") "}"},
};

const struct route *router_routes(size_t *count)
{
    *count = sizeof(routes) / sizeof(routes[0]);
    return routes;
}

static const char *const router_method_names[HTTP_METHOD__MAX] = {
    [HTTP_GET] = "GET", [HTTP_POST] = "POST", [HTTP_PATCH] = "PATCH", [HTTP_DELETE] = "DELETE",
    [HTTP_PUT] = "PUT", [HTTP_HEAD] = "HEAD", [HTTP_OPTIONS] = "OPTIONS",
};

/* The entity named by the first len bytes of path, or NULL. */
static struct entity *router_entity(const char *path, size_t len)
{
    char name[API_ID_MAX + 1];

    if (len > API_ID_MAX)
        return NULL;
    memcpy(name, path, len);
    name[len] = '\0';
    return entity_find(name);
}

/* Matches one pattern against path; fills ids and entity on success. */
static bool router_path_matches(const char *pattern, const char *path, struct request_ctx *ctx)
{
    size_t nids = 0;
    struct entity *entity = NULL;

    while (*pattern && *path) {
        const char *pattern_end, *path_end;
        size_t pattern_len, path_len;

        if (*pattern != '/' || *path != '/')
            return false;
        pattern++;
        path++;
        pattern_end = strchr(pattern, '/');
        path_end = strchr(path, '/');
        pattern_len = pattern_end ? (size_t)(pattern_end - pattern) : strlen(pattern);
        path_len = path_end ? (size_t)(path_end - path) : strlen(path);
        if (pattern_len == 3 && strncmp(pattern, ":id", 3) == 0) {
            if (!input_id_valid(path, path_len) || nids == API_MAX_PATH_IDS)
                return false;
            memcpy(ctx->ids[nids], path, path_len);
            ctx->ids[nids++][path_len] = '\0';
        } else if (pattern_len == 15 && strncmp(pattern, ":collection.csv", 15) == 0) {
            /* Any collection or view, with ".csv" after its name. */
            if (path_len <= 4 || strncmp(path + path_len - 4, ".csv", 4) != 0 ||
                !(entity = router_entity(path, path_len - 4)))
                return false;
        } else if ((pattern_len == 11 && strncmp(pattern, ":collection", 11) == 0) ||
                   (pattern_len == 5 && strncmp(pattern, ":view", 5) == 0)) {
            /* ":collection" is a collection, ":view" a list-only view. */
            if (!(entity = router_entity(path, path_len)) || entity->view != (pattern_len == 5))
                return false;
        } else if (pattern_len != path_len || strncmp(pattern, path, path_len) != 0) {
            return false;
        }
        pattern += pattern_len;
        path += path_len;
    }
    if (*pattern || *path)
        return false;
    ctx->entity = entity;
    return true;
}

const struct route *router_match(const char *path, enum http_method method, struct request_ctx *ctx,
                                 int *status, char *allow, size_t allow_size)
{
    size_t allow_len = 0;

    *status = 404;
    allow[0] = '\0';
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        if (!router_path_matches(routes[i].pattern, path, ctx))
            continue;
        if (routes[i].method == method)
            return &routes[i];
        *status = 405;
        if (!strstr(allow, router_method_names[routes[i].method])) {
            int n = snprintf(allow + allow_len, allow_size - allow_len, "%s%s", allow_len ? ", " : "",
                             router_method_names[routes[i].method]);

            if (n > 0 && (size_t)n < allow_size - allow_len)
                allow_len += (size_t)n;
        }
    }
    return NULL;
}

/* Method, route, query, the body's size and type: everything checkable
 * without credentials and without reading the body.  Returns 0, or -1
 * after answering. */
static int router_check_request(struct request_ctx *ctx)
{
    struct http_request *req = ctx->req;
    char allow[64];
    int status;
    size_t prefix_len = strlen(ROUTER_PREFIX);

    if (strncmp(req->path, ROUTER_PREFIX, prefix_len) != 0 || (req->path[prefix_len] != '/')) {
        http_error(ctx->resp, 404, "no such route");
        return -1;
    }
    ctx->route = router_match(req->path + prefix_len, req->method, ctx, &status, allow, sizeof(allow));
    if (!ctx->route) {
        if (status == 405)
            http_response_header(ctx->resp, "Allow", "%s", allow);
        http_error(ctx->resp, status, status == 405 ? "this method is not allowed here" : "no such route");
        return -1;
    }
    if (req->nparams && !(ctx->route->flags & ROUTE_QUERY)) {
        http_error_fields(ctx->resp, 400, "this route takes no query parameters",
                          json_pack("{s:s}", req->params[0].name, "is not a parameter of this route"));
        return -1;
    }
    if (http_if_match_version(req->if_match, &ctx->if_match)) {
        http_error(ctx->resp, 400, "If-Match must be a quoted version number, e.g. \"3\"");
        return -1;
    }
    if (!(ctx->route->flags & (ROUTE_JSON | ROUTE_CSV)))
        return 0;
    if (req->content_length > HTTP_MAX_BODY_BYTES) {
        http_error(ctx->resp, 413, "the request body is over 1 MiB");
        return -1;
    }
    if (ctx->route->flags & ROUTE_CSV) {
        if (!http_content_type_is(req->content_type, "text/csv")) {
            http_error(ctx->resp, 415, "send the file as text/csv, in UTF-8");
            return -1;
        }
        return 0;
    }
    if (!http_content_type_is(req->content_type, "application/json")) {
        http_error(ctx->resp, 415, "send the body as application/json, in UTF-8");
        return -1;
    }
    return 0;
}

/* The body and the route's own check of its input: parsed only once the
 * credentials are known to be good, so that anyone without them cannot make
 * a worker parse a megabyte.  Returns 0, or -1 after answering. */
static int router_check_input(struct request_ctx *ctx)
{
    const char *message;

    if (ctx->route->flags & ROUTE_JSON) {
        ctx->body = input_json_object(ctx->req->body, ctx->req->body_len, &message);
        if (!ctx->body) {
            http_error(ctx->resp, 400, message);
            return -1;
        }
    }
    return ctx->route->check ? ctx->route->check(ctx) : 0;
}

static void router_unavailable(struct request_ctx *ctx)
{
    http_error(ctx->resp, 503, "the database is unavailable; try again");
}

/* ---- long operations and Idempotency-Key (fcgi/README.md "Long operations") ---- */

long api_deadline_left_ms(const struct request_ctx *ctx)
{
    struct timespec now;
    long long left;

    clock_gettime(CLOCK_MONOTONIC, &now);
    left = (long long)(ctx->deadline.tv_sec - now.tv_sec) * 1000 + (ctx->deadline.tv_nsec - now.tv_nsec) / 1000000;
    return left > 0 ? (long)left : 0;
}

/* A client told to come back: in a few seconds, never past a deadline. */
static int router_retry_after(void)
{
    return config.request_deadline_seconds < 10 ? config.request_deadline_seconds : 10;
}

void api_deadline_answer(struct request_ctx *ctx, const char *message)
{
    http_response_free(ctx->resp);
    http_response_init(ctx->resp);
    http_response_header(ctx->resp, "Retry-After", "%d", router_retry_after());
    http_error(ctx->resp, 503, message);
}

int api_long_operation(struct request_ctx *ctx)
{
    char slots[16];
    const char *values[1] = {slots};
    struct pg_result *res;
    bool own, slot;

    snprintf(slots, sizeof(slots), "%d", config.long_operations);
    res = db_query_cached(ctx->db, "select own, slot from public.long_operation_try($1::integer)", 1, values);
    if (!res || !db_ok(res) || db_rows(res) != 1) {
        if (res)
            log_error("request_id=%s long operation: %s", ctx->req->request_id, db_error_detail(res));
        db_clear(res);
        http_error(ctx->resp, 503, "the database is unavailable; try again");
        return -1;
    }
    own = strcmp(db_value(res, 0, 0), "t") == 0;
    slot = strcmp(db_value(res, 0, 1), "t") == 0;
    db_clear(res);
    if (own && slot)
        return 0;
    http_response_header(ctx->resp, "Retry-After", "%d", router_retry_after());
    if (!own)
        http_error(ctx->resp, 429, "another import or export of yours is running; try again when it has ended");
    else
        http_error(ctx->resp, 503, "the service is busy with other imports and exports; try again shortly");
    return -1;
}

/* An Idempotency-Key: 1 to 255 visible ASCII characters. */
static bool router_idempotency_key_valid(const char *key)
{
    size_t len = strlen(key);

    if (len == 0 || len > 255)
        return false;
    for (size_t i = 0; i < len; i++)
        if (key[i] < 0x21 || key[i] > 0x7e)
            return false;
    return true;
}

/* Claims the request's Idempotency-Key in its transaction: 0 (a new key:
 * the handler runs, router_idempotency_store() keeps its answer), or 1
 * after answering (the first answer again, or an error). */
static int router_idempotency_claim(struct request_ctx *ctx)
{
    const struct http_request *req = ctx->req;
    crypto_hash_sha256_state state;
    unsigned char hash[crypto_hash_sha256_BYTES];
    char hex[2 * sizeof(hash) + 3] = "\\x";
    const char *values[2] = {req->idempotency_key, hex};
    struct pg_result *res;
    const char *verdict;

    crypto_hash_sha256_init(&state);
    crypto_hash_sha256_update(&state, (const unsigned char *)req->method_name, strlen(req->method_name) + 1);
    crypto_hash_sha256_update(&state, (const unsigned char *)req->path, strlen(req->path) + 1);
    if (req->body)
        crypto_hash_sha256_update(&state, (const unsigned char *)req->body, req->body_len);
    crypto_hash_sha256_final(&state, hash);
    sodium_bin2hex(hex + 2, sizeof(hex) - 2, hash, sizeof(hash));
    res = db_query_cached(ctx->db, "select state, status, headers, body from public.idempotency_claim($1, $2::bytea)",
                          2, values);
    if (!res || !db_ok(res) || db_rows(res) != 1) {
        if (res)
            log_error("request_id=%s idempotency: %s", req->request_id, db_error_detail(res));
        db_clear(res);
        http_error(ctx->resp, 503, "the database is unavailable; try again");
        return 1;
    }
    verdict = db_value(res, 0, 0);
    if (strcmp(verdict, "new") == 0) {
        db_clear(res);
        return 0;
    }
    if (strcmp(verdict, "replay") == 0 && db_value(res, 0, 1)) {
        const char *headers = db_value(res, 0, 2);
        size_t headers_len = headers ? strlen(headers) : 0;

        if (headers_len < sizeof(ctx->resp->headers)) {
            memcpy(ctx->resp->headers, headers ? headers : "", headers_len);
            ctx->resp->headers_len = headers_len;
        }
        http_response_header(ctx->resp, "Idempotent-Replayed", "true");
        if (http_response_json(ctx->resp, atoi(db_value(res, 0, 1)), db_value(res, 0, 3), db_length(res, 0, 3)))
            http_error(ctx->resp, 500, "out of memory");
    } else if (strcmp(verdict, "mismatch") == 0) {
        http_error_fields(ctx->resp, 422, "this Idempotency-Key was used for another request",
                          json_pack("{s:s}", "Idempotency-Key", "was sent before with another method, path or body"));
    } else {   /* busy */
        http_response_header(ctx->resp, "Retry-After", "%d", router_retry_after());
        http_error(ctx->resp, 409, "a request with this Idempotency-Key is still running; try again when it has ended");
    }
    db_clear(res);
    return 1;
}

/* Keeps a successful answer under the request's key, in its transaction:
 * 0, or -1 after answering 503. */
static int router_idempotency_store(struct request_ctx *ctx)
{
    char status[8], *headers = strndup(ctx->resp->headers, ctx->resp->headers_len), *body;
    const char *values[4];
    struct pg_result *res;
    int rc = -1;

    body = strndup(ctx->resp->body ? ctx->resp->body : "", ctx->resp->body_len);
    snprintf(status, sizeof(status), "%d", ctx->resp->status);
    values[0] = ctx->req->idempotency_key;
    values[1] = status;
    values[2] = headers;
    values[3] = body;
    if (headers && body) {
        res = db_query_cached(ctx->db, "select public.idempotency_store($1, $2::integer, $3, $4)", 4, values);
        rc = res && db_ok(res) ? 0 : -1;
        if (res && rc)
            log_error("request_id=%s idempotency: %s", ctx->req->request_id, db_error_detail(res));
        db_clear(res);
    }
    free(headers);
    free(body);
    if (rc) {
        http_response_free(ctx->resp);
        http_response_init(ctx->resp);
        router_unavailable(ctx);
    }
    return rc;
}

/* How often a transaction that lost a deadlock (or a serialization check) is
 * run: PostgreSQL rolled all of it back, so running it again is safe, and
 * the other transaction has gone on meanwhile. */
#define ROUTER_ATTEMPTS 3

/* The authenticated part: credentials, then in one transaction with the
 * acting user set, the body and the route's check (once), then the handler. */
static void router_run_authenticated(struct request_ctx *ctx)
{
    const char *message;
    bool input_checked = false;
    bool keyed = (ctx->route->flags & ROUTE_IDEMPOTENT) && ctx->req->idempotency_key;
    int status = auth_credentials(ctx, &message), handled;

    if (status) {
        http_error(ctx->resp, status, message);
        return;
    }
    if (keyed && !router_idempotency_key_valid(ctx->req->idempotency_key)) {
        http_error_fields(ctx->resp, 400, "Idempotency-Key must be 1 to 255 visible ASCII characters",
                          json_pack("{s:s}", "Idempotency-Key", "must be 1 to 255 visible ASCII characters"));
        return;
    }
    if (db_ensure(ctx->db)) {
        router_unavailable(ctx);
        return;
    }
    for (int attempt = 1;; attempt++) {
        bool again;

        status = auth_begin(ctx);   /* begins the transaction */
        if (status == 0)
            status = auth_check_remote_user(ctx);
        if (status) {
            http_error(ctx->resp, status, status == 401 ? "the session has ended or the token is not valid; sign in again"
                                          : status == 503 ? "the database is unavailable; try again" : "internal error");
            db_command(ctx->db, "rollback");
            return;
        }
        if ((ctx->route->flags & ROUTE_ADMIN) && !ctx->user.admin) {
            http_error(ctx->resp, 403, "only an admin may do this");
            db_command(ctx->db, "rollback");
            return;
        }
        /* A partner's contact reaches the portal and their own session and
         * password, nothing else; the portal is theirs alone, read as the
         * role partnerships_portal (sql/031: its columns and rows only). */
        if (ctx->user.partner ? !(ctx->route->flags & (ROUTE_SELF | ROUTE_PORTAL))
                              : (ctx->route->flags & ROUTE_PORTAL) != 0) {
            http_error(ctx->resp, 403, ctx->user.partner ? "a partner's contact may use the partner portal only"
                                                         : "the portal is for partners' contacts");
            db_command(ctx->db, "rollback");
            return;
        }
        if ((ctx->route->flags & ROUTE_PORTAL) && db_command(ctx->db, "set local role partnerships_portal")) {
            router_unavailable(ctx);
            db_command(ctx->db, "rollback");
            return;
        }
        if (!input_checked) {
            input_checked = true;
            if (router_check_input(ctx)) {
                db_command(ctx->db, "rollback");
                return;
            }
        }
        /* With an Idempotency-Key, the key is claimed first and the answer
         * kept before the commit, both in the request's transaction. */
        if (keyed) {
            if (router_idempotency_claim(ctx)) {
                if (db_in_transaction(ctx->db) && db_command(ctx->db, ctx->resp->status < 300 ? "commit" : "rollback"))
                    router_unavailable(ctx);
                return;
            }
            db_hold_commit(ctx->db, true);
        }
        /* A handler whose one statement is a read or a create sends COMMIT
         * with it (db_commit_with_next); any other is committed here. */
        handled = ctx->route->handler(ctx);
        db_hold_commit(ctx->db, false);
        if (handled == 0 && keyed && router_idempotency_store(ctx)) {
            db_command(ctx->db, "rollback");
            return;
        }
        if (handled == 0) {
            if (db_in_transaction(ctx->db) && db_command(ctx->db, "commit")) {
                http_response_free(ctx->resp);
                http_response_init(ctx->resp);
                router_unavailable(ctx);
            }
            return;
        }
        again = attempt < ROUTER_ATTEMPTS && db_retryable(ctx->db);
        if (db_in_transaction(ctx->db))
            db_command(ctx->db, "rollback");
        if (!again)
            return;
        http_response_free(ctx->resp);   /* the failed attempt's 409 */
        http_response_init(ctx->resp);
    }
}

void router_dispatch(struct request_ctx *ctx)
{
    ctx->if_match = -1;
    /* The collections are learned from the database (declaration.c): until
     * a worker has read them, only /health can be answered. */
    if (!entity_loaded() && entity_load(ctx->db) && strcmp(ctx->req->path, ROUTER_PREFIX "/health") != 0)
        router_unavailable(ctx);
    else if (router_check_request(ctx) == 0) {
        if (ctx->route->flags & ROUTE_PUBLIC) {
            if (router_check_input(ctx) == 0) {
                if (ctx->route->handler == health_get || db_ensure(ctx->db) == 0)
                    ctx->route->handler(ctx);
                else
                    router_unavailable(ctx);
            }
        } else {
            router_run_authenticated(ctx);
        }
    }
    if (ctx->route && ctx->route->free_input)
        ctx->route->free_input(ctx->input);
    ctx->input = NULL;
    json_decref(ctx->body);
    ctx->body = NULL;
    free(ctx->user.json);
    ctx->user.json = NULL;
}
