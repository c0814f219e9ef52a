/* portal.c: the partner portal's routes, for the contacts of a partner.
 *
 * router.c lets only partner users in, and runs these as the database role
 * partnerships_portal: the columns it was granted and the rows of the
 * acting user's own partner are all it can read (sql/031_partner_portal.sql).
 * The queries below name no partner: the database's policies choose it.
 * A lead registered and an intro answered go through the two functions
 * that write exactly that (portal_register_referral, portal_answer_intro). */
#include "portal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "input.h"

/* A referral as the portal shows it: never its notes, owner or history. */
#define PORTAL_REFERRAL_JSON                                                                          \
    "json_build_object('id', r.id, 'direction', r.direction, 'leadName', r.lead_name,"               \
    " 'leadCompany', r.lead_company, 'leadEmail', r.lead_email, 'status', r.status,"                  \
    " 'dealValue', r.deal_value, 'referredDate', r.referred_date, 'convertedDate', r.converted_date,"  \
    " 'commissionAmount', r.commission_amount, 'commissionPaid', r.commission_paid,"                  \
    " 'leadOptIn', r.lead_opt_in, 'partnerOptIn', r.partner_opt_in,"                                  \
    " 'partnerAnsweredAt', r.partner_answered_at, 'version', r.version)"

/* An outbound intro still waiting for the partner's answer. */
#define PORTAL_PENDING_INTRO \
    "r.direction = 'outbound' and r.partner_answered_at is null and not r.partner_opt_in" \
    " and r.status not in ('converted', 'lost')"

enum portal_statement {
    PORTAL_HOME,
    PORTAL_REFERRALS,
    PORTAL_REFERRAL,
    PORTAL_REGISTER,
    PORTAL_ANSWER,
    PORTAL_CAMPAIGNS,
    PORTAL_CUSTOMERS,
    PORTAL__MAX
};

/* The sorts a referral list takes: the API name, its SQL. */
static const struct {
    const char *name;
    const char *sql;
} portal_sorts[] = {
    {"referredDate", "r.referred_date"}, {"leadName", "r.lead_name"}, {"leadCompany", "r.lead_company"},
    {"status", "r.status"}, {"dealValue", "r.deal_value"}, {"direction", "r.direction"},
};

static const struct {
    const char *name;
    const char *sql;
} portal_sql[PORTAL__MAX] = {
    [PORTAL_HOME] = {"portal_home",
        "select json_build_object("
        " 'partner', json_build_object('id', p.id, 'company', p.company, 'type', p.type, 'status', p.status,"
        "   'tier', p.tier, 'agreementUrl', p.agreement_url, 'commissionRate', p.commission_rate),"
        " 'manager', (select json_build_object('name', u.name, 'email', u.email) from public.users u"
        "             where u.id = p.owner_user_id),"
        " 'figures', json_build_object('referralsMade', p.referrals_made, 'referralsReceived', p.referrals_received,"
        "   'conversions', p.conversions, 'revenueAttributed', p.revenue_attributed,"
        "   'commissionPaid', p.commission_paid,"
        "   'pendingIntros', (select count(*) from public.referrals r where r.partner_id = p.id and "
        PORTAL_PENDING_INTRO ")))::text"
        " from public.partners p"},
    /* $1 direction or null, $2 status or null, $3 limit, $4 offset; the
     * order is spliced in from portal_sorts (never from the request). */
    [PORTAL_REFERRALS] = {NULL, NULL},
    [PORTAL_REFERRAL] = {"portal_referral",
        "select " PORTAL_REFERRAL_JSON "::text from public.referrals r where r.id = $1"},
    [PORTAL_REGISTER] = {"portal_register",
        "select public.portal_register_referral($1, $2, $3, $4::numeric, $5)"},
    [PORTAL_ANSWER] = {"portal_answer", "select public.portal_answer_intro($1, $2::boolean)"},
    [PORTAL_CAMPAIGNS] = {"portal_campaigns",
        "select json_build_object('items', coalesce(json_agg(json_build_object('id', c.id, 'name', c.name,"
        " 'type', c.type, 'status', c.status, 'startDate', c.start_date, 'endDate', c.end_date,"
        " 'deliverables', c.deliverables) order by c.start_date desc nulls last, c.name, c.id), '[]'::json))::text"
        " from public.campaigns c"},
    [PORTAL_CUSTOMERS] = {"portal_customers",
        "select json_build_object('items', coalesce(json_agg(json_build_object('id', s.id, 'customer', s.customer,"
        " 'health', s.health) order by s.customer, s.id), '[]'::json))::text from public.shared_customers s"},
};

static int portal_statements[PORTAL__MAX];
/* One prepared list per sort (and direction of it). */
static int portal_list_statements[sizeof(portal_sorts) / sizeof(portal_sorts[0])][2];

