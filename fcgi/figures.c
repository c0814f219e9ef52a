/* figures.c: the read-only routes that are not collections: templates,
 * the overview callout, the intro request text of a referral, and the
 * oplog feed.  Each is one prepared statement that builds its JSON in
 * PostgreSQL, under the acting user's row-level security. */
#include "figures.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "input.h"

enum figures_statement {
    FIGURES_TEMPLATES, FIGURES_TEMPLATE, FIGURES_OVERVIEW, FIGURES_OVERVIEW_ADMIN, FIGURES_INTRO, FIGURES_OPLOG,
    FIGURES_OPLOG_BY_ROLE, FIGURES__MAX
};

/* sql/README.md "Figures": active = active or expanding; intros made =
 * outbound referrals; all over the partners this user can see.  The row
 * policies decide what is visible; the conditions on the owner only let a
 * member's plan use the owner's index ($1: their id; null for an admin).
 * Partners, revenue and intros come from the totals kept per owner and
 * status (sql/009), reviews due from the partners kept per owner and review
 * date (sql/010), summed up to today: the cost does not grow with the
 * number of partners. */
#define FIGURES_OVERVIEW_SQL(totals_owner, reviews_owner) \
    "select json_build_object(" \
    " 'activePartners', coalesce(sum(b.n) filter (where b.status in ('active', 'expanding')), 0)," \
    " 'revenueAttributed', coalesce(sum(b.revenue), 0)," \
    " 'introsMade', coalesce(sum(b.intros), 0)," \
    " 'reviewsDue', (select coalesce(sum(r.partners), 0) from public.partner_review_totals r" \
    "   where " reviews_owner " and r.next_review <= current_date)," \
    " 'partners', coalesce(sum(b.n), 0)," \
    " 'partnersByStatus', json_object_agg(b.status, coalesce(b.n, 0) order by b.ord))::text" \
    /* Every status present, in the enum's order. */ \
    " from (select s.status, s.ord, g.n, g.revenue, g.intros" \
    "  from unnest(enum_range(null::public.partner_status)) with ordinality s(status, ord)" \
    "  left join (select c.status_rank, sum(c.partners) as n, sum(c.revenue) as revenue, sum(c.intros) as intros" \
    "    from public.partner_totals c where " totals_owner \
    "   group by c.status_rank) g on g.status_rank = s.ord) b"

/* The oplog feed over the rows the query rows picks (at most $2 after $1,
 * in order, under the horizon: none that a transaction still open could
 * come before; sql/039). */
#define FIGURES_OPLOG_SQL(rows) \
    "select json_build_object('items', coalesce(json_agg(json_build_object(" \
    "  'seq', o.seq, 'at', o.at," \
    "  'actor', case when u.id is not null then json_build_object('id', u.id, 'name', u.name) end," \
    "  'entity', o.entity, 'recordId', o.record_id, 'partnerId', o.partner_id, 'op', o.op," \
    "  'changes', o.changes) order by o.seq), '[]'::json)," \
    " 'next', coalesce(max(o.seq), $1))::text" \
    " from (" rows ") o" \
    " left join public.users u on u.id = o.actor_user_id"

