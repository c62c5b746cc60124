/**
 * Three-way merge of one JSON cell key by key.
 *
 * Called only when both sides changed the cell to different texts. When ours and theirs are
 * JSON objects (RFC 8259 text) and the base is an object or NULL (treated as `{}`), the
 * objects merge key by key, recursively into nested objects: a key changed on one side takes
 * that side's value, a key changed identically on both converges, a key changed differently
 * (including removed on one side and changed on the other) is a conflict at its key path.
 * Arrays and scalars are compared whole. Anything else (a non-object, invalid JSON, duplicate
 * keys, a side that set the cell to NULL) cannot merge key by key: the caller compares the
 * whole cell instead.
 *
 * Values are compared by a canonical text (no whitespace, object keys sorted, strings with
 * escapes resolved); numbers compare as written (`1` and `1.0` differ), which errs on the side
 * of a conflict. Scalars keep their literal text, so large numbers stay exact; of two equal
 * values written differently on the two sides, the text that sorts first is kept.
 *
 * The merged object is rendered compactly. Key order is the same whichever side is "ours"
 * (so clean merges commute): the base's surviving keys in base order, then the keys each side
 * added, in that side's order, the side whose list of new keys sorts first going first.
 */

/** A parsed JSON value: object (keys in written order), array, or scalar literal text. */
type JVal = JObj | JArr | JLit;
interface JObj {
  t: 0;
  keys: string[];
  vals: JVal[];
  canon: string | undefined;
}
interface JArr {
  t: 1;
  items: JVal[];
  canon: string | undefined;
}
interface JLit {
  t: 2;
  /** The literal as written (strings with their quotes and escapes). */
  text: string;
  canon: string | undefined;
}

const MAX_DEPTH = 1000;

class JsonSyntax extends Error {}

/** A strict RFC 8259 parser that keeps literals as written. Throws `JsonSyntax`. */
class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  parse(): JVal {
    this.ws();
    const v = this.value(0);
    this.ws();
    if (this.i !== this.s.length) throw new JsonSyntax();
    return v;
  }

  private ws(): void {
    const s = this.s;
    let i = this.i;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
      else break;
    }
    this.i = i;
  }

  private value(depth: number): JVal {
    if (depth > MAX_DEPTH) throw new JsonSyntax();
    const s = this.s;
    const c = s.charCodeAt(this.i);
    if (c === 0x7b) return this.object(depth);
    if (c === 0x5b) return this.array(depth);
    const start = this.i;
    if (c === 0x22) this.string();
    else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) this.number();
    else if (s.startsWith('true', start)) this.i += 4;
    else if (s.startsWith('false', start)) this.i += 5;
    else if (s.startsWith('null', start)) this.i += 4;
    else throw new JsonSyntax();
    return { t: 2, text: s.slice(start, this.i), canon: undefined };
  }

  private object(depth: number): JObj {
    this.i++;
    const keys: string[] = [];
    const vals: JVal[] = [];
    const seen = new Set<string>();
    this.ws();
    if (this.s.charCodeAt(this.i) === 0x7d) {
      this.i++;
      return { t: 0, keys, vals, canon: undefined };
    }
    for (;;) {
      if (this.s.charCodeAt(this.i) !== 0x22) throw new JsonSyntax();
      const start = this.i;
      this.string();
      const key = JSON.parse(this.s.slice(start, this.i)) as string;
      if (seen.has(key)) throw new JsonSyntax(); // duplicate keys: no key-by-key meaning
      seen.add(key);
      this.ws();
      if (this.s.charCodeAt(this.i) !== 0x3a) throw new JsonSyntax();
      this.i++;
      this.ws();
      keys.push(key);
      vals.push(this.value(depth + 1));
      this.ws();
      const c = this.s.charCodeAt(this.i++);
      if (c === 0x7d) return { t: 0, keys, vals, canon: undefined };
      if (c !== 0x2c) throw new JsonSyntax();
      this.ws();
    }
  }

  private array(depth: number): JArr {
    this.i++;
    const items: JVal[] = [];
    this.ws();
    if (this.s.charCodeAt(this.i) === 0x5d) {
      this.i++;
      return { t: 1, items, canon: undefined };
    }
    for (;;) {
      items.push(this.value(depth + 1));
      this.ws();
      const c = this.s.charCodeAt(this.i++);
      if (c === 0x5d) return { t: 1, items, canon: undefined };
      if (c !== 0x2c) throw new JsonSyntax();
      this.ws();
    }
  }

  private string(): void {
    const s = this.s;
    let i = this.i + 1;
    for (;;) {
      if (i >= s.length) throw new JsonSyntax();
      const c = s.charCodeAt(i);
      if (c === 0x22) break;
      if (c < 0x20) throw new JsonSyntax();
      if (c === 0x5c) {
        const e = s.charCodeAt(i + 1);
        if (e === 0x75) {
          if (!/^[0-9a-fA-F]{4}$/.test(s.slice(i + 2, i + 6))) throw new JsonSyntax();
          i += 6;
          continue;
        }
        // " \ / b f n r t
        if (e !== 0x22 && e !== 0x5c && e !== 0x2f && e !== 0x62 && e !== 0x66 && e !== 0x6e && e !== 0x72 && e !== 0x74) {
          throw new JsonSyntax();
        }
        i += 2;
        continue;
      }
      i++;
    }
    this.i = i + 1;
  }

  private number(): void {
    const m = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
    m.lastIndex = this.i;
    const r = m.exec(this.s);
    if (r === null || r[0] === '' || r[0] === '-') throw new JsonSyntax();
    this.i += r[0].length;
  }
}

