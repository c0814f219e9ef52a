/* referrals.c: the referrals collection (sql/README.md "Referral"), both
 * directions, with double opt-in for outbound intros; rules in
 * sql/003_hub.sql.  GET /referrals/{id}/intro is in figures.c. */
#include "entity.h"

static const struct entity_field referral_fields[] = {
    {"id", FIELD_TEXT, NULL, FIELD_SORT},
    {"partnerId", FIELD_REF, NULL, FIELD_WRITE | FIELD_SORT | FIELD_FILTER},
    {"partner", FIELD_TEXT, NULL, 0},                  /* the partner's company (read-only) */
    {"direction", FIELD_ENUM, "referral_direction", FIELD_WRITE | FIELD_SORT | FIELD_FILTER},
    {"leadName", FIELD_TEXT, NULL, FIELD_WRITE | FIELD_SORT},
    {"leadCompany", FIELD_TEXT, NULL, FIELD_WRITE | FIELD_SORT},
    {"leadEmail", FIELD_TEXT, NULL, FIELD_WRITE},
    {"status", FIELD_ENUM, "referral_status", FIELD_WRITE | FIELD_SORT | FIELD_FILTER},
    {"dealValue", FIELD_MONEY, NULL, FIELD_WRITE | FIELD_SORT},
    {"commissionAmount", FIELD_MONEY, NULL, FIELD_WRITE | FIELD_SORT},
    {"commissionPaid", FIELD_BOOL, NULL, FIELD_WRITE | FIELD_SORT | FIELD_FILTER},
    {"referredDate", FIELD_DATE, NULL, FIELD_WRITE | FIELD_SORT},
    {"convertedDate", FIELD_DATE, NULL, FIELD_WRITE | FIELD_SORT},
    {"leadOptIn", FIELD_BOOL, NULL, FIELD_WRITE | FIELD_FILTER},
    {"partnerOptIn", FIELD_BOOL, NULL, FIELD_WRITE | FIELD_FILTER},
    {"reciprocated", FIELD_BOOL, NULL, 0},
    {"notes", FIELD_TEXT, NULL, FIELD_WRITE},
    ENTITY_RECORD_FIELDS,
};

struct entity referrals_entity = {
    .collection = "referrals",
    .table = "referrals",
    .json_function = "public.api_referral",
    .default_sort = "-referredDate",
    .searchable = true,
    .fields = referral_fields,
    .nfields = sizeof(referral_fields) / sizeof(referral_fields[0]),
};
