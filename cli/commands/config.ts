/**
 * `heliosdb-nano config get|set|list`: the database's heliosdb.toml (validated: unknown keys
 * and invalid values are rejected naming the key and the expected form).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { CONFIG_FILE, type CliContext } from '../context.js';
import { CONFIG_KEYS, getConfigValue, setConfigValue } from '../../src/index.js';

export function register(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('config')
    .description("read or change the database's heliosdb.toml")
    .addHelpText('after', '\nExamples:\n  $ heliosdb-nano config list\n  $ heliosdb-nano config get versioning\n  $ heliosdb-nano config set snapshot.min_retention_seconds 7776000');
  cmd
    .command('list')
    .description('every setting with its value')
    .action(
      ctx.action(() => {
        const dir = ctx.findDb();
        const c = ctx.config(dir).config;
        const rows = Object.keys(CONFIG_KEYS).map((key) => ({ key, value: getConfigValue(c, key) ?? null }));
        if (ctx.json) ctx.printJson(Object.fromEntries(rows.map((r) => [r.key, r.value])));
        else for (const r of rows) ctx.print(`${r.key} = ${r.value === null ? ctx.paint('dim', '(unset)') : JSON.stringify(r.value)}`);
      }),
    );
  cmd
    .command('get')
    .description('the value of one setting')
    .argument('<key>', `one of: ${Object.keys(CONFIG_KEYS).join(', ')}`)
    .action(
      ctx.action((key: string) => {
        const dir = ctx.findDb();
        const v = getConfigValue(ctx.config(dir).config, key);
        if (ctx.json) ctx.printJson({ key, value: v ?? null });
        else if (v !== undefined) ctx.print(String(v));
        else process.exitCode = 1;
      }),
    );
  cmd
    .command('set')
    .description('change one setting (validated)')
    .argument('<key>', `one of: ${Object.keys(CONFIG_KEYS).join(', ')}`)
    .argument('<value>', 'the new value')
    .action(
      ctx.action((key: string, value: string) => {
        const dir = ctx.findDb();
        const file = join(dir, CONFIG_FILE);
        const text = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
        writeFileSync(file, setConfigValue(text, key, value));
        if (ctx.json) ctx.printJson({ key, value: getConfigValue(ctx.config(dir).config, key) ?? null });
        else ctx.print(`${key} = ${JSON.stringify(getConfigValue(ctx.config(dir).config, key))}`);
      }),
    );
}
