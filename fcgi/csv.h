/* csv.h: reading CSV (RFC 4180) for imports. */
#ifndef PARTNERSHIPS_CSV_H
#define PARTNERSHIPS_CSV_H

#include <jansson.h>
#include <stddef.h>

enum {
    CSV_MAX_FIELDS = 100,      /* columns per record */
    CSV_MAX_RECORDS = 10001    /* the header and 10,000 rows */
};

/* Parses text into a JSON array of records, each an array of strings, all
 * of the header's width (blank lines are skipped).  Returns the array
 * (caller decrefs), or NULL with *message saying what is wrong. */
json_t *csv_parse(const char *text, size_t len, const char **message);

#endif
