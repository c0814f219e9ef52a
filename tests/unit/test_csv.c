/* test_csv.c: the CSV reader of imports (fcgi/csv.c), RFC 4180 and the
 * spreadsheet habits it accepts or refuses. */
#include "check.h"
#include "csv.h"

#include <stdlib.h>

/* The parse of text as compact JSON (caller frees), or "error: message". */
static char *parse(const char *text)
{
    const char *message;
    json_t *records = csv_parse(text, strlen(text), &message);
    char *out;

    if (!records) {
        out = malloc(strlen(message) + 8);
        sprintf(out, "error: %s", message);
        return out;
    }
    out = json_dumps(records, JSON_COMPACT);
    json_decref(records);
    return out;
}

#define CHECK_PARSE(text, want, what)       \
    do {                                    \
        char *got = parse(text);            \
        CHECK_STR(got, want, what);         \
        if (!check_str_eq(got, want))       \
            printf("#   got %s\n", got);    \
        free(got);                          \
    } while (0)

int main(void)
{
    CHECK_PARSE("a,b\r\n1,2\r\n", "[[\"a\",\"b\"],[\"1\",\"2\"]]", "csv: CRLF records");
    CHECK_PARSE("a,b\n1,2", "[[\"a\",\"b\"],[\"1\",\"2\"]]", "csv: LF and no final line end");
    CHECK_PARSE("a\n\"x, \"\"y\"\"\nz\"", "[[\"a\"],[\"x, \\\"y\\\"\\nz\"]]",
                "csv: quoted commas, doubled quotes and a line feed in a field");
    CHECK_PARSE("\xEF\xBB\xBF" "a,b\n,\n", "[[\"a\",\"b\"],[\"\",\"\"]]", "csv: byte order mark; empty fields");
    CHECK_PARSE("a,b\n1,\n", "[[\"a\",\"b\"],[\"1\",\"\"]]", "csv: a trailing comma is an empty last field");
    CHECK_PARSE("a,b\n1,2\n\n3,4\n", "[[\"a\",\"b\"],[\"1\",\"2\"],[\"3\",\"4\"]]", "csv: blank lines are skipped");
    CHECK_PARSE("a\n\"caf\xC3\xA9 \xE2\x82\xAC\"\n", "[[\"a\"],[\"caf\xC3\xA9 \xE2\x82\xAC\"]]", "csv: UTF-8 kept");
    CHECK_PARSE("a,b\n1,2,3\n", "error: a record has a different number of fields than the header",
                "csv: a record wider than the header is refused");
    CHECK_PARSE("a,b\n1\n", "error: a record has a different number of fields than the header",
                "csv: a record narrower than the header is refused");
    CHECK_PARSE("a\n\"open\n", "error: a quoted field is not closed", "csv: an unterminated quote is refused");
    CHECK_PARSE("a\n\"x\"y\n", "error: text follows a closing quote", "csv: text after a closing quote is refused");
    CHECK_PARSE("a\nx\"y\n", "error: a quote inside an unquoted field (quote the whole field)",
                "csv: a bare quote is refused");
    CHECK_PARSE("a\nx\ry\n", "error: a carriage return outside quotes must be followed by a line feed",
                "csv: a lone carriage return is refused");
    CHECK_PARSE("", "error: the file is empty", "csv: an empty file is refused");
    CHECK_PARSE("a\n\xC3\x28\n", "error: the file is not valid UTF-8 text", "csv: invalid UTF-8 is refused");
    {
        const char *message;
        json_t *records = csv_parse("a\nx\0y\n", 6, &message);

        CHECK(!records && strstr(message, "UTF-8 text"), "csv: a NUL byte is refused");
    }
    {
        char wide[CSV_MAX_FIELDS * 2 + 8];
        size_t n = 0;

        for (int i = 0; i <= CSV_MAX_FIELDS; i++)
            n += (size_t)sprintf(wide + n, i ? ",x" : "x");
        CHECK_PARSE(wide, "error: a record has too many fields", "csv: too many columns are refused");
    }
    return check_exit();
}
