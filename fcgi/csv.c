/* csv.c: reading CSV (RFC 4180) for imports.
 *
 * Accepted beyond the RFC, as spreadsheets write it: LF as well as CRLF
 * line ends, a UTF-8 byte order mark, and no line end after the last
 * record.  Refused: a quote inside an unquoted field, text after a closing
 * quote, an unterminated quoted field, records with differing field counts. */
#include "csv.h"

#include <stdlib.h>
#include <string.h>

#include "http.h"

/* Appends one field to record (a JSON array); returns 0 or -1. */
static int csv_add_field(json_t *record, const char *start, size_t len)
{
    return json_array_append_new(record, json_stringn(start, len));
}

/* Moves a finished record into records (leaving *record a new empty array),
 * or skips it when it is a blank line.  Returns 0, or -1 with *message. */
static int csv_end_record(json_t *records, json_t **record, const char **message)
{
    size_t width = json_array_size(records) ? json_array_size(json_array_get(records, 0)) : 0;

    if (width && json_array_size(*record) != width) {
        if (json_array_size(*record) == 1 && json_string_length(json_array_get(*record, 0)) == 0) {
            json_array_clear(*record);   /* a blank line */
            return 0;
        }
        *message = "a record has a different number of fields than the header";
        return -1;
    }
    if (json_array_size(records) == CSV_MAX_RECORDS) {
        *message = "the file has too many records";
        return -1;
    }
    if (json_array_append_new(records, *record) || !(*record = json_array())) {
        *record = NULL;
        *message = "out of memory";
        return -1;
    }
    return 0;
}

json_t *csv_parse(const char *text, size_t len, const char **message)
{
    json_t *records = json_array(), *record = json_array();
    const char *p = text, *end = text + len;
    char *field = NULL;
    size_t field_len = 0, field_cap = 0;

    *message = NULL;
    if (!records || !record)
        goto oom;
    if (!http_utf8_valid(text, len) || memchr(text, '\0', len)) {
        *message = "the file is not valid UTF-8 text";
        goto fail;
    }
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    if (p == end) {
        *message = "the file is empty";
        goto fail;
    }
    while (p < end) {
        field_len = 0;
        if (*p == '"') {
            /* Quoted: "" is a quote; commas and line ends are data. */
            p++;
            for (;;) {
                if (p == end) {
                    *message = "a quoted field is not closed";
                    goto fail;
                }
                if (*p == '"') {
                    if (p + 1 < end && p[1] == '"') {
                        p++;
                    } else {
                        p++;
                        break;
                    }
                }
                if (field_len + 1 > field_cap) {
                    size_t cap = field_cap ? field_cap * 2 : 64;
                    char *grown = realloc(field, cap);

                    if (!grown)
                        goto oom;
                    field = grown;
                    field_cap = cap;
                }
                field[field_len++] = *p++;
            }
            if (p < end && *p != ',' && *p != '\r' && *p != '\n') {
                *message = "text follows a closing quote";
                goto fail;
            }
            if (csv_add_field(record, field ? field : "", field_len))
                goto oom;
        } else {
            const char *start = p;

            while (p < end && *p != ',' && *p != '\r' && *p != '\n') {
                if (*p == '"') {
                    *message = "a quote inside an unquoted field (quote the whole field)";
                    goto fail;
                }
                p++;
            }
            if (csv_add_field(record, start, (size_t)(p - start)))
                goto oom;
        }
        if (json_array_size(record) > CSV_MAX_FIELDS) {
            *message = "a record has too many fields";
            goto fail;
        }
        if (p < end && *p == ',') {
            p++;
            if (p == end && csv_add_field(record, "", 0))   /* a trailing comma: an empty last field */
                goto oom;
            continue;
        }
        /* End of record: CRLF, LF or the end of the text. */
        if (p < end && *p == '\r') {
            p++;
            if (p < end && *p != '\n') {
                *message = "a carriage return outside quotes must be followed by a line feed";
                goto fail;
            }
        }
        if (p < end && *p == '\n')
            p++;
        if (csv_end_record(records, &record, message))
            goto fail;
    }
    if (json_array_size(record) && csv_end_record(records, &record, message))
        goto fail;
    json_decref(record);
    free(field);
    return records;
oom:
    *message = "out of memory";
fail:
    json_decref(record);
    json_decref(records);
    free(field);
    return NULL;
}
