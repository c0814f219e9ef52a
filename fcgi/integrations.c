/* integrations.c: the integrations collection and the integration ideas
 * backlog (sql/README.md "Integration", "Integration idea"); rules in
 * sql/003_hub.sql. */
#include "entity.h"

static const struct entity_field integration_fields[] = {
    {"id", FIELD_TEXT, NULL, FIELD_SORT},
    {"partnerId", FIELD_REF, NULL, FIELD_WRITE | FIELD_SORT | FIELD_FILTER},
    {"partner", FIELD_TEXT, NULL, 0},                  /* the partner's company (read-only) */
    {"name", FIELD_TEXT, NULL, FIELD_WRITE | FIELD_SORT},
    {"type", FIELD_ENUM, "integration_type", FIELD_WRITE | FIELD_SORT | FIELD_FILTER},
    {"status", FIELD_ENUM, "integration_status", FIELD_WRITE | FIELD_SORT | FIELD_FILTER},
    {"apiVersion", FIELD_TEXT, NULL, FIELD_WRITE | FIELD_SORT},
    {"sharedCustomers", FIELD_INT, NULL, FIELD_WRITE | FIELD_SORT},
    {"health", FIELD_ENUM, "health", FIELD_WRITE | FIELD_SORT | FIELD_FILTER},
    {"errorRate", FIELD_MONEY, NULL, FIELD_WRITE | FIELD_SORT},
    {"lastSync", FIELD_TIMESTAMP, NULL, FIELD_WRITE | FIELD_SORT},
    {"notes", FIELD_TEXT, NULL, FIELD_WRITE},
    ENTITY_RECORD_FIELDS,
};

struct entity integrations_entity = {
    .collection = "integrations",
    .table = "integrations",
    .json_function = "public.api_integration",
    .default_sort = "name",
    .searchable = true,
    .fields = integration_fields,
    .nfields = sizeof(integration_fields) / sizeof(integration_fields[0]),
};

static const struct entity_field idea_fields[] = {
    {"id", FIELD_TEXT, NULL, FIELD_SORT},
    {"partnerId", FIELD_REF, NULL, FIELD_WRITE | FIELD_SORT | FIELD_FILTER},
    {"partner", FIELD_TEXT, NULL, 0},                  /* the partner's company (read-only) */
    {"ownerUserId", FIELD_REF, NULL, FIELD_SORT | FIELD_FILTER},
    {"description", FIELD_TEXT, NULL, FIELD_WRITE | FIELD_SORT},
    {"customerRequestCount", FIELD_INT, NULL, FIELD_WRITE | FIELD_SORT},
    {"effort", FIELD_INT, NULL, FIELD_WRITE | FIELD_SORT | FIELD_FILTER},
    {"priority", FIELD_ENUM, "idea_priority", FIELD_WRITE | FIELD_SORT | FIELD_FILTER},
    {"notes", FIELD_TEXT, NULL, FIELD_WRITE},
    ENTITY_RECORD_FIELDS,
};

struct entity integration_ideas_entity = {
    .collection = "integration-ideas",
    .table = "integration_ideas",
    .json_function = "public.api_integration_idea",
    .default_sort = "-customerRequestCount",
    .searchable = true,
    .fields = idea_fields,
    .nfields = sizeof(idea_fields) / sizeof(idea_fields[0]),
};