static const struct {
    const char *name;
    const char *sql;
} figures_sql[FIGURES__MAX] = {
    [FIGURES_TEMPLATES] = {"templates_list",
        "select json_build_object('items', coalesce(json_agg(public.api_template(t) order by t.position),"
        " '[]'::json))::text from public.templates t"},
    [FIGURES_TEMPLATE] = {"templates_get", "select public.api_template(t)::text from public.templates t where t.key = $1"},
    [FIGURES_OVERVIEW] = {"overview", FIGURES_OVERVIEW_SQL("c.owner_user_id = $1", "r.owner_user_id = $1")},
    [FIGURES_OVERVIEW_ADMIN] = {"overview_admin", FIGURES_OVERVIEW_SQL("$1::text is null", "$1::text is null")},
    /* The seed's intro request, filled from an outbound referral (a lead
     * sent to the partner) and its partner; a placeholder without a value
     * stays for the user to fill.  The seed's lines are wrapped for print:
     * a line break that does not end a sentence or the greeting becomes a
     * space, so that the copied text does not break mid-sentence. */
    [FIGURES_INTRO] = {"referral_intro",
        "select json_build_object('referralId', r.id, 'partnerId', p.id,"
        " 'to', json_build_object('name', p.contact_name, 'email', p.contact_email),"
        " 'leadOptIn', r.lead_opt_in, 'partnerOptIn', r.partner_opt_in,"
        " 'text', replace(replace(replace(replace(regexp_replace(t.body, '([^.?!,])\n', '\\1 ', 'g'),"
        "   '[Partner Contact]', p.contact_name), '[Lead Name]', r.lead_name),"
        "   '[Lead Company]', coalesce(r.lead_company, '[Lead Company]')),"
        "   '[context on the lead]', coalesce(r.notes, '[context on the lead]')))::text"
        " from public.referrals r join public.partners p on p.id = r.partner_id"
        " cross join public.templates t"
        " where r.id = $1 and r.deleted_at is null and r.direction = 'outbound' and t.key = 'intro_request'"},
    [FIGURES_OPLOG] = {"oplog_feed", FIGURES_OPLOG_SQL(
        "select * from public.oplog where seq > $1 and seq < (select public.oplog_horizon()) order by seq limit $2")},
    /* The rows of the users of one role ($3): each one's from their index
     * (sql/038), merged; the users of a role that acts rarely (partners'
     * contacts) are not looked for among everyone's rows. */
    [FIGURES_OPLOG_BY_ROLE] = {"oplog_feed_by_role", FIGURES_OPLOG_SQL(
        "select r.* from public.users a cross join lateral (select * from public.oplog l"
        "  where l.actor_user_id = a.id and l.seq > $1 and l.seq < (select public.oplog_horizon())"
        "  order by l.seq limit $2) r"
        " where a.role = $3::public.user_role order by r.seq limit $2")},
};

static int figures_statements[FIGURES__MAX];

int figures_init(void)
{
    for (int i = 0; i < FIGURES__MAX; i++)
        if ((figures_statements[i] = db_statement_register(figures_sql[i].name, figures_sql[i].sql)) < 0)
            return -1;
    return 0;
}

/* Runs a statement whose one row, one column is the JSON answer: 200 with
 * it, 404 when there is no row (or null), 503 or the mapped error. */
static int figures_answer_or(struct request_ctx *ctx, enum figures_statement statement, int n,
                             const char *const *values, const char *missing)
{
    struct pg_result *res;

    db_commit_with_next(ctx->db);   /* a read, and the request's only statement */
    res = db_run(ctx->db, figures_statements[statement], n, values);
    if (!(res = api_checked(ctx, res, NULL)))
        return -1;
    if (db_rows(res) == 0 || !db_value(res, 0, 0))
        http_error(ctx->resp, 404, missing);
    else
        http_response_json(ctx->resp, 200, db_value(res, 0, 0), db_length(res, 0, 0));
    db_clear(res);
    return 0;
}

static int figures_answer(struct request_ctx *ctx, enum figures_statement statement, int n, const char *const *values)
{
    return figures_answer_or(ctx, statement, n, values, "no such record");
}

/* GET /templates: 200 {"items":[template]}, in the playbook's order. */
int templates_list(struct request_ctx *ctx)
{
    return figures_answer(ctx, FIGURES_TEMPLATES, 0, NULL);
}

/* GET /templates/{key}: 200 the template; 404. */
int templates_get(struct request_ctx *ctx)
{
    const char *values[] = {ctx->ids[0]};

    return figures_answer(ctx, FIGURES_TEMPLATE, 1, values);
}

