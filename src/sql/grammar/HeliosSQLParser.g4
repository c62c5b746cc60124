/*
 * HeliosDB Nano SQL — parser.
 *
 * SQLite's syntax (everything the sqllogictest corpus and everyday SQLite code use) plus the
 * schema-migration ALTER TABLE forms and the version-control statements of HeliosDB Nano.
 * src/sql/parser/build.ts turns the parse tree into the AST of src/sql/ast.ts.
 *
 * Written for speed as much as for clarity; read before editing:
 * - The parser runs in SLL mode first and falls back to LL only when SLL fails, so every
 *   decision is decidable with a few tokens of lookahead: the script rule is
 *   `statement? (';' statement?)*` (never `(statement? ';')*`, which would scan whole
 *   statements ahead), and WITH is factored out of the DML statements.
 * - Every rule invocation allocates a context object, so the tree is kept shallow: no
 *   labelled alternatives (the builder looks at the first child instead; scripts/grammar.mjs
 *   relies on this too), name rules are flat token sets, literal tokens sit directly in
 *   valueExpr, and a column reference costs three contexts (expr, valueExpr, identifier).
 * - Operator precedence is exactly SQLite's (lang_expr.html and parse.y), lowest first: OR;
 *   AND; NOT; the comparison level (= == != <> IS [NOT] IS [NOT] DISTINCT FROM BETWEEN IN LIKE
 *   GLOB MATCH REGEXP ISNULL NOTNULL NOT NULL); < <= > >=; ESCAPE; & | << >>; + -; * / %;
 *   || -> ->>; COLLATE; unary - + ~.
 *   `expr` is the flat list `valueExpr ((AND|OR) valueExpr)*` whose precedence the builder
 *   applies; valueExpr is one left-recursive rule for everything above AND. As in SQLite's
 *   LALR grammar: the binary comparison operators and BETWEEN share one alternative (one
 *   left-associative level); the middle operand of BETWEEN is a whole valueExpr (it can hold
 *   =, LIKE or another BETWEEN, never AND/OR); the closed postfix forms (IN (...), ISNULL,
 *   NOTNULL, NOT NULL) sit one level lower, so `a = b IN (1)` is `(a = b) IN (1)` while
 *   `x IN (1) + 1` is `(x IN (1)) + 1`; prefix NOT is the lowest valueExpr level, so
 *   `1 + NOT 2 = 3` is `1 + (NOT (2 = 3))`; `p ESCAPE e` is a level above < and the builder
 *   takes it apart as the pattern of LIKE (anywhere else it is a syntax error).
 *   test/sql/parser/precedence.test.ts checks all of this against SQLite itself.
 * - Ambiguities are resolved by ANTLR in favour of the first alternative / the greedy loop:
 *   keywords win over identifiers (TRUE, CURRENT_TIME, ...) and AS OF wins over an alias
 *   named "of".
 * - SQLite lets most keywords be used as names (its %fallback ID list); the name rules at the
 *   end list them, plus every version-control keyword. Aliases written without AS exclude
 *   the join keywords (LEFT, CROSS, NATURAL, ...).
 */
parser grammar HeliosSQLParser;

options {
    tokenVocab = HeliosSQLLexer;
}

// ---- entry points ---------------------------------------------------------------------------

script
    : statement? (SCOL statement?)* EOF
    ;

singleExpression
    : expr EOF
    ;

statement
    : (EXPLAIN (QUERY PLAN)?)? coreStatement
    ;

coreStatement
    : dmlStatement
    | createTableStmt
    | createIndexStmt
    | createViewStmt
    | createTriggerStmt
    | createBranchStmt
    | createTagStmt
    | dropStmt
    | dropBranchStmt
    | dropTagStmt
    | alterTableStmt
    | alterBranchStmt
    | beginStmt
    | commitStmt
    | rollbackStmt
    | savepointStmt
    | releaseStmt
    | pragmaStmt
    | analyzeStmt
    | vacuumStmt
    | reindexStmt
    | useBranchStmt
    | showStmt
    | mergeBranchStmt
    | mergeControlStmt
    | resolveStmt
    | callStmt
    ;