int portal_init(void)
{
    for (int i = 0; i < PORTAL__MAX; i++)
        if (portal_sql[i].sql &&
            (portal_statements[i] = db_statement_register(portal_sql[i].name, portal_sql[i].sql)) < 0)
            return -1;
    for (size_t i = 0; i < sizeof(portal_sorts) / sizeof(portal_sorts[0]); i++) {
        for (int descending = 0; descending < 2; descending++) {
            char name[64], *sql;

            snprintf(name, sizeof(name), "portal_referrals_%zu_%d", i, descending);
            if (asprintf(&sql,
                         "select json_build_object('items', coalesce((select json_agg(x.j order by x.n) from ("
                         " select " PORTAL_REFERRAL_JSON " as j, row_number() over (order by %s %s nulls last, r.id) as n"
                         " from public.referrals r"
                         " where ($1::public.referral_direction is null or r.direction = $1::public.referral_direction)"
                         " and ($2::public.referral_status is null or r.status = $2::public.referral_status)"
                         " order by %s %s nulls last, r.id limit $3::integer offset $4::integer) x), '[]'::json),"
                         " 'total', (select count(*) from public.referrals r"
                         " where ($1::public.referral_direction is null or r.direction = $1::public.referral_direction)"
                         " and ($2::public.referral_status is null or r.status = $2::public.referral_status)),"
                         " 'limit', $3::integer, 'offset', $4::integer)::text",
                         portal_sorts[i].sql, descending ? "desc" : "asc", portal_sorts[i].sql,
                         descending ? "desc" : "asc") < 0)
                return -1;
            portal_list_statements[i][descending] = db_statement_register(strdup(name), sql);
            if (portal_list_statements[i][descending] < 0)
                return -1;
        }
    }
    return 0;
}

static struct pg_result *portal_run(struct request_ctx *ctx, int statement, int n, const char *const *values)
{
    return api_checked(ctx, db_run(ctx->db, statement, n, values), "referrals");
}

/* Answers 200 (or status) with the one JSON value of statement. */
static int portal_answer_value(struct request_ctx *ctx, int statement, int n, const char *const *values, int status)
{
    struct pg_result *res = portal_run(ctx, statement, n, values);

    if (!res)
        return -1;
    if (db_rows(res) == 0 || !db_value(res, 0, 0)) {
        db_clear(res);
        http_error(ctx->resp, 404, "no such record");
        return -1;
    }
    http_response_json(ctx->resp, status, db_value(res, 0, 0), db_length(res, 0, 0));
    db_clear(res);
    return 0;
}

/* GET /portal: the partner, its manager, its figures. */
int portal_home(struct request_ctx *ctx)
{
    return portal_answer_value(ctx, portal_statements[PORTAL_HOME], 0, NULL, 200);
}

/* GET /portal/campaigns and /portal/shared-customers. */
int portal_campaigns(struct request_ctx *ctx)
{
    return portal_answer_value(ctx, portal_statements[PORTAL_CAMPAIGNS], 0, NULL, 200);
}

int portal_customers(struct request_ctx *ctx)
{
    return portal_answer_value(ctx, portal_statements[PORTAL_CUSTOMERS], 0, NULL, 200);
}

/* GET /portal/referrals?direction=&status=&sort=&limit=&offset= */
int portal_referrals(struct request_ctx *ctx)
{
    const json_t *directions = db_enum_labels(ctx->db, "referral_direction");
    const json_t *statuses = db_enum_labels(ctx->db, "referral_status");
    const char *direction = NULL, *status = NULL, *limit = API_STR(PORTAL_DEFAULT_LIMIT), *offset = "0";
    size_t sort = 0;
    int descending = 1;
    json_t *bad = json_object();

    for (size_t i = 0; i < ctx->req->nparams; i++) {
        const char *name = ctx->req->params[i].name, *value = ctx->req->params[i].value;
        const json_t *labels = NULL;
        bool ok = false;

        if (strcmp(name, "direction") == 0) {
            labels = directions;
            if ((ok = api_enum_has(labels, value)))
                direction = value;
        } else if (strcmp(name, "status") == 0) {
            labels = statuses;
            if ((ok = api_enum_has(labels, value)))
                status = value;
        } else if (strcmp(name, "sort") == 0) {
            const char *field = value[0] == '-' ? value + 1 : value;

            for (size_t k = 0; k < sizeof(portal_sorts) / sizeof(portal_sorts[0]); k++)
                if (strcmp(field, portal_sorts[k].name) == 0)
                    ok = true, sort = k, descending = value[0] == '-';
        } else if (strcmp(name, "limit") == 0) {
            ok = input_whole_number(value, 1, PORTAL_MAX_LIMIT) >= 0, limit = value;
        } else if (strcmp(name, "offset") == 0) {
            ok = input_whole_number(value, 0, PORTAL_MAX_OFFSET) >= 0, offset = value;
        } else {
            json_object_set_new(bad, name, json_string("is not a parameter of this list"));
            continue;
        }
        if (!ok) {
            char *message = labels ? api_enum_message(labels) : NULL;

            json_object_set_new(bad, name, json_string(message ? message : "is not a value this list takes"));
            free(message);
        }
    }
    if (json_object_size(bad)) {
        http_error_fields(ctx->resp, 400, "some parameters are not valid", bad);
        return -1;
    }
    json_decref(bad);
    {
        const char *values[] = {direction, status, limit, offset};

        db_commit_with_next(ctx->db);   /* a read, and the request's only statement */
        return portal_answer_value(ctx, portal_list_statements[sort][descending], 4, values, 200);
    }
}

