/* catalogue.h: a sample of what public.api_catalogue() returns (the
 * collections as the database declares them, sql/schema/08_api.sql), for
 * tests of the engine without a database: a few fields of partners, a
 * board of campaigns, integration ideas and the performance view. */
#ifndef PARTNERSHIPS_TEST_CATALOGUE_H
#define PARTNERSHIPS_TEST_CATALOGUE_H

#define F(name, column, type, writable, sortable, filterable, ranked)                                          \
    "{\"name\":\"" name "\",\"column\":\"" column "\",\"value\":\"t." column "\",\"type\":\"" type "\","      \
    "\"writable\":" #writable ",\"sortable\":" #sortable ",\"filterable\":" #filterable ",\"ranked\":" #ranked \
    ",\"kept\":false,\"lookup\":null}"
#define RECORD                                                                              \
    F("createdAt", "created_at", "timestamp", false, true, false, false) ","                \
    F("updatedAt", "updated_at", "timestamp", false, true, false, false) ","                \
    F("version", "version", "int", false, false, false, false) ","                          \
    F("deletedAt", "deleted_at", "timestamp", false, true, false, false)

static const char test_catalogue[] =
    "[{\"name\":\"partners\",\"table\":\"partners\",\"view\":false,\"searchable\":true,\"defaultSort\":\"company\","
    "\"boardSum\":\"revenue_attributed\",\"keptTotals\":\"partner_totals\",\"keptCount\":\"partners\",\"keptSum\":\"revenue\",\"keptJson\":null,\"fields\":["
    F("id", "id", "text", false, true, false, false) ","
    F("company", "company", "text", true, true, false, false) ","
    F("type", "type", "partner_type:enum", true, true, true, false) ","
    F("status", "status", "partner_status:enum", true, true, true, true) ","
    F("ownerUserId", "owner_user_id", "ref", true, true, true, false) ","
    F("nextReview", "next_review", "date", true, true, true, false) ","
    F("notes", "notes", "text", true, false, false, false) ","
    F("revenueAttributed", "revenue_attributed", "money", false, true, false, false) ","
    RECORD "],\"params\":["
    "{\"name\":\"owner\",\"type\":\"text\",\"value\":\"me\",\"condition\":\"t.owner_user_id = public.current_user_id()\","
    "\"description\":\"me\"},"
    "{\"name\":\"nextReviewBefore\",\"type\":\"date\",\"value\":null,\"condition\":\"t.next_review < %s::date\","
    "\"description\":\"before\"},"
    "{\"name\":\"reviewDue\",\"type\":\"boolean\",\"value\":null,"
    "\"condition\":\"coalesce(t.next_review <= current_date, false) = %s::boolean\",\"description\":\"due\"}]},"
    "{\"name\":\"campaigns\",\"table\":\"campaigns\",\"view\":false,\"searchable\":true,\"defaultSort\":\"-startDate,name\","
    "\"boardSum\":\"revenue\",\"keptTotals\":null,\"keptJson\":null,\"fields\":["
    F("id", "id", "text", false, true, false, false) ","
    F("partnerId", "partner_id", "ref", true, true, true, false) ","
    F("name", "name", "text", true, true, false, false) ","
    F("status", "status", "campaign_status:enum", true, true, true, true) ","
    F("startDate", "start_date", "date", true, true, false, false) ","
    F("revenue", "revenue", "money", true, true, false, false) ","
    RECORD "],\"params\":[]},"
    "{\"name\":\"integration-ideas\",\"table\":\"integration_ideas\",\"view\":false,\"searchable\":true,"
    "\"defaultSort\":\"-customerRequestCount\",\"boardSum\":null,\"keptTotals\":null,\"keptJson\":null,\"fields\":["
    F("id", "id", "text", false, true, false, false) ","
    F("customerRequestCount", "customer_request_count", "int", true, true, false, false) ","
    F("effort", "effort", "int", true, true, true, false) ","
    RECORD "],\"params\":[]},"
    "{\"name\":\"performance\",\"table\":\"partner_performance\",\"view\":true,\"searchable\":true,"
    "\"defaultSort\":\"-revenue\",\"boardSum\":null,\"keptTotals\":\"partner_totals\",\"keptCount\":\"partners\",\"keptSum\":\"revenue\",\"keptJson\":null,\"fields\":["
    F("partnerId", "partner_id", "ref", false, true, true, false) ","
    F("status", "status", "partner_status:enum", false, true, true, true) ","
    F("revenue", "revenue", "money", false, true, false, false) ","
    F("engagement", "engagement", "text", false, true, true, false)
    "],\"params\":[]}]";

#undef F
#undef RECORD

#endif
