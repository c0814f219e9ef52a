/* shared_customers.c: the shared-customer map (sql/README.md "Shared customer");
 * rules in sql/003_hub.sql. */
#include "entity.h"

static const struct entity_field shared_customer_fields[] = {
    {"id", FIELD_TEXT, NULL, FIELD_SORT},
    {"partnerId", FIELD_REF, NULL, FIELD_WRITE | FIELD_SORT | FIELD_FILTER},
    {"partner", FIELD_TEXT, NULL, 0},                  /* the partner's company (read-only) */
    {"customer", FIELD_TEXT, NULL, FIELD_WRITE | FIELD_SORT},
    {"yourProduct", FIELD_TEXT, NULL, FIELD_WRITE | FIELD_SORT | FIELD_FILTER},
    {"partnerProduct", FIELD_TEXT, NULL, FIELD_WRITE | FIELD_SORT | FIELD_FILTER},
    {"jointRevenue", FIELD_MONEY, NULL, FIELD_WRITE | FIELD_SORT},
    {"health", FIELD_ENUM, "health", FIELD_WRITE | FIELD_SORT | FIELD_FILTER},
    {"notes", FIELD_TEXT, NULL, FIELD_WRITE},
    ENTITY_RECORD_FIELDS,
};

struct entity shared_customers_entity = {
    .collection = "shared-customers",
    .table = "shared_customers",
    .json_function = "public.api_shared_customer",
    .default_sort = "customer",
    .searchable = true,
    .fields = shared_customer_fields,
    .nfields = sizeof(shared_customer_fields) / sizeof(shared_customer_fields[0]),
};