// ---- DML ------------------------------------------------------------------------------------

dmlStatement
    : withClause? (selectNoWith | insertBody | updateBody | deleteBody)
    ;

selectStmt
    : withClause? selectNoWith
    ;

withClause
    : WITH RECURSIVE? commonTableExpr (COMMA commonTableExpr)*
    ;

commonTableExpr
    : anyName (OPEN_PAR anyName (COMMA anyName)* CLOSE_PAR)? AS (NOT? MATERIALIZED)? OPEN_PAR selectStmt CLOSE_PAR
    ;

selectNoWith
    : selectCore (compoundOperator selectCore)* orderByClause? limitClause?
    ;

compoundOperator
    : UNION ALL?
    | INTERSECT
    | EXCEPT
    ;

selectCore
    : SELECT (DISTINCT | ALL)? resultColumn (COMMA resultColumn)* (FROM fromClause)? (WHERE where_=expr)?
      (GROUP BY groupBy+=expr (COMMA groupBy+=expr)*)? (HAVING having=expr)?
      (WINDOW windowDefn (COMMA windowDefn)*)?
    | VALUES valuesRow (COMMA valuesRow)*
    ;

valuesRow
    : OPEN_PAR expr (COMMA expr)* CLOSE_PAR
    ;

resultColumn
    : STAR
    | identifier DOT STAR
    | expr (AS anyName | implicitAlias)?
    ;

fromClause
    : tableOrSubquery (joinOperator tableOrSubquery joinConstraint?)*
    ;

joinOperator
    : COMMA
    | NATURAL? (LEFT OUTER? | RIGHT OUTER? | FULL OUTER? | INNER | CROSS)? JOIN
    ;

joinConstraint
    : ON expr
    | USING OPEN_PAR anyName (COMMA anyName)* CLOSE_PAR
    ;

tableOrSubquery
    : qualifiedName asOfClause? (AS anyName | implicitAlias)? indexHint?
    | qualifiedName OPEN_PAR (expr (COMMA expr)*)? CLOSE_PAR (AS anyName | implicitAlias)?
    | OPEN_PAR selectStmt CLOSE_PAR (AS anyName | implicitAlias)?
    | OPEN_PAR fromClause CLOSE_PAR
    ;

indexHint
    : INDEXED BY anyName
    | NOT INDEXED
    ;

asOfClause
    : (FOR SYSTEM_TIME)? AS OF (TIMESTAMP expr | TRANSACTION expr | SCN expr | STRING_LITERAL | BIND_PARAMETER)
    ;

orderByClause
    : ORDER BY orderingTerm (COMMA orderingTerm)*
    ;

orderingTerm
    : expr (ASC | DESC)? (NULLS (FIRST | LAST))?
    ;

limitClause
    : LIMIT limit=expr ((OFFSET | COMMA) offset=expr)?
    ;

insertBody
    : (INSERT (OR conflictAction)? | REPLACE) INTO qualifiedName (AS alias=anyName)?
      (OPEN_PAR anyName (COMMA anyName)* CLOSE_PAR)?
      (selectStmt upsertClause* | DEFAULT VALUES) returningClause?
    ;

upsertClause
    : ON CONFLICT (OPEN_PAR indexedColumn (COMMA indexedColumn)* CLOSE_PAR (WHERE targetWhere=expr)?)?
      DO (NOTHING | UPDATE SET setClause (COMMA setClause)* (WHERE where_=expr)?)
    ;

setClause
    : (anyName | OPEN_PAR anyName (COMMA anyName)* CLOSE_PAR) EQ expr
    ;

returningClause
    : RETURNING resultColumn (COMMA resultColumn)*
    ;

updateBody
    : UPDATE (OR conflictAction)? qualifiedName (AS anyName)? indexHint?
      SET setClause (COMMA setClause)* (FROM fromClause)? (WHERE where_=expr)?
      returningClause? orderByClause? limitClause?
    ;

