/* input.h: checks on outside input that must happen before any database
 * work: JSON well-formedness and limits, and the text forms of dates, times
 * and money, which PostgreSQL would otherwise reject without naming the
 * field. */
#ifndef PARTNERSHIPS_INPUT_H
#define PARTNERSHIPS_INPUT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

enum {
    INPUT_MAX_DEPTH = 8,          /* nesting of a request body */
    INPUT_MONEY_TEXT_BYTES = 32,
    INPUT_ID_MAX = 64             /* a record's id: nanoid is 21, anything past 64 is not ours */
};

/* Parses a request body that must be one JSON object: valid UTF-8, no NUL,
 * no duplicate keys, at most INPUT_MAX_DEPTH deep.  Returns a new reference
 * (the caller decrefs), or NULL with *message set to a static text. */
json_t *input_json_object(const char *body, size_t len, const char **message);

/* YYYY-MM-DD naming a real calendar day. */
bool input_date_valid(const char *s);

/* A query parameter that must be a whole number in [min, max] (decimal
 * digits only): the number, or -1. */
long long input_whole_number(const char *s, long long min, long long max);

/* RFC 3339 section 5.6 date-time: YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM),
 * with an offset of at most 15:59 (what PostgreSQL stores). */
bool input_timestamp_valid(const char *s);

/* Formats a JSON number as money text with exactly two decimals into out.
 * Returns 0, or -1 when it is not a number or has more than two decimals. */
int input_money_text(const json_t *value, char out[INPUT_MONEY_TEXT_BYTES]);

/* Why a text (valid UTF-8, as jansson gives it) cannot be stored, or NULL:
 * a control character (C0 but tab, line feed and carriage return; DEL; C1),
 * or nothing visible at all (only white space, zero-width characters,
 * direction marks and overrides, and the like). */
const char *input_text_problem(const char *s);

/* The first len bytes of s are a record's id as the API takes it in a path
 * or a reference: 1 to 64 of A-Z a-z 0-9 _ - (a nanoid is 21). */
bool input_id_valid(const char *s, size_t len);

/* The number of characters (code points) of valid UTF-8. */
size_t input_utf8_length(const char *s);

#endif