/* A string field of the body, optional: 0 (absent, null or a string), or
 * -1 with the field named in wrong (not a string: a 400) or bad (a 422). */
static int portal_string(json_t *body, const char *name, size_t max, const char **out, json_t *wrong, json_t *bad)
{
    json_t *value = json_object_get(body, name);

    *out = NULL;
    if (!value || json_is_null(value))
        return 0;
    if (!json_is_string(value)) {
        json_object_set_new(wrong, name, json_string("must be a string"));
        return -1;
    }
    *out = json_string_value(value);
    if (input_utf8_length(*out) > max || input_text_problem(*out)) {
        char message[64];

        snprintf(message, sizeof(message), "must be 1 to %zu characters of text", max);
        json_object_set_new(bad, name, json_string(message));
        return -1;
    }
    return 0;
}

/* POST /portal/referrals {"leadName","leadCompany","leadEmail","dealValue",
 * "message"}: 201 the referral (inbound, introduced); 409 a lead already
 * registered (the message names no one); 400/422 bad input. */
int portal_register(struct request_ctx *ctx)
{
    const char *lead_name, *lead_company, *lead_email, *message, *key;
    json_t *wrong = json_object(), *bad = json_object(), *value, *deal = json_object_get(ctx->body, "dealValue");
    char money[INPUT_MONEY_TEXT_BYTES], id[API_ID_MAX + 1];
    struct pg_result *res;

    /* Every field checked, each wrong one named: an unknown field or a
     * wrong type is a 400, a value out of bounds a 422. */
    json_object_foreach(ctx->body, key, value)
        if (strcmp(key, "leadName") && strcmp(key, "leadCompany") && strcmp(key, "leadEmail") &&
            strcmp(key, "dealValue") && strcmp(key, "message"))
            json_object_set_new(wrong, key, json_string("is not accepted here"));
    portal_string(ctx->body, "leadName", 200, &lead_name, wrong, bad);
    portal_string(ctx->body, "leadCompany", 200, &lead_company, wrong, bad);
    portal_string(ctx->body, "leadEmail", 254, &lead_email, wrong, bad);
    portal_string(ctx->body, "message", 5000, &message, wrong, bad);
    if (deal && !json_is_null(deal) && !json_is_number(deal))
        json_object_set_new(wrong, "dealValue", json_string("must be a number"));
    if (json_object_size(wrong)) {
        json_decref(bad);
        http_error_fields(ctx->resp, 400, "some fields are not accepted or have the wrong type", wrong);
        return -1;
    }
    json_decref(wrong);
    if (!lead_name && !json_object_get(bad, "leadName"))
        json_object_set_new(bad, "leadName", json_string("is required"));
    if (deal && !json_is_null(deal) && (input_money_text(deal, money) || json_number_value(deal) < 0))
        json_object_set_new(bad, "dealValue", json_string("must be a non-negative amount with at most two decimals"));
    if (json_object_size(bad)) {
        http_error_fields(ctx->resp, 422, "some fields are not valid", bad);
        return -1;
    }
    json_decref(bad);
    {
        const char *values[] = {lead_name, lead_company, lead_email, deal && !json_is_null(deal) ? money : NULL,
                                message};

        if (!(res = portal_run(ctx, portal_statements[PORTAL_REGISTER], 5, values)))
            return -1;
        snprintf(id, sizeof(id), "%s", db_value(res, 0, 0));
        db_clear(res);
    }
    {
        const char *values[] = {id};

        return portal_answer_value(ctx, portal_statements[PORTAL_REFERRAL], 1, values, 201);
    }
}

/* POST /portal/intros/{id} {"accept": true|false}: 200 the referral; 404
 * another partner's, an inbound one or none; 409 answered already. */
int portal_answer(struct request_ctx *ctx)
{
    json_t *accept = json_object_get(ctx->body, "accept");
    const char *values[] = {ctx->ids[0], json_is_true(accept) ? "true" : "false"};
    struct pg_result *res;
    bool found;

    if (json_object_size(ctx->body) != 1 || !json_is_boolean(accept)) {
        json_t *bad = json_object();
        const char *key;
        json_t *value;

        json_object_foreach(ctx->body, key, value)
            if (strcmp(key, "accept"))
                json_object_set_new(bad, key, json_string("is not accepted here"));
        if (!json_is_boolean(accept))
            json_object_set_new(bad, "accept", json_string("must be true or false"));
        http_error_fields(ctx->resp, 400, "the body is {\"accept\": true} or {\"accept\": false}", bad);
        return -1;
    }
    if (!(res = portal_run(ctx, portal_statements[PORTAL_ANSWER], 2, values)))
        return -1;
    found = strcmp(db_value(res, 0, 0), "t") == 0;
    db_clear(res);
    if (!found) {
        http_error(ctx->resp, 404, "no such intro waiting for you");
        return -1;
    }
    return portal_answer_value(ctx, portal_statements[PORTAL_REFERRAL], 1, values, 200);
}
