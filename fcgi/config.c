/* config.c: settings from the environment and a settings file, with
 * defaults for a local run. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

#ifndef PARTNERSHIPS_SQL_DIR
#define PARTNERSHIPS_SQL_DIR "sql"
#endif

enum {
    CONFIG_MAX_LINE = 4096
};

struct config config;

const struct config_setting config_settings[] = {
    {"PARTNERSHIPS_CONFIG", "a settings file of NAME=value lines (# comments); read at start\n"
                            "and on SIGHUP; the environment overrides it"},
    {"PARTNERSHIPS_DATABASE_URL", "libpq conninfo of the application role\n"
                                  "(default: dbname=partnerships user=partnerships_app)"},
    {"PARTNERSHIPS_OWNER_DATABASE_URL", "conninfo of the schema owner, for migrate and user\n"
                                        "(default: PARTNERSHIPS_DATABASE_URL)"},
    {"PARTNERSHIPS_SOCKET", "FastCGI unix socket to create; unset: use the socket on fd 0\n"
                            "(spawn-fcgi) or from systemd; changes at restart only"},
    {"PARTNERSHIPS_WORKERS", "worker processes = database connections (default 2 x CPUs)"},
    {"PARTNERSHIPS_COOKIE_SECURE", "1 (default) or 0 for plain-HTTP development"},
    {"PARTNERSHIPS_SESSION_HOURS", "session lifetime (default 12)"},
    {"PARTNERSHIPS_LOGIN_MAX_FAILURES", "failed sign-ins per account per window (default 10)"},
    {"PARTNERSHIPS_LOGIN_MAX_FAILURES_ADDRESS", "failed sign-ins per client address per window (default 100)"},
    {"PARTNERSHIPS_LOGIN_WINDOW_MINUTES", "the window (default 15)"},
    {"PARTNERSHIPS_STATEMENT_TIMEOUT_SECONDS", "a request's SQL taking longer is cancelled and answered 503\n"
                                               "(default 30)"},
    {"PARTNERSHIPS_REQUEST_DEADLINE_SECONDS", "an import is rolled back and answered 503 when it has not\n"
                                              "committed by then; keep it under nginx's fastcgi_read_timeout\n"
                                              "(60 s) (default 50)"},
    {"PARTNERSHIPS_LONG_OPERATIONS", "imports and exports running at once over all workers, one per\n"
                                     "user; beyond it 503 with Retry-After (default workers - 1, at least 1)"},
    {"PARTNERSHIPS_SQL_DIR", "where the migrations are (default: the build's sql/)"},
    {"PARTNERSHIPS_AUTH_MODE", "password (default) or remote-user: trust the user name nginx\n"
                               "passes as REMOTE_USER (auth_basic, auth_request, client\n"
                               "certificates); POST /session {} then signs in"},
    {"PARTNERSHIPS_REMOTE_USER_DOMAIN", "appended as @DOMAIN to sign-on names without one"},
    {"PARTNERSHIPS_REFERRAL_PROTECTION_DAYS", "days a lead registered by a partner is theirs: another partner's\n"
                                              "registration of it is refused (default 90)"},
    {"PARTNERSHIPS_SEARCH_INDEX_ROWS", "a reader with at least this many rows of a table has a search's\n"
                                       "matches found by its trigram index, and read by id; fewer\n"
                                       "are filtered (default 5000)"},
    {"PARTNERSHIPS_PUBLIC_URL", "the app's address as its users reach it (https://partners.example.com/),\n"
                                "for invitation links; unset: the request's scheme, host and port"},
    {NULL, NULL}
};

/* The settings file's values, parallel to config_settings (NULL: not set). */
struct config_file {
    char *values[sizeof(config_settings) / sizeof(config_settings[0])];
};

static void config_file_free(struct config_file *file)
{
    for (size_t i = 0; i < sizeof(file->values) / sizeof(file->values[0]); i++)
        free(file->values[i]);
}