deleteBody
    : DELETE FROM qualifiedName (AS anyName)? indexHint? (WHERE where_=expr)?
      returningClause? orderByClause? limitClause?
    ;

conflictAction
    : ROLLBACK
    | ABORT
    | FAIL
    | IGNORE
    | REPLACE
    ;

// ---- DDL ------------------------------------------------------------------------------------

createTableStmt
    : CREATE (TEMP | TEMPORARY)? TABLE (IF NOT EXISTS)? qualifiedName
      ( OPEN_PAR columnDef (COMMA columnDef)* (COMMA tableConstraint (COMMA? tableConstraint)*)? CLOSE_PAR
        (tableOption (COMMA tableOption)*)?
      | AS selectStmt
      )
    ;

tableOption
    : WITHOUT anyName
    | anyName
    ;

columnDef
    : anyName typeName? columnConstraint*
    ;

typeName
    : anyName+ (OPEN_PAR signedNumber (COMMA signedNumber)? CLOSE_PAR)?
    ;

signedNumber
    : (PLUS | MINUS)? (NUMERIC_LITERAL | HEX_LITERAL)
    ;

columnConstraint
    : (CONSTRAINT anyName)?
      ( PRIMARY KEY (ASC | DESC)? conflictClause? AUTOINCREMENT?
      | NOT NULL conflictClause?
      | NULL conflictClause?
      | UNIQUE conflictClause?
      | CHECK OPEN_PAR expr CLOSE_PAR
      | DEFAULT defaultValue
      | COLLATE anyName
      | foreignKeyClause
      | (GENERATED ALWAYS)? AS OPEN_PAR expr CLOSE_PAR (STORED | VIRTUAL)?
      )
    ;

defaultValue
    : OPEN_PAR expr CLOSE_PAR
    | (PLUS | MINUS)? (NUMERIC_LITERAL | HEX_LITERAL)
    | STRING_LITERAL | BLOB_LITERAL | NULL | TRUE | FALSE | CURRENT_TIME | CURRENT_DATE | CURRENT_TIMESTAMP
    | identifier
    ;

conflictClause
    : ON CONFLICT conflictAction
    ;

foreignKeyClause
    : REFERENCES anyName (OPEN_PAR anyName (COMMA anyName)* CLOSE_PAR)? foreignKeyOption* deferrableClause?
    ;

foreignKeyOption
    : ON (DELETE | UPDATE) foreignKeyAction
    | MATCH anyName
    ;

foreignKeyAction
    : SET NULL
    | SET DEFAULT
    | CASCADE
    | RESTRICT
    | NO ACTION
    ;

deferrableClause
    : NOT? DEFERRABLE (INITIALLY (DEFERRED | IMMEDIATE))?
    ;

tableConstraint
    : (CONSTRAINT anyName)?
      ( PRIMARY KEY OPEN_PAR indexedColumn (COMMA indexedColumn)* AUTOINCREMENT? CLOSE_PAR conflictClause?
      | UNIQUE OPEN_PAR indexedColumn (COMMA indexedColumn)* CLOSE_PAR conflictClause?
      | CHECK OPEN_PAR expr CLOSE_PAR conflictClause?
      | FOREIGN KEY OPEN_PAR anyName (COMMA anyName)* CLOSE_PAR foreignKeyClause
      )
    ;

indexedColumn
    : expr (ASC | DESC)?
    ;

createIndexStmt
    : CREATE UNIQUE? INDEX (IF NOT EXISTS)? qualifiedName ON anyName
      OPEN_PAR indexedColumn (COMMA indexedColumn)* CLOSE_PAR (WHERE where_=expr)?
    ;

createViewStmt
    : CREATE (TEMP | TEMPORARY)? VIEW (IF NOT EXISTS)? qualifiedName
      (OPEN_PAR anyName (COMMA anyName)* CLOSE_PAR)? AS selectStmt
    ;