/** Parse `text` as a JSON object; undefined when it is not one (or not valid JSON). */
function parseObject(text: string): JObj | undefined {
  try {
    const v = new Parser(text).parse();
    return v.t === 0 ? v : undefined;
  } catch (err) {
    if (err instanceof JsonSyntax || err instanceof SyntaxError) return undefined;
    throw err;
  }
}

/** Canonical text: compact, object keys sorted, string literals normalised. */
function canon(v: JVal): string {
  if (v.canon !== undefined) return v.canon;
  let out: string;
  if (v.t === 2) {
    out = v.text.charCodeAt(0) === 0x22 ? JSON.stringify(JSON.parse(v.text) as string) : v.text;
  } else if (v.t === 1) {
    out = '[' + v.items.map(canon).join(',') + ']';
  } else {
    const idx = v.keys.map((_, i) => i).sort((a, b) => (v.keys[a]! < v.keys[b]! ? -1 : v.keys[a]! > v.keys[b]! ? 1 : 0));
    out = '{' + idx.map((i) => JSON.stringify(v.keys[i]!) + ':' + canon(v.vals[i]!)).join(',') + '}';
  }
  v.canon = out;
  return out;
}

/** Compact text in written key order, literals as written. */
function render(v: JVal): string {
  if (v.t === 2) return v.text;
  if (v.t === 1) return '[' + v.items.map(render).join(',') + ']';
  let s = '{';
  for (let i = 0; i < v.keys.length; i++) {
    if (i > 0) s += ',';
    s += JSON.stringify(v.keys[i]!) + ':' + render(v.vals[i]!);
  }
  return s + '}';
}

function same(a: JVal | undefined, b: JVal | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return canon(a) === canon(b);
}

/** Of two equal values written differently, the one whose text sorts first (either side). */
function pickText(o: JVal, t: JVal): JVal {
  if (o.t === 2 && t.t === 2 && o.text === t.text) return o;
  const ro = render(o);
  const rt = render(t);
  return ro <= rt ? o : t;
}

function lookup(o: JObj | undefined, key: string): JVal | undefined {
  if (o === undefined) return undefined;
  const i = o.keys.indexOf(key);
  return i < 0 ? undefined : o.vals[i];
}

function compareLists(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i]! !== b[i]!) return a[i]! < b[i]! ? -1 : 1;
  }
  return a.length - b.length;
}

/** The merge order of keys: base keys, then each side's new keys (see the header). */
function keyOrder(base: JObj | undefined, ours: JObj, theirs: JObj): string[] {
  const order = base === undefined ? [] : [...base.keys];
  const inBase = new Set(order);
  const on = ours.keys.filter((k) => !inBase.has(k));
  const tn = theirs.keys.filter((k) => !inBase.has(k));
  const [first, second] = compareLists(on, tn) <= 0 ? [on, tn] : [tn, on];
  const seen = new Set(order);
  for (const k of first) {
    seen.add(k);
    order.push(k);
  }
  for (const k of second) if (!seen.has(k)) order.push(k);
  return order;
}

/**
 * Merge objects; pushes conflicting paths to `conflicts`. Conflicting keys take the `prefer`
 * side's value (ours when none is given).
 */
function mergeObjects(
  base: JObj | undefined,
  ours: JObj,
  theirs: JObj,
  path: string[],
  prefer: 'ours' | 'theirs' | undefined,
  conflicts: string[][],
): JObj {
  const keys: string[] = [];
  const vals: JVal[] = [];
  for (const k of keyOrder(base, ours, theirs)) {
    const b = lookup(base, k);
    const o = lookup(ours, k);
    const t = lookup(theirs, k);
    let v: JVal | undefined;
    if (same(o, t)) v = o === undefined || t === undefined ? o : pickText(o, t);
    else if (same(b, t)) v = o;
    else if (same(b, o)) v = t;
    else if (o !== undefined && t !== undefined && o.t === 0 && t.t === 0 && (b === undefined || b.t === 0)) {
      v = mergeObjects(b, o, t, [...path, k], prefer, conflicts);
    } else {
      conflicts.push([...path, k]);
      v = prefer === 'theirs' ? t : o;
    }
    if (v !== undefined) {
      keys.push(k);
      vals.push(v);
    }
  }
  return { t: 0, keys, vals, canon: undefined };
}

export interface JsonMergeResult {
  /** The merged JSON text (conflicting keys resolved to `prefer`, or to ours). */
  text: string;
  /** Key paths that collided, in merge order; empty when the merge is clean. */
  conflicts: string[][];
}

/**
 * Merge a JSON cell key by key. `base` null means the cell was NULL (treated as `{}`).
 * Returns undefined when the cell cannot merge key by key (see the header): the caller then
 * treats it as an ordinary cell.
 */
export function mergeJsonText(
  base: string | null,
  ours: string,
  theirs: string,
  prefer?: 'ours' | 'theirs',
): JsonMergeResult | undefined {
  const o = parseObject(ours);
  if (o === undefined) return undefined;
  const t = parseObject(theirs);
  if (t === undefined) return undefined;
  let b: JObj | undefined;
  if (base !== null) {
    b = parseObject(base);
    if (b === undefined) return undefined;
  }
  const conflicts: string[][] = [];
  const merged = mergeObjects(b, o, t, [], prefer, conflicts);
  return { text: render(merged), conflicts };
}

/** True when `text` is a JSON object that `mergeJsonText` can merge key by key. */
export function isMergeableJson(text: string): boolean {
  return parseObject(text) !== undefined;
}