static int config_setting_index(const char *name)
{
    for (int i = 0; config_settings[i].name; i++)
        if (strcmp(config_settings[i].name, name) == 0)
            return i;
    return -1;
}

static char *config_trim(char *s)
{
    size_t len;

    while (isspace((unsigned char)*s))
        s++;
    len = strlen(s);
    while (len && isspace((unsigned char)s[len - 1]))
        s[--len] = '\0';
    return s;
}

/* NAME=value lines; blank lines and lines starting with # are skipped; a
 * value in matching double or single quotes loses them (as in systemd's
 * EnvironmentFile). */
static int config_file_read(const char *path, struct config_file *file)
{
    char line[CONFIG_MAX_LINE];
    FILE *f = fopen(path, "r");
    int lineno = 0;

    memset(file, 0, sizeof(*file));
    if (!f) {
        log_error("cannot read the settings file %s (PARTNERSHIPS_CONFIG): %s", path, strerror(errno));
        return -1;
    }
    while (fgets(line, sizeof(line), f)) {
        char *name, *value, *eq;
        size_t len;
        int i;

        lineno++;
        if (!strchr(line, '\n') && !feof(f)) {
            log_error("%s:%d: the line is longer than %d bytes", path, lineno, CONFIG_MAX_LINE - 2);
            goto fail;
        }
        name = config_trim(line);
        if (!*name || *name == '#')
            continue;
        eq = strchr(name, '=');
        if (!eq) {
            log_error("%s:%d: expected NAME=value", path, lineno);
            goto fail;
        }
        *eq = '\0';
        name = config_trim(name);
        value = config_trim(eq + 1);
        i = config_setting_index(name);
        if (i <= 0) {   /* 0: PARTNERSHIPS_CONFIG itself */
            log_error("%s:%d: %s is not a setting (partnerships help lists them)", path, lineno, name);
            goto fail;
        }
        len = strlen(value);
        if (len >= 2 && (value[0] == '"' || value[0] == '\'') && value[len - 1] == value[0]) {
            value[len - 1] = '\0';
            value++;
        }
        free(file->values[i]);
        file->values[i] = strdup(value);
        if (!file->values[i]) {
            log_error("out of memory reading %s", path);
            goto fail;
        }
    }
    fclose(f);
    return 0;
fail:
    fclose(f);
    config_file_free(file);
    return -1;
}

/* The environment's value, else the file's, else NULL; empty is unset. */
static const char *config_value(const struct config_file *file, const char *name)
{
    const char *value = getenv(name);
    int i;

    if (value && *value)
        return value;
    i = config_setting_index(name);
    value = i >= 0 ? file->values[i] : NULL;
    return value && *value ? value : NULL;
}

static int config_string(const struct config_file *file, const char *name, const char *fallback, char **out)
{
    const char *value = config_value(file, name);

    if (!value)
        value = fallback;
    *out = value ? strdup(value) : NULL;
    if (value && !*out) {
        log_error("out of memory reading %s", name);
        return -1;
    }
    return 0;
}

/* An integer setting within [min, max]; -1 and a log line when it is not. */
static int config_int(const struct config_file *file, const char *name, int fallback, int min, int max, int *out)
{
    const char *value = config_value(file, name);
    char *end;
    long n;

    if (!value) {
        *out = fallback;
        return 0;
    }
    errno = 0;
    n = strtol(value, &end, 10);
    if (errno || *end || n < min || n > max) {
        log_error("%s must be a whole number from %d to %d", name, min, max);
        return -1;
    }
    *out = (int)n;
    return 0;
}

static void config_free(struct config *c)
{
    free(c->database_url);
    free(c->owner_database_url);
    free(c->socket_path);
    free(c->sql_dir);
    free(c->remote_user_domain);
    free(c->public_url);
}

