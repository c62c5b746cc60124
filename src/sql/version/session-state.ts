/**
 * `SessionState`: what the version statements and system tables need from one session's
 * versioning (implemented by `SessionVersion`; kept apart so those modules do not import it).
 */
import type { CID } from '../../hash/index.js';
import type { SqlValue } from '../../objects/index.js';
import type { AsOf } from '../ast.js';
import type { Engine } from '../engine/engine.js';
import type { Session } from '../engine/session.js';
import type { Resolution } from './as-of.js';
import type { VersionControl } from './control.js';

export interface SessionState {
  readonly vc: VersionControl;
  branch: string;
  pinned: { commit: CID; label: string } | undefined;
  author: string | undefined;
  nextMessage: string | undefined;
  readonly label: string;
  readonly engine: Engine;
  readonly sqlSession: Session;
  currentCommit(): CID;
  resolveRef(text: string): CID;
  resolve(spec: AsOf, params?: readonly SqlValue[], branch?: string): Promise<Resolution>;
}
