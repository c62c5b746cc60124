/**
 * `SessionVersion`: what one SQL session knows about versions — its branch (or the past
 * version it is pinned to), its author and the message for its next commit — and the hooks
 * the compiler uses: AS OF resolution of table references (recorded per compiled statement so
 * a cached plan is recompiled when the version it read would now resolve differently), the
 * `heliosdb_*` system tables and table functions, and the session functions `active_branch()`,
 * `heliosdb_hashof(ref)`, `heliosdb_merge_base(a, b)`. It also runs the version-control
 * statements (statements.ts).
 */
import type { CID } from '../../hash/index.js';
import { ReadOnlyBranchError, SqlError } from '../../errors/index.js';
import type { SqlValue } from '../../objects/index.js';
import type { AsOf, Expr, Statement } from '../ast.js';
import type { Catalog, SchemaSource } from '../catalog/catalog.js';
import type { TxnAccess } from '../exec/env.js';
import type { PlanNode } from '../exec/types.js';
import type { ScalarFunction } from '../functions/index.js';
import type { ParamMap } from '../planner/params.js';
import type { PlannerContext } from '../planner/planner.js';
import type { Compiled } from '../engine/compile.js';
import type { Engine } from '../engine/engine.js';
import type { ExecResult, Session, SessionVersionHooks } from '../engine/session.js';
import {
  NeedsAsyncError,
  PrefixCache,
  UNKNOWN,
  evalConst,
  hasParam,
  resolveAsOf,
  resolveAsOfSync,
  resolveRefSync,
  type Resolution,
} from './as-of.js';
import { looksLikeCidPrefix } from '../../refs/index.js';
import type { VersionControl } from './control.js';
import type { SessionState } from './session-state.js';
import { systemTable } from './system-tables.js';
import { runVersionStatement } from './statements.js';

interface Binding {
  spec: AsOf;
  map: ParamMap;
  hasParam: boolean;
  stable: boolean;
  placeholder: boolean;
  rootKey: string;
  handle: SnapshotHandle;
}

/**
 * The version an AS OF table reference reads, as the compiled plan holds it: when a new
 * execution resolves to another root with the same schema, the handle is pointed at it and
 * the plan is reused; a different schema recompiles.
 */
class SnapshotHandle implements SchemaSource, TxnAccess {
  constructor(public cat: Catalog) {}
  get schemaKey(): string {
    return this.cat.schemaKey;
  }
  rowCount(key: string): number {
    return this.cat.rowCount(key);
  }
  tableInfo(key: string): ReturnType<Catalog['tableInfo']> {
    return this.cat.tableInfo(key);
  }
  view(key: string): ReturnType<Catalog['view']> {
    return this.cat.view(key);
  }
  tableKeys(): string[] {
    return this.cat.tableKeys();
  }
  viewKeys(): string[] {
    return this.cat.viewKeys();
  }
  triggerList(): ReturnType<Catalog['triggerList']> {
    return this.cat.triggerList();
  }
  table(key: string): ReturnType<Catalog['table']> {
    return this.cat.table(key);
  }
  schemaRows(): ReturnType<Catalog['schemaRows']> {
    return this.cat.schemaRows();
  }
}

const prefixCaches = new WeakMap<VersionControl, PrefixCache>();

export class SessionVersion implements SessionVersionHooks, SessionState {
  /** Branch the session is on (a pinned session: the branch its version came from). */
  branch: string;
  /** A read-only past version (USE BRANCH b AS OF …). */
  pinned: { commit: CID; label: string } | undefined;
  /** Author of this session's commits (default: the database's). */
  author: string | undefined;
  /** Message for the next commit (cleared when used). */
  nextMessage: string | undefined;
  readonly hooks: Pick<PlannerContext, 'asOf' | 'tableFunction' | 'functions'>;
  readonly prefixes: PrefixCache;
  private bindings: Binding[] | undefined;
  private session!: Session;

