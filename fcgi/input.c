/* input.c: see input.h. */
#include "input.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int input_depth(const json_t *value)
{
    int deepest = 0;

    if (json_is_object(value)) {
        const char *key;
        json_t *child;

        json_object_foreach((json_t *)value, key, child) {
            int d = input_depth(child);

            if (d > deepest)
                deepest = d;
            if (deepest > INPUT_MAX_DEPTH)
                break;
        }
        return deepest + 1;
    }
    if (json_is_array(value)) {
        size_t i;
        json_t *child;

        json_array_foreach(value, i, child) {
            int d = input_depth(child);

            if (d > deepest)
                deepest = d;
            if (deepest > INPUT_MAX_DEPTH)
                break;
        }
        return deepest + 1;
    }
    return 0;
}

json_t *input_json_object(const char *body, size_t len, const char **message)
{
    json_error_t error;
    json_t *value;

    if (!body || len == 0) {
        *message = "the request body is empty; a JSON object is expected";
        return NULL;
    }
    /* jansson checks UTF-8, refuses \u0000 (no JSON_ALLOW_NUL) and, with
     * JSON_REJECT_DUPLICATES, a key given twice; its own nesting limit is far
     * deeper than any body here, so ours is checked after. */
    value = json_loadb(body, len, JSON_REJECT_DUPLICATES, &error);
    if (!value) {
        *message = "the request body is not valid JSON";
        return NULL;
    }
    if (!json_is_object(value)) {
        json_decref(value);
        *message = "the request body must be a JSON object";
        return NULL;
    }
    if (input_depth(value) > INPUT_MAX_DEPTH) {
        json_decref(value);
        *message = "the request body is nested too deeply";
        return NULL;
    }
    return value;
}

static bool input_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

static int input_number(const char *s, size_t n)
{
    int v = 0;

    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

static bool input_day_valid(int year, int month, int day)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

    if (year < 1 || month < 1 || month > 12 || day < 1)
        return false;
    return day <= days[month - 1] + (month == 2 && leap);
}

bool input_date_valid(const char *s)
{
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
        !input_digits(s, 4) || !input_digits(s + 5, 2) || !input_digits(s + 8, 2))
        return false;
    return input_day_valid(input_number(s, 4), input_number(s + 5, 2), input_number(s + 8, 2));
}

bool input_timestamp_valid(const char *s)
{
    const char *p;

    if (strlen(s) < 20 || (s[10] != 'T' && s[10] != 't'))
        return false;
    {
        char date[11];

        memcpy(date, s, 10);
        date[10] = '\0';
        if (!input_date_valid(date))
            return false;
    }
    p = s + 11;
    if (!input_digits(p, 2) || p[2] != ':' || !input_digits(p + 3, 2) || p[5] != ':' || !input_digits(p + 6, 2))
        return false;
    if (input_number(p, 2) > 23 || input_number(p + 3, 2) > 59 || input_number(p + 6, 2) > 60)
        return false;
    p += 8;
    if (*p == '.') {
        size_t n = 0;

        for (p++; isdigit((unsigned char)p[n]); n++)
            ;
        if (n == 0 || n > 9)
            return false;
        p += n;
    }
    if ((*p == 'Z' || *p == 'z') && p[1] == '\0')
        return true;
    if ((*p == '+' || *p == '-') && strlen(p) == 6 && input_digits(p + 1, 2) && p[3] == ':' &&
        input_digits(p + 4, 2))
        /* RFC 3339 allows an offset up to 23:59; PostgreSQL stores one up to
         * 15:59 and fails on more ("time zone displacement out of range"),
         * and no place on Earth is more than 14 hours from UTC. */
        return input_number(p + 1, 2) <= 15 && input_number(p + 4, 2) <= 59;
    return false;
}

int input_money_text(const json_t *value, char out[INPUT_MONEY_TEXT_BYTES])
{
    double v, cents;

    if (json_is_integer(value)) {
        snprintf(out, INPUT_MONEY_TEXT_BYTES, "%" JSON_INTEGER_FORMAT, json_integer_value(value));
        return 0;
    }
    if (!json_is_real(value))
        return -1;
    v = json_real_value(value);
    if (!isfinite(v) || fabs(v) >= 1e15)
        return -1;
    /* A decimal with at most two places is within rounding error of a whole
     * number of cents; 0.1 + 0.2 style noise is far below 1e-6 cents. */
    cents = v * 100.0;
    if (fabs(cents - nearbyint(cents)) > 1e-6 * (fabs(cents) > 1 ? fabs(cents) : 1))
        return -1;
    snprintf(out, INPUT_MONEY_TEXT_BYTES, "%.2f", nearbyint(cents) / 100.0);
    return 0;
}

long long input_whole_number(const char *s, long long min, long long max)
{
    char *end;
    long long v;

    if (!s || !isdigit((unsigned char)s[0]))
        return -1;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || *end || v < min || v > max)
        return -1;
    return v;
}

/* The next code point of valid UTF-8 (jansson checked it), advancing *s. */
static unsigned input_code_point(const unsigned char **s)
{
    const unsigned char *p = *s;
    unsigned c = *p++;

    if (c >= 0xF0)
        c = (c & 0x07) << 18 | (p[0] & 0x3Fu) << 12 | (p[1] & 0x3Fu) << 6 | (p[2] & 0x3Fu), p += 3;
    else if (c >= 0xE0)
        c = (c & 0x0F) << 12 | (p[0] & 0x3Fu) << 6 | (p[1] & 0x3Fu), p += 2;
    else if (c >= 0xC0)
        c = (c & 0x1F) << 6 | (p[0] & 0x3Fu), p += 1;
    *s = p;
    return c;
}

/* Code points that show nothing by themselves: white space, zero-width
 * characters and joiners, direction marks, embeddings, overrides and
 * isolates, fillers, variation selectors, tags. */
static bool input_invisible(unsigned c)
{
    return c == ' ' || (c >= 0x09 && c <= 0x0D) || c == 0xA0 || c == 0xAD || c == 0x34F || c == 0x115F ||
           c == 0x1160 || c == 0x1680 || c == 0x180E || (c >= 0x2000 && c <= 0x200F) ||
           (c >= 0x2028 && c <= 0x202F) || (c >= 0x205F && c <= 0x206F) || c == 0x3000 || c == 0x3164 ||
           (c >= 0xFE00 && c <= 0xFE0F) || c == 0xFEFF || c == 0xFFA0 || (c >= 0xE0000 && c <= 0xE007F);
}

const char *input_text_problem(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    bool visible = false;

    while (*p) {
        unsigned c = input_code_point(&p);

        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7F && c <= 0x9F))
            return "must not contain control characters";
        visible = visible || !input_invisible(c);
    }
    return visible ? NULL : "must have a visible character";
}

size_t input_utf8_length(const char *s)
{
    size_t n = 0;

    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}


bool input_id_valid(const char *s, size_t len)
{
    if (len == 0 || len > INPUT_ID_MAX)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-')
            return false;
    return true;
}
