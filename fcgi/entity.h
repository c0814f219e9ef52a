/* entity.h: a collection of the API described as data.
 *
 * Each collection is declared in SQL (sql/schema/08_api.sql) and learned
 * when a worker first reaches the database (declaration.c): its relation,
 * its fields with their types and flags, its list parameters.  entity.c
 * serves the whole collection contract (fcgi/README.md "Collections") from
 * that description: list (filters, search, sort, paging, trash), create,
 * get, patch with If-Match, soft delete, restore and history. */
#ifndef PARTNERSHIPS_ENTITY_H
#define PARTNERSHIPS_ENTITY_H

#include <stdbool.h>
#include <stddef.h>

#include "api.h"

/* A list's page size: the default and the most a request may ask. */
enum { ENTITY_LIST_DEFAULT_LIMIT = 50, ENTITY_LIST_MAX_LIMIT = 500 };

enum field_type {
    FIELD_TEXT,        /* JSON string, trimmed; "" is null */
    FIELD_ENUM,        /* JSON string among the labels of enum_type */
    FIELD_INT,         /* JSON integer */
    FIELD_MONEY,       /* JSON number, at most 2 decimals, not negative */
    FIELD_NUMBER,      /* JSON number (derived ratios: read-only) */
    FIELD_BOOL,        /* JSON true/false */
    FIELD_DATE,        /* "YYYY-MM-DD" */
    FIELD_TIMESTAMP,   /* RFC 3339 */
    FIELD_REF,         /* the id of another record */
    FIELD_STRINGS,     /* JSON array of strings (a jsonb column) */
    FIELD_OBJECTS,     /* JSON array of objects (a jsonb column; the database checks their shape) */
    FIELD_JSON         /* JSON object (a jsonb column) */
};

/* A field without FIELD_WRITE is read-only: shown, never written (derived,
 * or kept by the server); a body naming it is a 400. */
enum field_flags {
    FIELD_WRITE = 1 << 0,   /* may be set on create and patch */
    FIELD_SORT = 1 << 1,    /* may be a sort key */
    FIELD_FILTER = 1 << 2,  /* ?name=a,b filters on it */
    /* FIELD_ENUM whose position in its type the table keeps beside it, as
     * <column>_rank (sql/008): filters and boards compare the position,
     * which an index can search under the row policies (the enum's own
     * equality is not leakproof).  A board's status must have it. */
    FIELD_RANKED = 1 << 3,
};

struct entity_field {
    char *name;              /* API name */
    enum field_type type;
    char *enum_type;         /* FIELD_ENUM: the PostgreSQL type */
    unsigned flags;
    char *column;            /* its column (the name in snake_case), or NULL: derived */
    char *value;             /* SQL of its value over the row alias t */
    char *lookup;            /* an import's name for it -> its value (e.g. public.partner_ref), or NULL */
    bool kept;               /* its JSON member is kept in the row (the collection's kept_json) */
};

/* A list parameter beyond the field filters: sql is a condition on the row
 * alias t with one "%d" for its parameter number, or none when takes_value
 * is false (then the only accepted value is `value`). */
struct entity_param {
    char *name;
    enum field_type type;    /* how the value is checked: FIELD_DATE, FIELD_BOOL, ... */
    char *value;             /* non-NULL: the one accepted value (e.g. owner=me) */
    char *sql;
    char *description;       /* for the OpenAPI document */
};

struct entity {
    char *collection;                /* URL segment and oplog entity name */
    char *table;
    char *json_sql;                  /* the row's API JSON as text, SQL over the row alias t */
    char *default_sort;              /* e.g. "company" or "-customerRequestCount" */
    bool searchable;                 /* the table has search_text */
    bool view;                       /* list only (GET /C), e.g. the performance view */
    bool owner_scoped;               /* a member's lists name them as the owner (the owner's index) */
    char *board_revenue;             /* the column summed per board column; NULL: no board */
    const struct entity_field *board_field;   /* the ranked enum a board groups by (and kept totals count) */
    char *kept_totals;               /* kept per owner and the board field's rank: the total of a list
                                      * and the counts and sums of a board that only the board field
                                      * narrows; NULL: counted */
    char *kept_count;                /* its column of rows counted */
    char *kept_sum;                  /* its column of board_revenue summed */
    struct entity_field *fields;
    size_t nfields;
    struct entity_param *params;
    size_t nparams;
    /* Behaviour no declaration expresses (entity_hooks): a check of a
     * create's or patch's body after the field checks, adding to invalid
     * (422) what it refuses; it may read the database.  Returns 0, or -1
     * after answering (503). */
    int (*check_body)(struct request_ctx *ctx, json_t *invalid);
    /* Statements, registered by entity_init(). */
    int stmt_get;
    int stmt_current;
    int stmt_delete;
    int stmt_restore;
    int stmt_history;
};

/* What a collection does beyond its declaration, by its name (views.c). */
struct entity_hook {
    const char *collection;
    int (*check_body)(struct request_ctx *ctx, json_t *invalid);
};
extern const struct entity_hook entity_hooks[];

/* All collections, NULL-terminated (NULL until loaded); and lookup by URL segment. */
extern struct entity **entities;
struct entity *entity_find(const char *collection);

/* Learns the collections from the database (public.api_catalogue()) once
 * per process, and registers their statements.  Returns 0, or -1 when the
 * database cannot be read now (the next request tries again).
 * entity_load_json does the same from the document itself (unit tests). */
int entity_load(struct db *db);
int entity_load_json(const char *catalogue);
bool entity_loaded(void);
void entity_unload(void);

/* Builds and registers every loaded entity's statements.  Returns 0 or -1. */
int entity_init(void);

/* The field called name, or NULL. */
const struct entity_field *entity_field_find(const struct entity *entity, const char *name);

/* Route checks and handlers for collections (see api.h for the contract). */
int entity_check_list(struct request_ctx *ctx);
int entity_check_write(struct request_ctx *ctx);
void entity_free_input(void *input);
int entity_list(struct request_ctx *ctx);
int entity_create(struct request_ctx *ctx);
int entity_check_get(struct request_ctx *ctx);
int entity_get(struct request_ctx *ctx);
int entity_patch(struct request_ctx *ctx);
int entity_delete(struct request_ctx *ctx);
int entity_restore(struct request_ctx *ctx);
int entity_history(struct request_ctx *ctx);
int entity_check_board(struct request_ctx *ctx);
int entity_check_csv(struct request_ctx *ctx);
int entity_csv(struct request_ctx *ctx);
int entity_check_import(struct request_ctx *ctx);
int entity_import(struct request_ctx *ctx);
void entity_free_import_input(void *input);
int entity_board(struct request_ctx *ctx);
int entity_check_bulk(struct request_ctx *ctx);
int entity_bulk(struct request_ctx *ctx);
void entity_free_bulk_input(void *input);

#endif