  constructor(
    readonly vc: VersionControl,
    branch: string,
  ) {
    this.branch = branch;
    let p = prefixCaches.get(vc);
    if (!p) prefixCaches.set(vc, (p = new PrefixCache()));
    this.prefixes = p;
    const functions = new Map<string, ScalarFunction>([
      ['active_branch', { name: 'active_branch', minArgs: 0, maxArgs: 0, deterministic: false, call: () => this.branch }],
      [
        'heliosdb_hashof',
        {
          name: 'heliosdb_hashof',
          minArgs: 1,
          maxArgs: 1,
          deterministic: false,
          call: (args) => (args[0] === null ? null : this.resolveRef(String(args[0])).toString()),
        },
      ],
      [
        'heliosdb_merge_base',
        {
          name: 'heliosdb_merge_base',
          minArgs: 2,
          maxArgs: 2,
          deterministic: false,
          call: (args) => {
            if (args[0] === null || args[1] === null) return null;
            const a = this.resolveRef(String(args[0]));
            const b = this.resolveRef(String(args[1]));
            return this.vc.refs.mergeBase(a, b)?.toString() ?? null;
          },
        },
      ],
    ]);
    this.hooks = {
      asOf: (spec, params) => this.asOfCatalog(spec, params),
      tableFunction: (name, args, params) => this.tableFunction(name, args, params),
      functions,
    };
  }

  /** Bind to the SQL session (called once by the session). */
  attach(session: Session): void {
    this.session = session;
    this.vc.sessions.add(this);
  }

  /** The session closed: forget it. */
  detach(): void {
    this.vc.sessions.delete(this);
  }

  get sqlSession(): Session {
    return this.session;
  }

  /** The branch name, or `b AS OF …` for a pinned session. */
  get label(): string {
    return this.pinned ? this.pinned.label : this.branch;
  }

  resolveRef(text: string): CID {
    return resolveRefSync(this.vc.refs, text, this.prefixes).commit;
  }

  /** The commit the session reads: its pinned version or its branch head. */
  currentCommit(): CID {
    return this.pinned?.commit ?? this.vc.refs.requireBranch(this.branch).head;
  }

  // ───────────────────────────── SessionVersionHooks ─────────────────────────────

  checkWritable(): void {
    if (this.pinned) throw new ReadOnlyBranchError(this.branch);
    const b = this.vc.refs.getBranch(this.branch);
    if (b?.readOnly) throw new ReadOnlyBranchError(this.branch);
  }

  commitInfo(): { message?: string; author?: string } {
    const out: { message?: string; author?: string } = {};
    if (this.nextMessage !== undefined) out.message = this.nextMessage;
    if (this.author !== undefined) out.author = this.author;
    this.nextMessage = undefined;
    return out;
  }

  beginCompile(): void {
    this.bindings = [];
  }

  endCompile(c: Compiled): void {
    const list = this.bindings;
    this.bindings = undefined;
    if (!list || list.length === 0) return;
    if (list.every((b) => b.stable && !b.hasParam && !b.placeholder)) return;
    c.valid = (params) => this.stillValid(list, params);
  }

  isVersionStatement(stmt: Statement): boolean {
    switch (stmt.kind) {
      case 'useBranch':
      case 'createBranch':
      case 'dropBranch':
      case 'alterBranch':
      case 'show':
      case 'createTag':
      case 'dropTag':
      case 'mergeBranch':
      case 'mergeContinue':
      case 'mergeAbort':
      case 'resolveConflicts':
      case 'call':
        return true;
      default:
        return false;
    }
  }

  execute(stmt: Statement, params: SqlValue[]): Promise<ExecResult> {
    return runVersionStatement(this, stmt, params);
  }

  /** Load what the AS OF clauses of `stmt` need (ref logs, commit-id prefixes). */
  async warm(stmt: Statement, params: readonly SqlValue[]): Promise<void> {
    const specs: AsOf[] = [];
    const texts: string[] = [];
    collectAsOf(stmt, specs, 0, texts);
    for (const t of [...texts, ...params.filter((p): p is string => typeof p === 'string')]) {
      const base = t.split(/[~^]/, 1)[0]!;
      if (!looksLikeCidPrefix(base) || this.prefixes.get(base)) continue;
      try {
        const r = await this.vc.refs.resolve(base);
        if (r.kind === 'commit') this.prefixes.set(base, r.commit);
      } catch {
        // not a commit id: the statement reports it
      }
    }
    for (const spec of specs) {
      const v = evalConst(spec.expr, undefined, params);
      if (v === UNKNOWN) continue;
      await resolveAsOf(this.vc.refs, this.branch, spec.kind, v, this.prefixes);
    }
  }

