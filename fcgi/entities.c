/* entities.c: the list of collections served under /api/v1. */
#include "entity.h"

extern struct entity partners_entity;

struct entity *const entities[] = {
    &partners_entity,
    NULL,
};
