/* entities.c: the list of collections (and list-only views) served under
 * /api/v1, in the order the OpenAPI document lists them. */
#include "entity.h"

extern struct entity partners_entity, campaigns_entity, referrals_entity, integrations_entity,
    integration_ideas_entity, shared_customers_entity, checklists_entity, performance_entity;

struct entity *const entities[] = {
    &partners_entity,
    &campaigns_entity,
    &referrals_entity,
    &integrations_entity,
    &integration_ideas_entity,
    &shared_customers_entity,
    &checklists_entity,
    &performance_entity,
    NULL,
};
