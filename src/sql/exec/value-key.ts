/**
 * Canonical string keys of SQL values for hashing: GROUP BY, DISTINCT, UNION/INTERSECT/EXCEPT,
 * IN-sets and hash joins. Two values get the same key exactly when SQL `=` (or `IS`) holds
 * under the given collation: `5`, `5.0` and DECIMAL `5.00` share a key; text and numbers never
 * do; NOCASE folds ASCII case; RTRIM ignores trailing spaces. NULL has its own key (GROUP BY
 * and DISTINCT treat NULLs as equal).
 */
import { Decimal, type SqlValue } from '../../objects/index.js';
import type { Collation } from '../values/index.js';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

function numberKey(n: number): string {
  if (Number.isInteger(n)) {
    if (Math.abs(n) <= MAX_SAFE) return 'i' + n;
    if (Math.abs(n) < 9.3e18) return 'i' + BigInt(n).toString();
  }
  return 'r' + n;
}

function foldNoCase(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

export function valueKey(v: SqlValue, collation: Collation = 'BINARY'): string {
  if (v === null) return 'n';
  switch (typeof v) {
    case 'bigint':
      return 'i' + v.toString();
    case 'number':
      return numberKey(v);
    case 'string':
      if (collation === 'NOCASE') return 's' + foldNoCase(v);
      if (collation === 'RTRIM') return 's' + v.replace(/ +$/, '');
      return 's' + v;
    default:
      if (v instanceof Decimal) {
        if (v.scale === 0) return 'i' + v.coef.toString();
        const r = v.rescale(0);
        if (r.compare(v) === 0) return 'i' + r.coef.toString();
        return numberKey(v.toNumber());
      }
      return 'b' + Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('latin1');
  }
}

/** Key of a tuple; `collations[i]` applies to value i (BINARY when absent). */
export function rowKey(values: readonly SqlValue[], collations?: readonly Collation[], count = values.length): string {
  if (count === 1) return valueKey(values[0]!, collations?.[0]);
  let k = '';
  for (let i = 0; i < count; i++) {
    const part = valueKey(values[i]!, collations?.[i]);
    k += part.length + ':' + part;
  }
  return k;
}
