/* cli.h: the administrative subcommands, run with the owner's connection
 * (PARTNERSHIPS_OWNER_DATABASE_URL). */
#ifndef PARTNERSHIPS_CLI_H
#define PARTNERSHIPS_CLI_H

/* Applies sql/NNN_*.sql in order, each once and in its own transaction,
 * recorded in schema_migrations; safe to run twice or concurrently. */
int cli_migrate(void);

/* user add [--admin] [--if-no-users] EMAIL NAME, user passwd EMAIL: the
 * password is the first line of standard input. */
int cli_user(int argc, char **argv);

#endif
