/**
 * The list of `heliosdb-nano` subcommands. Each module exports
 * `register(program: Command, ctx: CliContext): void`. To add a command: one import and one
 * array entry (order = order in `--help`).
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import * as init from './init.js';
import * as sql from './sql.js';
import * as status from './status.js';
import * as log from './log.js';
import * as show from './show.js';
import * as diff from './diff.js';
import * as commit from './commit.js';
import * as branch from './branch.js';
import * as checkout from './checkout.js';
import * as merge from './merge.js';
import * as conflicts from './conflicts.js';
import * as tag from './tag.js';
import * as reset from './reset.js';
import * as revert from './revert.js';
import * as config from './config.js';
import * as table from './table.js';
import * as version from './version.js';
import * as demo from './demo.js';
import * as gc from './gc.js';
import * as fsck from './fsck.js';
import * as retention from './retention.js';
import * as remote from './remote.js';
import * as clone from './clone.js';
import * as fetch from './fetch.js';
import * as pull from './pull.js';
import * as push from './push.js';
import * as serve from './serve.js';
import * as bundle from './bundle.js';

export interface CommandModule {
  register(program: Command, ctx: CliContext): void;
}

export const commands: CommandModule[] = [
  init,
  sql,
  status,
  log,
  show,
  diff,
  commit,
  branch,
  checkout,
  merge,
  conflicts,
  tag,
  reset,
  revert,
  config,
  table,
  version,
  demo,
  gc,
  retention,
  fsck,
  remote,
  clone,
  fetch,
  pull,
  push,
  serve,
  bundle,
];
