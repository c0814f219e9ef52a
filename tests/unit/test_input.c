/* test_input.c: JSON bodies and value forms (fcgi/input.c). */
#include "check.h"
#include "input.h"

static void test_json(void)
{
    const char *message;
    json_t *v;

    v = input_json_object("{\"a\":1}", 7, &message);
    CHECK(v != NULL, "json: an object parses");
    json_decref(v);
    CHECK(input_json_object("[1]", 3, &message) == NULL, "json: an array is refused");
    CHECK(input_json_object("\"s\"", 3, &message) == NULL, "json: a string is refused");
    CHECK(input_json_object("{\"a\":1,\"a\":2}", 13, &message) == NULL, "json: duplicate keys refused");
    CHECK(input_json_object("{\"a\":", 5, &message) == NULL, "json: truncated refused");
    CHECK(input_json_object("", 0, &message) == NULL, "json: empty refused");
    CHECK(input_json_object("{\"a\":\"\\u0000\"}", 14, &message) == NULL, "json: NUL in a string refused");
    CHECK(input_json_object("{\"a\":\"\xff\"}", 8, &message) == NULL, "json: invalid UTF-8 refused");
    CHECK(input_json_object("{} x", 4, &message) == NULL, "json: trailing garbage refused");
    {
        const char *deep = "{\"a\":[[[[[[[[[[1]]]]]]]]]]}";

        CHECK(input_json_object(deep, strlen(deep), &message) == NULL, "json: nesting past the limit refused");
    }
}

static void test_dates(void)
{
    CHECK(input_date_valid("2026-02-28"), "date: ordinary");
    CHECK(input_date_valid("2024-02-29"), "date: leap day");
    CHECK(!input_date_valid("2026-02-29"), "date: no leap day in 2026");
    CHECK(!input_date_valid("2026-13-01"), "date: month 13");
    CHECK(!input_date_valid("2026-1-01"), "date: short month");
    CHECK(!input_date_valid("2026-01-01T00:00:00Z"), "date: a timestamp is not a date");
    CHECK(input_timestamp_valid("2026-01-31T09:30:00Z"), "timestamp: Z");
    CHECK(input_timestamp_valid("2026-01-31T09:30:00.123456+02:00"), "timestamp: fraction and offset");
    CHECK(!input_timestamp_valid("2026-01-31 09:30:00Z"), "timestamp: space separator refused");
    CHECK(!input_timestamp_valid("2026-01-31T24:00:00Z"), "timestamp: hour 24 refused");
    CHECK(!input_timestamp_valid("2026-01-31T09:30:00"), "timestamp: no zone refused");
    CHECK(!input_timestamp_valid("2026-01-31T09:30:00+2:00"), "timestamp: short offset refused");
    /* PostgreSQL stores offsets up to 15:59 and fails past them (a 500). */
    CHECK(input_timestamp_valid("2026-06-01T12:00:00+15:59") && input_timestamp_valid("2026-06-01T12:00:00-15:59"),
          "timestamp: offset 15:59 either way");
    CHECK(!input_timestamp_valid("2026-06-01T12:00:00+16:00") && !input_timestamp_valid("2026-06-01T12:00:00-20:00") &&
          !input_timestamp_valid("2026-06-01T12:00:00+23:59"), "timestamp: offset past 15:59 refused");
}

static void test_money(void)
{
    char out[INPUT_MONEY_TEXT_BYTES];
    json_t *v;

    v = json_real(1499.99);
    CHECK(input_money_text(v, out) == 0 && strcmp(out, "1499.99") == 0, "money: two decimals");
    json_decref(v);
    v = json_real(0.1 + 0.2);
    CHECK(input_money_text(v, out) == 0 && strcmp(out, "0.30") == 0, "money: binary noise is not a third decimal");
    json_decref(v);
    v = json_real(1.005);
    CHECK(input_money_text(v, out) == -1, "money: three decimals refused");
    json_decref(v);
    v = json_integer(500);
    CHECK(input_money_text(v, out) == 0 && strcmp(out, "500") == 0, "money: whole number");
    json_decref(v);
    v = json_string("5");
    CHECK(input_money_text(v, out) == -1, "money: a string is not money");
    json_decref(v);
}

static void test_text(void)
{
    CHECK(input_text_problem("Zoë Ångström 日本") == NULL, "text: letters of any script");
    CHECK(input_text_problem("line one\nline two\ttab\r\n") == NULL, "text: line breaks and tabs");
    CHECK(input_text_problem("\u05e9\u05dc\u05d5\u05dd \xe2\x80\xae abc") == NULL,
          "text: a direction override beside visible text");
    CHECK(input_text_problem("\xe2\x80\x8b\xe2\x80\x8b") != NULL, "text: zero-width spaces alone refused");
    CHECK(input_text_problem("\xe2\x80\xae\xe2\x81\xa6 \xef\xbb\xbf") != NULL,
          "text: direction controls and a BOM alone refused");
    CHECK(input_text_problem("\a") != NULL && input_text_problem("Acme\aCo") != NULL, "text: BEL refused");
    CHECK(input_text_problem("Acme\x7f") != NULL && input_text_problem("Acme\xc2\x85") != NULL,
          "text: DEL and C1 controls refused");
    CHECK(input_utf8_length("Zoë日本") == 5 && input_utf8_length("") == 0, "text: length in characters");
}

int main(void)
{
    test_json();
    test_dates();
    test_money();
    test_text();
    return check_exit();
}
