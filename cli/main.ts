#!/usr/bin/env node
/**
 * Entry point of the `heliosdb-nano` command (alias `hdb`): runs the program on the process's
 * arguments and exits with its code (0 ok, 1 failure, 2 usage). A closed output pipe
 * (`… | head`) ends the process quietly.
 */
import { runCli } from './program.js';

process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

const code = await runCli(process.argv.slice(2));
process.exitCode = code;
