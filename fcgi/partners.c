/* partners.c: the partners collection (sql/README.md "Partner").
 *
 * Types, required fields, ranges and ownership are enforced by
 * sql/002_partners.sql; this table says what the API accepts and how lists
 * may be filtered and sorted. */
#include "entity.h"

static const struct entity_field partner_fields[] = {
    {"id", FIELD_TEXT, NULL, FIELD_SORT},
    {"company", FIELD_TEXT, NULL, FIELD_WRITE | FIELD_SORT},
    {"contactName", FIELD_TEXT, NULL, FIELD_WRITE | FIELD_SORT},
    {"contactEmail", FIELD_TEXT, NULL, FIELD_WRITE | FIELD_SORT},
    {"contactPhone", FIELD_TEXT, NULL, FIELD_WRITE},
    {"type", FIELD_ENUM, "partner_type", FIELD_WRITE | FIELD_SORT | FIELD_FILTER},
    {"status", FIELD_ENUM, "partner_status", FIELD_WRITE | FIELD_SORT | FIELD_FILTER | FIELD_RANKED},
    {"tier", FIELD_ENUM, "partner_tier", FIELD_WRITE | FIELD_SORT | FIELD_FILTER},
    {"ownerUserId", FIELD_REF, NULL, FIELD_WRITE | FIELD_SORT | FIELD_FILTER},
    {"agreementUrl", FIELD_TEXT, NULL, FIELD_WRITE},
    {"commissionRate", FIELD_TEXT, NULL, FIELD_WRITE},
    {"integrationStatus", FIELD_ENUM, "integration_status", FIELD_WRITE | FIELD_SORT | FIELD_FILTER},
    {"lastSync", FIELD_TIMESTAMP, NULL, FIELD_WRITE | FIELD_SORT},
    {"nextReview", FIELD_DATE, NULL, FIELD_WRITE | FIELD_SORT},
    {"notes", FIELD_TEXT, NULL, FIELD_WRITE},
    {"audienceOverlap", FIELD_INT, NULL, FIELD_WRITE | FIELD_SORT | FIELD_FILTER},
    {"strategicValue", FIELD_INT, NULL, FIELD_WRITE | FIELD_SORT | FIELD_FILTER},
    {"executionEffort", FIELD_INT, NULL, FIELD_WRITE | FIELD_SORT | FIELD_FILTER},
    {"score", FIELD_INT, NULL, FIELD_SORT},
    {"engagement", FIELD_TEXT, NULL, 0},
    {"referralsMade", FIELD_INT, NULL, FIELD_SORT},
    {"referralsReceived", FIELD_INT, NULL, FIELD_SORT},
    {"referralBalance", FIELD_INT, NULL, 0},
    {"oneSided", FIELD_BOOL, NULL, 0},
    {"sharedCustomers", FIELD_INT, NULL, FIELD_SORT},
    {"revenueAttributed", FIELD_MONEY, NULL, FIELD_SORT},
    {"reviewDue", FIELD_BOOL, NULL, 0},
    ENTITY_RECORD_FIELDS,
};

static const struct entity_param partner_params[] = {
    {"owner", FIELD_TEXT, "me", "t.owner_user_id = public.current_user_id()",
     "me: only the partners the acting user owns"},
    {"nextReviewBefore", FIELD_DATE, NULL, "t.next_review < $%d::date",
     "partners whose next review is before this date"},
    {"reviewDue", FIELD_BOOL, NULL, "coalesce(t.next_review <= current_date, false) = $%d::boolean",
     "true: partners whose review is due (next review today or earlier)"},
};

struct entity partners_entity = {
    .collection = "partners",
    .table = "partners",
    .json_function = "public.api_partner",
    .default_sort = "company",
    .searchable = true,
    .board_revenue = "revenue_attributed",
    .kept_totals = "partner_totals",   /* sql/009 */
    .fields = partner_fields,
    .nfields = sizeof(partner_fields) / sizeof(partner_fields[0]),
    .params = partner_params,
    .nparams = sizeof(partner_params) / sizeof(partner_params[0]),
};
