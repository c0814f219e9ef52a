/* test_log.c: log lines (fcgi/log.c) stay one line each, whatever a client
 * puts in the values they carry: a path with a line break, a quote or a
 * backslash is escaped, never written as it is. */
#include "check.h"
#include "log.h"

#include <stdlib.h>
#include <unistd.h>

static char path[] = "/tmp/partnerships-log-XXXXXX";
static char text[8192];

/* What the calls since the last read wrote to stderr (the file at path). */
static const char *logged(void)
{
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(text, 1, sizeof(text) - 1, f) : 0;

    text[n] = '\0';
    if (f)
        fclose(f);
    if (ftruncate(STDERR_FILENO, 0) || lseek(STDERR_FILENO, 0, SEEK_SET))
        text[0] = '\0';
    return text;
}

static int lines(const char *s)
{
    int n = 0;

    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void test_request_path(void)
{
    const char *out;

    log_request("abc", "GET", "/api/v1/x\n2026-01-01T00:00:00Z level=info forged=\"1\"", 404, 1.5, NULL);
    out = logged();
    CHECK(lines(out) == 1, "request: a line break in the path does not start a line");
    CHECK(strstr(out, "path=\"/api/v1/x\\x0a2026-01-01T00:00:00Z level=info forged=\\\"1\\\"\"") != NULL,
          "request: the line break is \\x0a and the quotes \\\"");
    CHECK(strstr(out, " status=404 ms=1.50 user=-\n") != NULL, "request: the fields after the path are intact");

    log_request("abc", "GE\rT", "/a\\b\x01\x7f", 200, 0, "user1");
    out = logged();
    CHECK(lines(out) == 1 && strstr(out, "method=GE\\x0dT path=\"/a\\\\b\\x01\\x7f\"") != NULL,
          "request: carriage return, backslash, control and DEL characters escaped");
}

static void test_long_values(void)
{
    char big[4000];
    const char *out;

    memset(big, '\n', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    log_request("abc", "GET", big, 200, 0, NULL);
    out = logged();
    CHECK(lines(out) == 1 && strstr(out, " status=200 ") != NULL,
          "request: a path of line breaks is cut short, still one line with its status");
    log_error("value: %s", big);
    out = logged();
    CHECK(lines(out) == 1 && out[strlen(out) - 2] == '"', "event: a message of line breaks is one closed line");
}

static void test_event_message(void)
{
    const char *out;

    log_info("cannot listen on %s: %s", "/run/x\ny", "No such file");
    out = logged();
    CHECK(lines(out) == 1 && strstr(out, "msg=\"cannot listen on /run/x\\x0ay: No such file\"\n") != NULL,
          "event: values in the message are escaped, the message quoted once");
}

int main(void)
{
    int fd = mkstemp(path);

    if (fd < 0)
        return 1;
    /* The log goes to stderr: here, the file at path. */
    dup2(fd, STDERR_FILENO);
    close(fd);
    test_request_path();
    test_long_values();
    test_event_message();
    unlink(path);
    return check_exit();
}
