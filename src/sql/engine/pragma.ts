/**
 * PRAGMA statements: `table_info(t)` / `table_xinfo(t)`, `index_list(t)`, `index_info(i)`,
 * `foreign_key_list(t)`, `foreign_keys` (always 1: foreign keys are always enforced),
 * `table_list`, `defer_foreign_keys` (in a transaction: check every FK at COMMIT; cleared when
 * the transaction ends — outside one it has no effect, as in SQLite). Other pragmas (journal_mode, synchronous, foreign_keys, …) are accepted and
 * return nothing: storage settings are fixed by the engine.
 */
import { SqlError } from '../../errors/index.js';
import type { PragmaStmt } from '../ast.js';
import type { SchemaSource } from '../catalog/catalog.js';
import type { TxnAccess } from '../exec/env.js';
import type { ColumnMeta, Row } from '../exec/types.js';

function cols(...names: [string, 'INTEGER' | 'TEXT'][]): ColumnMeta[] {
  return names.map(([name, affinity]) => ({ name, affinity, collation: 'BINARY' }));
}

function argName(stmt: PragmaStmt): string | undefined {
  const v = stmt.value;
  if (!v) return undefined;
  if (v.kind === 'literal' && typeof v.value === 'string') return v.value;
  if (v.kind === 'column') return v.name;
  throw new SqlError('INVALID_PRAGMA', `bad argument to PRAGMA ${stmt.name}`);
}

/** A boolean pragma value: ON / OFF, TRUE / FALSE, YES / NO, 1 / 0. */
function pragmaFlag(stmt: PragmaStmt): boolean {
  const v = stmt.value!;
  if (v.kind === 'literal' && typeof v.value === 'bigint') return v.value !== 0n;
  if (v.kind === 'literal' && typeof v.value === 'number') return v.value !== 0;
  const t = argName(stmt)?.toLowerCase();
  if (t === 'on' || t === 'true' || t === 'yes' || t === '1') return true;
  if (t === 'off' || t === 'false' || t === 'no' || t === '0') return false;
  throw new SqlError('INVALID_PRAGMA', `bad argument to PRAGMA ${stmt.name}: expected ON or OFF`);
}

export function pragma(stmt: PragmaStmt, schema: SchemaSource): { columns: ColumnMeta[]; rows(tx: TxnAccess): Row[] } {
  const name = stmt.name.toLowerCase();
  switch (name) {
    case 'table_info':
    case 'table_xinfo': {
      const t = argName(stmt);
      const info = t ? schema.tableInfo(t.toLowerCase()) : undefined;
      const columns = cols(['cid', 'INTEGER'], ['name', 'TEXT'], ['type', 'TEXT'], ['notnull', 'INTEGER'], ['dflt_value', 'TEXT'], ['pk', 'INTEGER']);
      if (name === 'table_xinfo') columns.push(...cols(['hidden', 'INTEGER']));
      return {
        columns,
        rows: () =>
          (info?.columns ?? []).map((c, i) => {
            const pk = info!.schema.primaryKey.findIndex((k) => k.tag === c.tag);
            const r: Row = [BigInt(i), c.name, c.type, c.notNull ? 1n : 0n, c.default ?? null, BigInt(pk + 1)];
            if (name === 'table_xinfo') r.push(0n);
            return r;
          }),
      };
    }
    case 'index_list': {
      const t = argName(stmt);
      const info = t ? schema.tableInfo(t.toLowerCase()) : undefined;
      return {
        columns: cols(['seq', 'INTEGER'], ['name', 'TEXT'], ['unique', 'INTEGER'], ['origin', 'TEXT'], ['partial', 'INTEGER']),
        rows: () =>
          // SQLite lists the most recent index first.
          [...(info?.indexes ?? [])].reverse().map((ix, i) => [BigInt(i), ix.schema.name, ix.unique ? 1n : 0n, ix.schema.origin === 'unique' ? 'u' : 'c', ix.schema.where ? 1n : 0n]),
      };
    }
    case 'index_info': {
      const n = argName(stmt)?.toLowerCase();
      return {
        columns: cols(['seqno', 'INTEGER'], ['cid', 'INTEGER'], ['name', 'TEXT']),
        rows: () => {
          for (const k of schema.tableKeys()) {
            const info = schema.tableInfo(k)!;
            const ix = n ? info.index(n) : undefined;
            if (ix) return ix.slots.map((s, i) => [BigInt(i), BigInt(s < 0 ? -2 : s), s < 0 ? null : info.columns[s]!.name]);
          }
          return [];
        },
      };
    }
    case 'foreign_keys':
      // Foreign keys are always enforced (foreign-keys.ts); setting the pragma changes nothing.
      return stmt.value ? { columns: [], rows: () => [] } : { columns: cols(['foreign_keys', 'INTEGER']), rows: () => [[1n]] };
    case 'defer_foreign_keys': {
      const txnOf = (tx: TxnAccess): { deferForeignKeys: boolean } | undefined =>
        typeof (tx as Partial<{ deferForeignKeys: boolean }>).deferForeignKeys === 'boolean' ? (tx as unknown as { deferForeignKeys: boolean }) : undefined;
      if (stmt.value) {
        const on = pragmaFlag(stmt);
        return {
          columns: [],
          rows: (tx) => {
            const t = txnOf(tx);
            if (t) t.deferForeignKeys = on;
            return [];
          },
        };
      }
      return { columns: cols(['defer_foreign_keys', 'INTEGER']), rows: (tx) => [[txnOf(tx)?.deferForeignKeys ? 1n : 0n]] };
    }
    case 'foreign_key_list': {
      const t = argName(stmt);
      const info = t ? schema.tableInfo(t.toLowerCase()) : undefined;
      return {
        columns: cols(['id', 'INTEGER'], ['seq', 'INTEGER'], ['table', 'TEXT'], ['from', 'TEXT'], ['to', 'TEXT'], ['on_update', 'TEXT'], ['on_delete', 'TEXT'], ['match', 'TEXT']),
        rows: () => {
          if (!info) return [];
          const fks = info.schema.foreignKeys;
          const out: Row[] = [];
          // SQLite numbers them from the last declared one.
          for (let i = fks.length - 1, id = 0; i >= 0; i--, id++) {
            const f = fks[i]!;
            f.columns.forEach((tag, seq) => {
              const from = info.columns[info.slotOfTag[tag]!]?.name ?? null;
              out.push([BigInt(id), BigInt(seq), f.table, from, f.refColumns[seq] ?? null, f.onUpdate, f.onDelete, 'NONE']);
            });
          }
          return out;
        },
      };
    }
    case 'table_list':
      return {
        columns: cols(['schema', 'TEXT'], ['name', 'TEXT'], ['type', 'TEXT'], ['ncol', 'INTEGER'], ['wr', 'INTEGER'], ['strict', 'INTEGER']),
        rows: () => [
          ...schema.tableKeys().map((k): Row => {
            const info = schema.tableInfo(k)!;
            return ['main', info.name, 'table', BigInt(info.width), 0n, 0n];
          }),
          ...schema.viewKeys().map((k): Row => ['main', schema.view(k)!.name, 'view', 0n, 0n, 0n]),
        ],
      };
    default:
      return { columns: [], rows: () => [] };
  }
}
