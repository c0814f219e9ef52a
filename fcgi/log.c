/* log.c: key=value lines on stderr, one write(2) each so that lines from
 * several workers never interleave. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { LOG_LINE_MAX = 2048 };

static size_t log_timestamp(char *out, size_t size)
{
    struct timespec now;
    struct tm utc;

    clock_gettime(CLOCK_REALTIME, &now);
    gmtime_r(&now.tv_sec, &utc);
    return strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &utc);
}

/* Appends value to out[*len..size) as the inside of a quoted log value:
 * a quote, a backslash and every control character (a line break above all)
 * are written as \" \\ or \xNN, so that no value, such as a path a
 * client chose, can end the line or forge another one.  Stops, whole
 * escapes only, where out is full. */
static void log_append_escaped(char *out, size_t size, size_t *len, const char *value, size_t max)
{
    static const char hex[] = "0123456789abcdef";

    for (size_t i = 0; value[i] && i < max; i++) {
        unsigned char c = (unsigned char)value[i];
        char esc[4];
        size_t n = 0;

        if (c == '"' || c == '\\') {
            esc[n++] = '\\';
            esc[n++] = (char)c;
        } else if (c < 0x20 || c == 0x7f) {
            esc[n++] = '\\';
            esc[n++] = 'x';
            esc[n++] = hex[c >> 4];
            esc[n++] = hex[c & 15];
        } else {
            esc[n++] = (char)c;
        }
        if (*len + n >= size)
            return;
        memcpy(out + *len, esc, n);
        *len += n;
    }
}

static void log_emit(const char *level, const char *fmt, va_list ap)
{
    char line[LOG_LINE_MAX], message[LOG_LINE_MAX];
    size_t len = 0;
    int n;

    len += log_timestamp(line, sizeof(line));
    n = snprintf(line + len, sizeof(line) - len, " level=%s pid=%d msg=\"", level, (int)getpid());
    if (n > 0)
        len += (size_t)n;
    if (vsnprintf(message, sizeof(message), fmt, ap) >= 0)
        log_append_escaped(line, sizeof(line) - 2, &len, message, sizeof(message));
    line[len++] = '"';
    line[len++] = '\n';
    if (write(STDERR_FILENO, line, len) < 0) {
        /* Nowhere left to report it. */
    }
}

void log_info(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_emit("info", fmt, ap);
    va_end(ap);
}

void log_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_emit("error", fmt, ap);
    va_end(ap);
}

void log_request(const char *request_id, const char *method, const char *path,
                 int status, double milliseconds, const char *user_id)
{
    char line[LOG_LINE_MAX];
    size_t len;
    int n;

    /* The request id and the user id are the program's own (hex, nanoid);
     * the method and the path are the client's. */
    len = log_timestamp(line, sizeof(line));
    n = snprintf(line + len, sizeof(line) - len, " level=info request_id=%.64s method=",
                 request_id ? request_id : "-");
    if (n < 0)
        return;
    len += (size_t)n;
    log_append_escaped(line, sizeof(line) - 128, &len, method ? method : "-", 16);
    memcpy(line + len, " path=\"", 7);
    len += 7;
    log_append_escaped(line, sizeof(line) - 128, &len, path ? path : "-", 512);
    n = snprintf(line + len, sizeof(line) - len, "\" status=%d ms=%.2f user=%.64s\n",
                 status, milliseconds, user_id ? user_id : "-");
    if (n < 0 || len + (size_t)n >= sizeof(line))
        return;
    len += (size_t)n;
    if (write(STDERR_FILENO, line, len) < 0) {
        /* Nowhere left to report it. */
    }
}