  // ───────────────────────────── AS OF ─────────────────────────────

  /** Resolve an AS OF value on this session's branch (reading what is needed). */
  async resolve(spec: AsOf, params: readonly SqlValue[] = [], branch = this.branch): Promise<Resolution> {
    const v = evalConst(spec.expr, undefined, params);
    if (v === UNKNOWN) throw new SqlError('SQL_ERROR', 'AS OF value missing');
    return resolveAsOf(this.vc.refs, branch, spec.kind, v, this.prefixes);
  }

  private asOfCatalog(spec: AsOf, map: ParamMap): SchemaSource & TxnAccess {
    const params = this.session.execParams;
    const v = evalConst(spec.expr, map, params);
    const b: Omit<Binding, 'handle'> = { spec, map, hasParam: hasParam(spec.expr), stable: false, placeholder: false, rootKey: '' };
    let catalog: Catalog;
    if (v === UNKNOWN) {
      b.placeholder = true;
      catalog = this.vc.catalogAt(this.vc.rootOf(this.currentCommit()));
    } else {
      let r: Resolution | undefined;
      try {
        r = resolveAsOfSync(this.vc.refs, this.branch, spec.kind, v, this.prefixes);
      } catch (e) {
        if (!(e instanceof NeedsAsyncError) || params !== undefined) throw e;
      }
      if (r) {
        b.stable = r.stable;
        catalog = this.vc.catalogAt(this.vc.rootOf(r.commit));
      } else {
        b.placeholder = true;
        catalog = this.vc.catalogAt(this.vc.rootOf(this.currentCommit()));
      }
    }
    b.rootKey = catalog.rootCid!.toString();
    const handle = new SnapshotHandle(catalog);
    this.bindings?.push({ ...b, handle });
    return handle;
  }

  private stillValid(list: Binding[], params: SqlValue[] | undefined): boolean {
    for (const b of list) {
      if (b.stable && !b.hasParam && !b.placeholder) continue;
      if (params === undefined) continue;
      const v = evalConst(b.spec.expr, b.map, params);
      if (v === UNKNOWN) continue;
      if (b.placeholder) return false;
      const r = resolveAsOfSync(this.vc.refs, this.branch, b.spec.kind, v, this.prefixes);
      const root = this.vc.rootOf(r.commit);
      const key = root.toString();
      if (key === b.rootKey) continue;
      const cat = this.vc.catalogAt(root);
      if (cat.schemaKey !== b.handle.cat.schemaKey) return false;
      b.handle.cat = cat;
      b.rootKey = key;
    }
    return true;
  }

  // ───────────────────────────── system tables ─────────────────────────────

  private tableFunction(name: string, args: Expr[], map: ParamMap): PlanNode | undefined {
    if (!name.startsWith('heliosdb_')) return undefined;
    const values: SqlValue[] = [];
    for (const a of args) {
      const v = evalConst(a, map, this.session.execParams);
      values.push(v === UNKNOWN ? null : v);
    }
    return systemTable(this, name, values);
  }

  /** The engine the session's SQL runs on. */
  get engine(): Engine {
    return this.session.engine;
  }
}

/** Every AS OF clause of table references and every text literal in a statement (a generic walk of the AST). */
function collectAsOf(node: unknown, out: AsOf[], depth: number, texts: string[]): void {
  if (depth > 200 || node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const x of node) collectAsOf(x, out, depth + 1, texts);
    return;
  }
  if (node instanceof Uint8Array) return;
  const o = node as Record<string, unknown>;
  if (o.kind === 'table' && o.asOf && typeof o.asOf === 'object') out.push(o.asOf as AsOf);
  if (o.kind === 'literal' && typeof o.value === 'string') texts.push(o.value);
  for (const k of Object.keys(o)) {
    if (k === 'pos') continue;
    collectAsOf(o[k], out, depth + 1, texts);
  }
}
