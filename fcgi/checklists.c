/* checklists.c: checklists (sql/README.md "Checklist"): made from a template by
 * POST /checklists {"templateKey", "partnerId"}, items checked by PATCH;
 * sql/003_hub.sql fills the items and records who checked what, when. */
#include "entity.h"

static const struct entity_field checklist_fields[] = {
    {"id", FIELD_TEXT, NULL, FIELD_SORT},
    {"partnerId", FIELD_REF, NULL, FIELD_WRITE | FIELD_SORT | FIELD_FILTER},
    {"partner", FIELD_TEXT, NULL, 0},                  /* the partner's company (read-only) */
    {"templateKey", FIELD_REF, NULL, FIELD_WRITE | FIELD_SORT | FIELD_FILTER},
    {"title", FIELD_TEXT, NULL, FIELD_WRITE | FIELD_SORT},
    {"campaignId", FIELD_REF, NULL, FIELD_WRITE | FIELD_FILTER},
    {"integrationId", FIELD_REF, NULL, FIELD_WRITE | FIELD_FILTER},
    {"items", FIELD_OBJECTS, NULL, FIELD_WRITE},
    {"fields", FIELD_JSON, NULL, FIELD_WRITE},
    {"done", FIELD_INT, NULL, 0},
    {"total", FIELD_INT, NULL, 0},
    {"notes", FIELD_TEXT, NULL, FIELD_WRITE},
    ENTITY_RECORD_FIELDS,
};

struct entity checklists_entity = {
    .collection = "checklists",
    .table = "checklists",
    .json_function = "public.api_checklist",
    .default_sort = "createdAt",
    .searchable = true,
    .fields = checklist_fields,
    .nfields = sizeof(checklist_fields) / sizeof(checklist_fields[0]),
};