createTriggerStmt
    : CREATE (TEMP | TEMPORARY)? TRIGGER (IF NOT EXISTS)? qualifiedName (BEFORE | AFTER | INSTEAD OF)?
      (DELETE | INSERT | UPDATE (OF anyName (COMMA anyName)*)?) ON qualifiedName
      (FOR EACH ROW)? (WHEN when=expr)? BEGIN (dmlStatement SCOL)+ END
    ;

dropStmt
    : DROP (TABLE | INDEX | VIEW | TRIGGER) (IF EXISTS)? qualifiedName
    ;

alterTableStmt
    : ALTER TABLE qualifiedName
      ( RENAME TO anyName
      | RENAME COLUMN? anyName TO anyName
      | ADD COLUMN? columnDef
      | ADD tableConstraint
      | DROP COLUMN? (IF EXISTS)? anyName
      | DROP CONSTRAINT (IF EXISTS)? anyName
      | DROP PRIMARY KEY
      | ALTER COLUMN? anyName alterColumnAction
      )
    ;

alterColumnAction
    : (SET DATA)? TYPE typeName (USING expr)?
    | SET NOT NULL
    | DROP NOT NULL
    | SET DEFAULT defaultValue
    | DROP DEFAULT
    ;

// ---- transactions and administration ------------------------------------------------------

beginStmt
    : BEGIN (DEFERRED | IMMEDIATE | EXCLUSIVE)? (TRANSACTION anyName?)?
    ;

commitStmt
    : (COMMIT | END) TRANSACTION?
    ;

rollbackStmt
    : ROLLBACK TRANSACTION? (TO SAVEPOINT? anyName)?
    ;

savepointStmt
    : SAVEPOINT anyName
    ;

releaseStmt
    : RELEASE SAVEPOINT? anyName
    ;

pragmaStmt
    : PRAGMA qualifiedName (EQ pragmaValue | OPEN_PAR pragmaValue CLOSE_PAR)?
    ;

pragmaValue
    : signedNumber
    | anyName
    | ON
    | DELETE
    | DEFAULT
    ;

analyzeStmt
    : ANALYZE qualifiedName?
    ;

vacuumStmt
    : VACUUM anyName?
    ;

reindexStmt
    : REINDEX qualifiedName?
    ;

// ---- version control ------------------------------------------------------------------------

useBranchStmt
    : USE BRANCH anyName asOfClause?
    ;

createBranchStmt
    : CREATE BRANCH (IF NOT EXISTS)? name_=anyName (FROM from=anyName)? asOfClause? (READ ONLY)?
      (COMMENT comment=STRING_LITERAL)?
    ;

dropBranchStmt
    : DROP BRANCH (IF EXISTS)? anyName
    ;

alterBranchStmt
    : ALTER BRANCH name_=anyName
      ( SET READ (ONLY | WRITE)
      | RENAME TO to=anyName
      | SET COMMENT comment=STRING_LITERAL
      )
    ;

showStmt
    : SHOW (BRANCHES | TAGS | TABLES) asOfClause?
    ;

createTagStmt
    : CREATE TAG name_=anyName (FROM from=anyName)? asOfClause? (MESSAGE message=STRING_LITERAL)?
    ;

dropTagStmt
    : DROP TAG (IF EXISTS)? anyName
    ;

mergeBranchStmt
    : MERGE BRANCH source=anyName (INTO into=anyName)? (WITH OPEN_PAR mergeOption (COMMA mergeOption)* CLOSE_PAR)?
    ;

mergeOption
    : anyName (EQ? anyName)?
    ;

mergeControlStmt
    : MERGE (CONTINUE | ABORT)
    ;

resolveStmt
    : RESOLVE CONFLICTS (ON qualifiedName)? (WHERE where_=expr)? USING (OURS | THEIRS)
    ;

callStmt
    : CALL qualifiedName (OPEN_PAR (expr (COMMA expr)*)? CLOSE_PAR)?
    ;

// ---- expressions ----------------------------------------------------------------------------

/** AND/OR (and their precedence) are applied by the builder over this flat list. */
expr
    : valueExpr ((AND | OR) valueExpr)*
    ;