/* GET /overview: 200 {"activePartners","revenueAttributed","introsMade",
 * "reviewsDue","partners","partnersByStatus"} over the visible partners. */
int overview_get(struct request_ctx *ctx)
{
    const char *values[] = {ctx->user.admin ? NULL : ctx->user.id};

    return figures_answer(ctx, ctx->user.admin ? FIGURES_OVERVIEW_ADMIN : FIGURES_OVERVIEW, 1, values);
}

/* GET /referrals/{id}/intro: 200 {"text", "to", ...}; 404 also for an
 * inbound referral: the lead came from the partner, there is no one to
 * introduce them to. */
int referral_intro(struct request_ctx *ctx)
{
    const char *values[] = {ctx->ids[0]};

    return figures_answer_or(ctx, FIGURES_INTRO, 1, values,
                             "no such outbound referral (an intro request is for a lead you send to a partner)");
}

/* The feed's parameters: since (a sequence number, default 0), limit, and
 * the actors' role (NULL: everyone's). */
struct oplog_input {
    char since[24];
    char limit[24];
    const char *actor_role;   /* a label of the database's user_role, or NULL */
};

/* GET /oplog?since=SEQ&limit=N&actorRole=R: 400 for another parameter or a
 * bad value. */
int oplog_check(struct request_ctx *ctx)
{
    struct oplog_input *in = calloc(1, sizeof(*in));
    long long since = 0, limit = OPLOG_DEFAULT_LIMIT;
    const char *value;

    if (!in) {
        http_error(ctx->resp, 500, "out of memory");
        return -1;
    }
    ctx->input = in;
    for (size_t i = 0; i < ctx->req->nparams; i++) {
        const char *name = ctx->req->params[i].name;

        if (strcmp(name, "since") != 0 && strcmp(name, "limit") != 0 && strcmp(name, "actorRole") != 0) {
            http_error_fields(ctx->resp, 400, "unknown parameter",
                              json_pack("{s:s}", name, "is not a parameter of this route"));
            return -1;
        }
    }
    if ((value = http_param(ctx->req, "since")) && (since = input_whole_number(value, 0, 9223372036854775806LL)) < 0) {
        http_error_fields(ctx->resp, 400, "bad parameter", json_pack("{s:s}", "since", "must be a sequence number"));
        return -1;
    }
    if ((value = http_param(ctx->req, "limit")) && (limit = input_whole_number(value, 1, OPLOG_MAX_LIMIT)) < 0) {
        http_error_fields(ctx->resp, 400, "bad parameter",
                          json_pack("{s:s}", "limit", "must be a whole number from 1 to " API_STR(OPLOG_MAX_LIMIT)));
        return -1;
    }
    if ((value = http_param(ctx->req, "actorRole"))) {
        const json_t *labels = db_enum_labels(ctx->db, "user_role");

        if (!api_enum_has(labels, value)) {
            char *message = api_enum_message(labels);

            http_error_fields(ctx->resp, 400, "bad parameter",
                              json_pack("{s:s}", "actorRole", message ? message : "is not a role"));
            free(message);
            return -1;
        }
        in->actor_role = value;
    }
    snprintf(in->since, sizeof(in->since), "%lld", since);
    snprintf(in->limit, sizeof(in->limit), "%lld", limit);
    return 0;
}

/* GET /oplog: 200 {"items":[{seq, at, actor, entity, recordId, partnerId,
 * op, changes}], "next": SEQ}: the rows this user may see, oldest first;
 * "next" is the since of the following page. */
int oplog_list(struct request_ctx *ctx)
{
    const struct oplog_input *in = ctx->input;
    const char *values[] = {in->since, in->limit, in->actor_role};

    if (in->actor_role)
        return figures_answer(ctx, FIGURES_OPLOG_BY_ROLE, 3, values);
    return figures_answer(ctx, FIGURES_OPLOG, 2, values);
}
