/* campaigns.c: the campaigns collection (sql/README.md "Campaign"); rules in
 * sql/003_hub.sql. */
#include "entity.h"

static const struct entity_field campaign_fields[] = {
    {"id", FIELD_TEXT, NULL, FIELD_SORT},
    {"partnerId", FIELD_REF, NULL, FIELD_WRITE | FIELD_SORT | FIELD_FILTER},
    {"partner", FIELD_TEXT, NULL, 0},                  /* the partner's company (read-only) */
    {"name", FIELD_TEXT, NULL, FIELD_WRITE | FIELD_SORT},
    {"type", FIELD_ENUM, "campaign_type", FIELD_WRITE | FIELD_SORT | FIELD_FILTER},
    {"channel", FIELD_TEXT, NULL, FIELD_WRITE | FIELD_SORT | FIELD_FILTER},
    {"status", FIELD_ENUM, "campaign_status", FIELD_WRITE | FIELD_SORT | FIELD_FILTER | FIELD_RANKED},
    {"startDate", FIELD_DATE, NULL, FIELD_WRITE | FIELD_SORT},
    {"endDate", FIELD_DATE, NULL, FIELD_WRITE | FIELD_SORT},
    {"budget", FIELD_MONEY, NULL, FIELD_WRITE | FIELD_SORT},
    {"budgetSplit", FIELD_TEXT, NULL, FIELD_WRITE},
    {"leads", FIELD_INT, NULL, FIELD_WRITE | FIELD_SORT},
    {"conversions", FIELD_INT, NULL, FIELD_WRITE | FIELD_SORT},
    {"revenue", FIELD_MONEY, NULL, FIELD_WRITE | FIELD_SORT},
    {"roi", FIELD_NUMBER, NULL, FIELD_SORT},
    {"deliverables", FIELD_STRINGS, NULL, FIELD_WRITE},
    {"notes", FIELD_TEXT, NULL, FIELD_WRITE},
    ENTITY_RECORD_FIELDS,
};

struct entity campaigns_entity = {
    .collection = "campaigns",
    .table = "campaigns",
    .json_function = "public.api_campaign",
    .default_sort = "-startDate,name",
    .searchable = true,
    .board_revenue = "revenue",
    .fields = campaign_fields,
    .nfields = sizeof(campaign_fields) / sizeof(campaign_fields[0]),
};