/** Every level above AND, highest precedence first (alternatives of a left-recursive rule). */
valueExpr
    : NUMERIC_LITERAL
    | STRING_LITERAL
    | NULL
    | HEX_LITERAL
    | BLOB_LITERAL
    | TRUE
    | FALSE
    | CURRENT_TIME
    | CURRENT_DATE
    | CURRENT_TIMESTAMP
    | BIND_PARAMETER
    | CAST OPEN_PAR expr AS typeName? CLOSE_PAR
    | CASE expr? (WHEN expr THEN expr)+ (ELSE expr)? END
    | EXISTS OPEN_PAR selectStmt CLOSE_PAR
    | RAISE OPEN_PAR (IGNORE | (ROLLBACK | ABORT | FAIL) COMMA STRING_LITERAL) CLOSE_PAR
    | functionName OPEN_PAR functionArgs? CLOSE_PAR filterClause? overClause?
    | OPEN_PAR selectStmt CLOSE_PAR
    | OPEN_PAR expr (COMMA expr)* CLOSE_PAR
    | identifier (DOT identifier (DOT identifier)?)?
    | (MINUS | PLUS | TILDE) valueExpr
    | valueExpr COLLATE anyName
    | valueExpr (PIPE2 | PTR | PTR2) valueExpr
    | valueExpr (STAR | DIV | MOD) valueExpr
    | valueExpr (PLUS | MINUS) valueExpr
    | valueExpr (AMP | PIPE | LT2 | GT2) valueExpr
    | valueExpr ESCAPE valueExpr
    | valueExpr (LT | LT_EQ | GT | GT_EQ) valueExpr
    | valueExpr (eqOperator | NOT? BETWEEN valueExpr AND) valueExpr
    | valueExpr (NOT? IN inTarget | ISNULL | NOTNULL | NOT NULL)
    | NOT valueExpr
    ;

eqOperator
    : EQ
    | EQ2
    | NOT_EQ1
    | NOT_EQ2
    | IS NOT? (DISTINCT FROM)?
    | NOT? (LIKE | GLOB | REGEXP | MATCH)
    ;

inTarget
    : OPEN_PAR selectStmt CLOSE_PAR
    | OPEN_PAR (expr (COMMA expr)*)? CLOSE_PAR
    | qualifiedName (OPEN_PAR (expr (COMMA expr)*)? CLOSE_PAR)?
    ;

functionArgs
    : STAR
    | (DISTINCT | ALL)? expr (COMMA expr)* orderByClause?
    ;

filterClause
    : FILTER OPEN_PAR WHERE expr CLOSE_PAR
    ;

// ---- window functions (SQLite's window-defn / frame-spec) -------------------------------------

overClause
    : OVER (OPEN_PAR windowSpec CLOSE_PAR | anyName)
    ;

windowDefn
    : anyName AS OPEN_PAR windowSpec CLOSE_PAR
    ;

/** `base` names a window of the WINDOW clause this one extends. */
windowSpec
    : base=identifier? (PARTITION BY expr (COMMA expr)*)? orderByClause? frameSpec?
    ;

frameSpec
    : (RANGE | ROWS | GROUPS) (BETWEEN frameStart AND frameEnd | frameStart) frameExclude?
    ;

/** UNBOUNDED PRECEDING is listed first: it wins over a column named "unbounded". */
frameStart
    : UNBOUNDED PRECEDING
    | CURRENT ROW
    | expr (PRECEDING | FOLLOWING)
    ;

frameEnd
    : UNBOUNDED FOLLOWING
    | CURRENT ROW
    | expr (PRECEDING | FOLLOWING)
    ;

frameExclude
    : EXCLUDE (NO OTHERS | CURRENT ROW | GROUP | TIES)
    ;

// ---- names ----------------------------------------------------------------------------------

qualifiedName
    : (schema=anyName DOT)? name_=anyName
    ;

