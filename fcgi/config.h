/* config.h: the program's settings, from the environment and the settings
 * file PARTNERSHIPS_CONFIG names; read at start and again on SIGHUP. */
#ifndef PARTNERSHIPS_CONFIG_H
#define PARTNERSHIPS_CONFIG_H

#include <stdbool.h>
#include <stdio.h>

struct config {
    char *database_url;             /* PARTNERSHIPS_DATABASE_URL: the application role */
    char *owner_database_url;       /* PARTNERSHIPS_OWNER_DATABASE_URL: migrations, user commands */
    char *socket_path;              /* PARTNERSHIPS_SOCKET: NULL = inherited socket */
    char *sql_dir;                  /* PARTNERSHIPS_SQL_DIR */
    int workers;                    /* PARTNERSHIPS_WORKERS */
    bool cookie_secure;             /* PARTNERSHIPS_COOKIE_SECURE */
    int session_hours;              /* PARTNERSHIPS_SESSION_HOURS */
    int statement_timeout_seconds;  /* PARTNERSHIPS_STATEMENT_TIMEOUT_SECONDS */
    int request_deadline_seconds;   /* PARTNERSHIPS_REQUEST_DEADLINE_SECONDS: an import or export ends by then */
    int long_operations;            /* PARTNERSHIPS_LONG_OPERATIONS: imports and exports at once (all workers) */
    int login_max_failures;         /* PARTNERSHIPS_LOGIN_MAX_FAILURES: per account and address together */
    int login_max_failures_address; /* PARTNERSHIPS_LOGIN_MAX_FAILURES_ADDRESS: per client address */
    int login_window_minutes;       /* PARTNERSHIPS_LOGIN_WINDOW_MINUTES */
    bool trust_remote_user;         /* PARTNERSHIPS_AUTH_MODE=remote-user: nginx authenticates */
    char *remote_user_domain;       /* PARTNERSHIPS_REMOTE_USER_DOMAIN: appended to names without @ */
    int referral_protection_days;   /* PARTNERSHIPS_REFERRAL_PROTECTION_DAYS: a registered lead is the first partner's */
    char *public_url;               /* PARTNERSHIPS_PUBLIC_URL: the app's address, for links (NULL: the request's) */
    int search_index_rows;          /* PARTNERSHIPS_SEARCH_INDEX_ROWS: a reader's rows from which search uses the index */
};

/* One setting, for `partnerships help` and the settings file's checks. */
struct config_setting {
    const char *name;
    const char *help;   /* lines after the first are indented by the printer */
};

/* The process-wide settings; valid after config_load(). */
extern struct config config;

/* Every setting the program reads, ended by {NULL, NULL}. */
extern const struct config_setting config_settings[];

/* Reads the settings: the environment first, then the file PARTNERSHIPS_CONFIG
 * names (NAME=value lines, # comments).  Returns -1, logging which line or
 * setting is wrong, and leaves the settings as they were, when the file
 * cannot be read, names an unknown setting, or a value is malformed. */
int config_load(void);

/* Writes the settings' names and help to f (for `partnerships help`). */
void config_print_help(FILE *f);

#endif
