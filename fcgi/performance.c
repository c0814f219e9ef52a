/* performance.c: GET /performance, the partner performance table
 * (sql/README.md "Figures"), a list-only view over sql/003_hub.sql's
 * partner_performance: filters, sort and paging as for any list. */
#include "entity.h"

static const struct entity_field performance_fields[] = {
    {"partnerId", FIELD_REF, NULL, FIELD_SORT | FIELD_FILTER},
    {"company", FIELD_TEXT, NULL, FIELD_SORT},
    {"type", FIELD_ENUM, "partner_type", FIELD_SORT | FIELD_FILTER},
    {"status", FIELD_ENUM, "partner_status", FIELD_SORT | FIELD_FILTER | FIELD_RANKED},
    {"ownerUserId", FIELD_REF, NULL, FIELD_SORT | FIELD_FILTER},
    {"referrals", FIELD_INT, NULL, FIELD_SORT},
    {"revenue", FIELD_MONEY, NULL, FIELD_SORT},
    {"campaigns", FIELD_INT, NULL, FIELD_SORT},
    {"sharedCustomers", FIELD_INT, NULL, FIELD_SORT},
    {"roi", FIELD_NUMBER, NULL, FIELD_SORT},
    {"score", FIELD_INT, NULL, FIELD_SORT},
    {"engagement", FIELD_TEXT, NULL, FIELD_SORT | FIELD_FILTER},
};

static const struct entity_param performance_params[] = {
    {"owner", FIELD_TEXT, "me", "t.owner_user_id = public.current_user_id()",
     "me: only the partners the acting user owns"},
};

struct entity performance_entity = {
    .collection = "performance",
    .table = "partner_performance",
    .json_function = "public.api_performance",
    .default_sort = "-revenue",
    .searchable = true,
    .view = true,
    .kept_totals = "partner_totals",   /* sql/009; the view has status_rank (sql/016) */
    .fields = performance_fields,
    .nfields = sizeof(performance_fields) / sizeof(performance_fields[0]),
    .params = performance_params,
    .nparams = sizeof(performance_params) / sizeof(performance_params[0]),
};