/** A name in a definition or outside expressions: an identifier or a 'string' (as SQLite allows). */
anyName
    : STRING_LITERAL | IDENTIFIER | QUOTED_IDENTIFIER | BRACKET_IDENTIFIER | BACKTICK_IDENTIFIER
    | ABORT | ACTION | AFTER | ALWAYS | ANALYZE | ASC | ATTACH | BEFORE | BEGIN | BY | CASCADE
    | COLUMN | COMMIT | CONFLICT | DATABASE | DEFERRED | DESC | DETACH | DO | EACH | END | EXCLUSIVE
    | EXPLAIN | FAIL | FILTER | FIRST | FOR | GENERATED | GLOB | IF | IGNORE | IMMEDIATE | INITIALLY
    | INSTEAD | KEY | LAST | LIKE | MATCH | MATERIALIZED | NO | NULLS | OF | OFFSET | PLAN | PRAGMA
    | QUERY | RECURSIVE | REGEXP | REINDEX | RELEASE | RENAME | REPLACE | RESTRICT | ROLLBACK | ROW
    | SAVEPOINT | STORED | TEMP | TEMPORARY | TRIGGER | VACUUM | VIEW | VIRTUAL | WITH | WITHOUT
    | TRANSACTION | BRANCH | BRANCHES | CALL | COMMENT | CONFLICTS | CONTINUE | DATA | MERGE
    | MESSAGE | ONLY | OURS | READ | RESOLVE | SCN | SHOW | SYSTEM_TIME | TABLES | TAG | TAGS
    | THEIRS | TIMESTAMP | TYPE | USE | WRITE | LEFT | RIGHT | FULL | INNER | OUTER | CROSS
    | NATURAL | CAST | RAISE | TRUE | FALSE | CURRENT_DATE | CURRENT_TIME | CURRENT_TIMESTAMP
    | CURRENT | EXCLUDE | FOLLOWING | GROUPS | OTHERS | OVER | PARTITION | PRECEDING | RANGE | ROWS | TIES | UNBOUNDED | WINDOW
    ;

/** A name: a plain or quoted identifier, or a keyword SQLite lets be a name (its %fallback ID
 *  list, plus TRANSACTION, COMMIT, the join keywords and the HeliosDB keywords). */
identifier
    : IDENTIFIER | QUOTED_IDENTIFIER | BRACKET_IDENTIFIER | BACKTICK_IDENTIFIER | ABORT | ACTION
    | AFTER | ALWAYS | ANALYZE | ASC | ATTACH | BEFORE | BEGIN | BY | CASCADE | COLUMN | COMMIT
    | CONFLICT | DATABASE | DEFERRED | DESC | DETACH | DO | EACH | END | EXCLUSIVE | EXPLAIN | FAIL
    | FILTER | FIRST | FOR | GENERATED | GLOB | IF | IGNORE | IMMEDIATE | INITIALLY | INSTEAD | KEY
    | LAST | LIKE | MATCH | MATERIALIZED | NO | NULLS | OF | OFFSET | PLAN | PRAGMA | QUERY
    | RECURSIVE | REGEXP | REINDEX | RELEASE | RENAME | REPLACE | RESTRICT | ROLLBACK | ROW
    | SAVEPOINT | STORED | TEMP | TEMPORARY | TRIGGER | VACUUM | VIEW | VIRTUAL | WITH | WITHOUT
    | TRANSACTION | BRANCH | BRANCHES | CALL | COMMENT | CONFLICTS | CONTINUE | DATA | MERGE
    | MESSAGE | ONLY | OURS | READ | RESOLVE | SCN | SHOW | SYSTEM_TIME | TABLES | TAG | TAGS
    | THEIRS | TIMESTAMP | TYPE | USE | WRITE | LEFT | RIGHT | FULL | INNER | OUTER | CROSS
    | NATURAL | CAST | RAISE | TRUE | FALSE | CURRENT_DATE | CURRENT_TIME | CURRENT_TIMESTAMP
    | CURRENT | EXCLUDE | FOLLOWING | GROUPS | OTHERS | OVER | PARTITION | PRECEDING | RANGE | ROWS | TIES | UNBOUNDED | WINDOW
    ;

