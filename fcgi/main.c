/* main.c: partnerships SUBCOMMAND; see --help. */
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "cli.h"
#include "config.h"
#include "entity.h"
#include "figures.h"
#include "server.h"
#include "users.h"

static const char usage[] =
    "usage: partnerships COMMAND\n"
    "\n"
    "  serve                         run the FastCGI server (master and workers)\n"
    "  migrate                       apply the SQL migrations not yet applied\n"
    "  user add [--admin] [--if-no-users] EMAIL NAME\n"
    "                                add a user; the password is read from stdin\n"
    "  user passwd EMAIL             set a user's password, read from stdin\n"
    "  help                          this text\n"
    "\n"
    "Settings (environment):\n"
    "  PARTNERSHIPS_DATABASE_URL         libpq conninfo of the application role\n"
    "                                    (default: dbname=partnerships user=partnerships_app)\n"
    "  PARTNERSHIPS_OWNER_DATABASE_URL   conninfo of the schema owner, for migrate and user\n"
    "                                    (default: PARTNERSHIPS_DATABASE_URL)\n"
    "  PARTNERSHIPS_SOCKET               FastCGI unix socket to create; unset: use the socket\n"
    "                                    on fd 0 (spawn-fcgi) or from systemd\n"
    "  PARTNERSHIPS_WORKERS              worker processes = database connections (default 2 x CPUs)\n"
    "  PARTNERSHIPS_COOKIE_SECURE        1 (default) or 0 for plain-HTTP development\n"
    "  PARTNERSHIPS_SESSION_HOURS        session lifetime (default 12)\n"
    "  PARTNERSHIPS_LOGIN_MAX_FAILURES   failed sign-ins per account per window (default 10)\n"
    "  PARTNERSHIPS_LOGIN_MAX_FAILURES_ADDRESS  ... per client address (default 100)\n"
    "  PARTNERSHIPS_LOGIN_WINDOW_MINUTES the window (default 15)\n"
    "  PARTNERSHIPS_SQL_DIR              where the migrations are\n"
    "  PARTNERSHIPS_AUTH_MODE            password (default) or remote-user: trust the user name\n"
    "                                    nginx passes as REMOTE_USER (auth_basic, auth_request,\n"
    "                                    client certificates); POST /session {} then signs in\n"
    "  PARTNERSHIPS_REMOTE_USER_DOMAIN   appended as @DOMAIN to sign-on names without one\n";

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (config_load())
        return 2;
    if (strcmp(argv[1], "migrate") == 0)
        return cli_migrate();
    if (strcmp(argv[1], "user") == 0)
        return cli_user(argc - 2, argv + 2);
    if (strcmp(argv[1], "serve") == 0) {
        if (auth_init() || users_init() || entity_init() || figures_init()) {
            fprintf(stderr, "partnerships: initialisation failed\n");
            return 1;
        }
        return server_run();
    }
    fputs(usage, stderr);
    return 2;
}
