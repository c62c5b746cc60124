/**
 * The schema side of a table merge, as the merge driver needs it: for a table whose schema
 * changed on at least one side, the merged schema and how theirs' rows map onto it — or the
 * schema conflicts. A thin adapter over `mergeSchemas` (src/merge/schema-merge.ts) applied to
 * one table, which adds the rule that needs the data: a primary key changed on one side while
 * the other side changed rows is a schema conflict (rows are never re-keyed silently).
 */
import { mergeSchemas, sameTableSchema, type TableMergePlan } from '../../../merge/index.js';
import type { TableSchema } from '../../../objects/index.js';
import { renderCreateTable } from '../../engine/alter.js';
import type { SchemaConflictRecord } from './merge-state.js';

export type TablePlan = Pick<TableMergePlan, 'schema' | 'theirsRetag'> &
  Partial<Pick<TableMergePlan, 'droppedTags' | 'theirsStaleTags' | 'validate' | 'validateBy' | 'constraintsAddedBy' | 'indexRenames'>>;

export type PlanResult = { plan: TablePlan; conflicts?: undefined } | { plan?: undefined; conflicts: SchemaConflictRecord[] };

/** Whether two schemas are the same definition. */
export function sameSchema(a: TableSchema, b: TableSchema): boolean {
  return sameTableSchema(a, b);
}

const side = (key: string, s: TableSchema): Parameters<typeof mergeSchemas>[0] => ({ tables: new Map([[key, s]]), views: {}, triggers: {} });

/**
 * Plan one table whose schema differs between the sides. `oursRowsChanged` /
 * `theirsRowsChanged`: whether that side changed the table's rows relative to the base.
 */
export function planTable(
  key: string,
  base: TableSchema,
  ours: TableSchema,
  theirs: TableSchema,
  oursRowsChanged: boolean,
  theirsRowsChanged: boolean,
): PlanResult {
  const r = mergeSchemas(side(key, base), side(key, ours), side(key, theirs), { renderCreateTable });
  const conflicts: SchemaConflictRecord[] = r.conflicts.map((c) => ({ ...c }));
  const plan = r.tables.get(key);
  if (plan?.pkChangedBy !== undefined && (plan.pkChangedBy === 'ours' ? theirsRowsChanged : oursRowsChanged)) {
    conflicts.push({
      table: key,
      kind: 'primary-key',
      base: base.sql,
      ours: ours.sql,
      theirs: theirs.sql,
      message: `table ${ours.name}: the primary key changed on ${plan.pkChangedBy === 'ours' ? 'our' : 'their'} side while the other side changed rows`,
    });
  }
  if (conflicts.length > 0 || !plan) {
    if (conflicts.length === 0) conflicts.push({ table: key, kind: 'table', message: `table ${ours.name} cannot be merged` });
    return { conflicts };
  }
  return { plan };
}