/** An alias written without AS: a 'string' or an identifier that is not a join keyword
 *  (so that FROM a LEFT JOIN b is a join). */
implicitAlias
    : STRING_LITERAL | IDENTIFIER | QUOTED_IDENTIFIER | BRACKET_IDENTIFIER | BACKTICK_IDENTIFIER | ABORT | ACTION
    | AFTER | ALWAYS | ANALYZE | ASC | ATTACH | BEFORE | BEGIN | BY | CASCADE | COLUMN | COMMIT
    | CONFLICT | DATABASE | DEFERRED | DESC | DETACH | DO | EACH | END | EXCLUSIVE | EXPLAIN | FAIL
    | FILTER | FIRST | FOR | GENERATED | GLOB | IF | IGNORE | IMMEDIATE | INITIALLY | INSTEAD | KEY
    | LAST | LIKE | MATCH | MATERIALIZED | NO | NULLS | OF | OFFSET | PLAN | PRAGMA | QUERY
    | RECURSIVE | REGEXP | REINDEX | RELEASE | RENAME | REPLACE | RESTRICT | ROLLBACK | ROW
    | SAVEPOINT | STORED | TEMP | TEMPORARY | TRIGGER | VACUUM | VIEW | VIRTUAL | WITH | WITHOUT
    | TRANSACTION | BRANCH | BRANCHES | CALL | COMMENT | CONFLICTS | CONTINUE | DATA | MERGE
    | MESSAGE | ONLY | OURS | READ | RESOLVE | SCN | SHOW | SYSTEM_TIME | TABLES | TAG | TAGS
    | THEIRS | TIMESTAMP | TYPE | USE | WRITE | CAST | RAISE | TRUE | FALSE | CURRENT_DATE
    | CURRENT_TIME | CURRENT_TIMESTAMP
    | CURRENT | EXCLUDE | FOLLOWING | GROUPS | OTHERS | PARTITION | PRECEDING | RANGE | ROWS | TIES | UNBOUNDED
    ;

/** A function name: like identifier but not CAST, RAISE, TRUE, FALSE, CURRENT_* (their own syntax). */
functionName
    : IDENTIFIER | QUOTED_IDENTIFIER | BRACKET_IDENTIFIER | BACKTICK_IDENTIFIER | ABORT | ACTION
    | AFTER | ALWAYS | ANALYZE | ASC | ATTACH | BEFORE | BEGIN | BY | CASCADE | COLUMN | COMMIT
    | CONFLICT | DATABASE | DEFERRED | DESC | DETACH | DO | EACH | END | EXCLUSIVE | EXPLAIN | FAIL
    | FILTER | FIRST | FOR | GENERATED | GLOB | IF | IGNORE | IMMEDIATE | INITIALLY | INSTEAD | KEY
    | LAST | LIKE | MATCH | MATERIALIZED | NO | NULLS | OF | OFFSET | PLAN | PRAGMA | QUERY
    | RECURSIVE | REGEXP | REINDEX | RELEASE | RENAME | REPLACE | RESTRICT | ROLLBACK | ROW
    | SAVEPOINT | STORED | TEMP | TEMPORARY | TRIGGER | VACUUM | VIEW | VIRTUAL | WITH | WITHOUT
    | TRANSACTION | BRANCH | BRANCHES | CALL | COMMENT | CONFLICTS | CONTINUE | DATA | MERGE
    | MESSAGE | ONLY | OURS | READ | RESOLVE | SCN | SHOW | SYSTEM_TIME | TABLES | TAG | TAGS
    | THEIRS | TIMESTAMP | TYPE | USE | WRITE | LEFT | RIGHT | FULL | INNER | OUTER | CROSS
    | NATURAL
    | CURRENT | EXCLUDE | FOLLOWING | GROUPS | OTHERS | PARTITION | PRECEDING | RANGE | ROWS | TIES | UNBOUNDED
    ;

