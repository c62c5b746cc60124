/**
 * Statement parameters: `?` (numbered left to right by the parser), `?NNN`, and named `:name`,
 * `@name`, `$name`. As in SQLite, each distinct name gets the next free index at its first
 * appearance. Slots are 0-based (index − 1).
 */
import { SqlError } from '../../errors/index.js';

export const MAX_PARAMS = 32766;

export class ParamMap {
  /** Highest 1-based index used. */
  count = 0;
  /** Name with its sigil → 1-based index. */
  readonly names = new Map<string, number>();

  slot(p: { index?: number; name?: string; pos?: { line: number; column: number; offset: number } }): number {
    if (p.name !== undefined) {
      let i = this.names.get(p.name);
      if (i === undefined) {
        i = ++this.count;
        this.names.set(p.name, i);
      }
      return i - 1;
    }
    const i = p.index ?? ++this.count;
    if (!Number.isInteger(i) || i < 1 || i > MAX_PARAMS) {
      throw new SqlError('PARAMETER_RANGE', `variable number must be between ?1 and ?${MAX_PARAMS}`, p.pos ? { line: p.pos.line, column: p.pos.column, offset: p.pos.offset } : undefined);
    }
    if (i > this.count) this.count = i;
    return i - 1;
  }

  /** 1-based index of a named parameter given with or without its sigil. */
  indexOfName(name: string): number | undefined {
    if (/^[:@$]/.test(name)) return this.names.get(name);
    return this.names.get(':' + name) ?? this.names.get('@' + name) ?? this.names.get('$' + name);
  }
}
