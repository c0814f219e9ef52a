/* main.c: partnerships SUBCOMMAND; see --help. */
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "cli.h"
#include "config.h"
#include "entity.h"
#include "figures.h"
#include "invites.h"
#include "portal.h"
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
    "Signals to serve: SIGHUP reads the settings again and replaces the workers\n"
    "(requests in flight finish; a settings error keeps the running settings);\n"
    "SIGTERM and SIGINT stop after the requests in flight.\n"
    "\n"
    "Settings (environment, or the file PARTNERSHIPS_CONFIG names):\n";

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0) {
        FILE *out = argc < 2 ? stderr : stdout;

        fputs(usage, out);
        config_print_help(out);
        return argc < 2 ? 2 : 0;
    }
    if (config_load())
        return 2;
    if (strcmp(argv[1], "migrate") == 0)
        return cli_migrate();
    if (strcmp(argv[1], "user") == 0)
        return cli_user(argc - 2, argv + 2);
    if (strcmp(argv[1], "serve") == 0) {
        if (auth_init() || users_init() || invites_init() || portal_init() || figures_init()) {
            fprintf(stderr, "partnerships: initialisation failed\n");
            return 1;
        }
        return server_run();
    }
    fputs(usage, stderr);
    config_print_help(stderr);
    return 2;
}