static int config_build(const struct config_file *file, struct config *next)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    const char *mode;
    int secure;

    if (config_string(file, "PARTNERSHIPS_DATABASE_URL", "dbname=partnerships user=partnerships_app",
                      &next->database_url) ||
        config_string(file, "PARTNERSHIPS_OWNER_DATABASE_URL", next->database_url, &next->owner_database_url) ||
        config_string(file, "PARTNERSHIPS_SOCKET", NULL, &next->socket_path) ||
        config_string(file, "PARTNERSHIPS_SQL_DIR", PARTNERSHIPS_SQL_DIR, &next->sql_dir) ||
        config_string(file, "PARTNERSHIPS_REMOTE_USER_DOMAIN", NULL, &next->remote_user_domain) ||
        config_string(file, "PARTNERSHIPS_PUBLIC_URL", NULL, &next->public_url) ||
        config_int(file, "PARTNERSHIPS_WORKERS", cpus > 0 ? (int)cpus * 2 : 2, 1, 256, &next->workers) ||
        config_int(file, "PARTNERSHIPS_COOKIE_SECURE", 1, 0, 1, &secure) ||
        config_int(file, "PARTNERSHIPS_SESSION_HOURS", 12, 1, 24 * 90, &next->session_hours) ||
        config_int(file, "PARTNERSHIPS_STATEMENT_TIMEOUT_SECONDS", 30, 1, 3600, &next->statement_timeout_seconds) ||
        config_int(file, "PARTNERSHIPS_REQUEST_DEADLINE_SECONDS", 50, 1, 3600, &next->request_deadline_seconds) ||
        config_int(file, "PARTNERSHIPS_LONG_OPERATIONS", next->workers > 1 ? next->workers - 1 : 1, 1, 256,
                   &next->long_operations) ||
        config_int(file, "PARTNERSHIPS_LOGIN_MAX_FAILURES", 10, 1, 1000000, &next->login_max_failures) ||
        config_int(file, "PARTNERSHIPS_LOGIN_MAX_FAILURES_ADDRESS", 100, 1, 1000000,
                   &next->login_max_failures_address) ||
        config_int(file, "PARTNERSHIPS_LOGIN_WINDOW_MINUTES", 15, 1, 24 * 60, &next->login_window_minutes) ||
        config_int(file, "PARTNERSHIPS_REFERRAL_PROTECTION_DAYS", 90, 1, 3650, &next->referral_protection_days) ||
        config_int(file, "PARTNERSHIPS_SEARCH_INDEX_ROWS", 5000, 0, 2147483647, &next->search_index_rows))
        return -1;
    next->cookie_secure = secure != 0;
    mode = config_value(file, "PARTNERSHIPS_AUTH_MODE");
    if (!mode)
        mode = "password";
    if (strcmp(mode, "password") != 0 && strcmp(mode, "remote-user") != 0) {
        log_error("PARTNERSHIPS_AUTH_MODE must be password or remote-user");
        return -1;
    }
    next->trust_remote_user = strcmp(mode, "remote-user") == 0;
    if (next->public_url && strncmp(next->public_url, "https://", 8) != 0 &&
        strncmp(next->public_url, "http://", 7) != 0) {
        log_error("PARTNERSHIPS_PUBLIC_URL must start with https:// or http://");
        return -1;
    }
    return 0;
}

int config_load(void)
{
    const char *path = getenv("PARTNERSHIPS_CONFIG");
    struct config_file file;
    struct config next;
    int rc;

    memset(&file, 0, sizeof(file));
    memset(&next, 0, sizeof(next));
    if (path && *path && config_file_read(path, &file))
        return -1;
    rc = config_build(&file, &next);
    config_file_free(&file);
    if (rc) {
        config_free(&next);
        return -1;
    }
    config_free(&config);
    config = next;
    return 0;
}

void config_print_help(FILE *f)
{
    for (int i = 0; config_settings[i].name; i++) {
        const char *help = config_settings[i].help;
        int width = (int)strlen(config_settings[i].name);

        fprintf(f, "  %s", config_settings[i].name);
        while (*help) {
            size_t len = strcspn(help, "\n");

            fprintf(f, "%*s%.*s\n", width < 39 ? 40 - width : 1, "", (int)len, help);
            width = -2;
            help += len + (help[len] == '\n');
        }
    }
}
