/*
 * HeliosDB Nano SQL — lexer.
 *
 * SQLite's lexical rules (keywords are case-insensitive; identifiers may be written "x", [x]
 * or `x`; strings use '' escapes; X'..' blobs; ?, ?NNN, :name, @name, $name, #name parameters;
 * -- and /* comments, where an unterminated block comment runs to the end of the text)
 * plus the keywords of the version-control statements.
 *
 * The lexer never fails: a character that starts no token becomes UNEXPECTED_CHAR, and
 * malformed literals (unterminated strings, 123abc, X'ABC') become BAD_* tokens, so that the
 * parser can report them the way SQLite does ("unrecognized token: ...").
 *
 * Generated with `npm run grammar` (antlr-ng) into ./generated; keep the keyword list in
 * sync with the identifier rules of HeliosSQLParser.g4.
 */
lexer grammar HeliosSQLLexer;

options {
    caseInsensitive = true;
}

SCOL      : ';';
DOT       : '.';
OPEN_PAR  : '(';
CLOSE_PAR : ')';
COMMA     : ',';
STAR      : '*';
PLUS      : '+';
PTR2      : '->>';
PTR       : '->';
MINUS     : '-';
TILDE     : '~';
PIPE2     : '||';
DIV       : '/';
MOD       : '%';
LT2       : '<<';
GT2       : '>>';
AMP       : '&';
PIPE      : '|';
LT_EQ     : '<=';
NOT_EQ2   : '<>';
LT        : '<';
GT_EQ     : '>=';
GT        : '>';
EQ2       : '==';
EQ        : '=';
NOT_EQ1   : '!=';

// ---- keywords (SQLite) -------------------------------------------------------------------
ABORT             : 'abort';
ACTION            : 'action';
ADD               : 'add';
AFTER             : 'after';
ALL               : 'all';
ALTER             : 'alter';
ALWAYS            : 'always';
ANALYZE           : 'analyze';
AND               : 'and';
AS                : 'as';
ASC               : 'asc';
ATTACH            : 'attach';
AUTOINCREMENT     : 'autoincrement';
BEFORE            : 'before';
BEGIN             : 'begin';
BETWEEN           : 'between';
BY                : 'by';
CASCADE           : 'cascade';
CASE              : 'case';
CAST              : 'cast';
CHECK             : 'check';
COLLATE           : 'collate';
COLUMN            : 'column';
COMMIT            : 'commit';
CONFLICT          : 'conflict';
CONSTRAINT        : 'constraint';
CREATE            : 'create';
CROSS             : 'cross';
CURRENT_DATE      : 'current_date';
CURRENT_TIME      : 'current_time';
CURRENT_TIMESTAMP : 'current_timestamp';
DATABASE          : 'database';
DEFAULT           : 'default';
DEFERRABLE        : 'deferrable';
DEFERRED          : 'deferred';
DELETE            : 'delete';
DESC              : 'desc';
DETACH            : 'detach';
DISTINCT          : 'distinct';
DO                : 'do';
DROP              : 'drop';
EACH              : 'each';
ELSE              : 'else';
END               : 'end';
ESCAPE            : 'escape';
EXCEPT            : 'except';
EXCLUSIVE         : 'exclusive';
EXISTS            : 'exists';
EXPLAIN           : 'explain';
FAIL              : 'fail';
FALSE             : 'false';
FILTER            : 'filter';
FIRST             : 'first';
FOR               : 'for';
FOREIGN           : 'foreign';
FROM              : 'from';
FULL              : 'full';
GENERATED         : 'generated';
GLOB              : 'glob';
GROUP             : 'group';
HAVING            : 'having';
IF                : 'if';
IGNORE            : 'ignore';
IMMEDIATE         : 'immediate';
IN                : 'in';
INDEX             : 'index';
INDEXED           : 'indexed';
INITIALLY         : 'initially';
INNER             : 'inner';
INSERT            : 'insert';
INSTEAD           : 'instead';
INTERSECT         : 'intersect';
INTO              : 'into';
IS                : 'is';
ISNULL            : 'isnull';
JOIN              : 'join';
KEY               : 'key';
LAST              : 'last';
LEFT              : 'left';
LIKE              : 'like';
LIMIT             : 'limit';
MATCH             : 'match';
MATERIALIZED      : 'materialized';
NATURAL           : 'natural';
NO                : 'no';
NOT               : 'not';
NOTHING           : 'nothing';
NOTNULL           : 'notnull';
NULL              : 'null';
NULLS             : 'nulls';
OF                : 'of';
OFFSET            : 'offset';
ON                : 'on';
OR                : 'or';
ORDER             : 'order';
OUTER             : 'outer';
PLAN              : 'plan';
PRAGMA            : 'pragma';
PRIMARY           : 'primary';
QUERY             : 'query';
RAISE             : 'raise';
RECURSIVE         : 'recursive';
REFERENCES        : 'references';
REGEXP            : 'regexp';
REINDEX           : 'reindex';
RELEASE           : 'release';
RENAME            : 'rename';
REPLACE           : 'replace';
RESTRICT          : 'restrict';
RETURNING         : 'returning';
RIGHT             : 'right';
ROLLBACK          : 'rollback';
ROW               : 'row';
SAVEPOINT         : 'savepoint';
SELECT            : 'select';
SET               : 'set';
STORED            : 'stored';
TABLE             : 'table';
TEMP              : 'temp';
TEMPORARY         : 'temporary';
THEN              : 'then';
TO                : 'to';
TRANSACTION       : 'transaction';
TRIGGER           : 'trigger';
TRUE              : 'true';
UNION             : 'union';
UNIQUE            : 'unique';
UPDATE            : 'update';
USING             : 'using';
VACUUM            : 'vacuum';
VALUES            : 'values';
VIEW              : 'view';
VIRTUAL           : 'virtual';
WHEN              : 'when';
WHERE             : 'where';
WITH              : 'with';
WITHOUT           : 'without';

// ---- keywords (ALTER COLUMN, version control) ----------------------------------------------
BRANCH            : 'branch';
BRANCHES          : 'branches';
CALL              : 'call';
COMMENT           : 'comment';
CONFLICTS         : 'conflicts';
CONTINUE          : 'continue';
DATA              : 'data';
MERGE             : 'merge';
MESSAGE           : 'message';
ONLY              : 'only';
OURS              : 'ours';
READ              : 'read';
RESOLVE           : 'resolve';
SCN               : 'scn';
SHOW              : 'show';
SYSTEM_TIME       : 'system_time';
TABLES            : 'tables';
TAG               : 'tag';
TAGS              : 'tags';
THEIRS            : 'theirs';
TIMESTAMP         : 'timestamp';
TYPE              : 'type';
USE               : 'use';
WRITE             : 'write';

// ---- keywords (window functions) -------------------------------------------------------------
CURRENT           : 'current';
EXCLUDE           : 'exclude';
FOLLOWING         : 'following';
GROUPS            : 'groups';
OTHERS            : 'others';
OVER              : 'over';
PARTITION         : 'partition';
PRECEDING         : 'preceding';
RANGE             : 'range';
ROWS              : 'rows';
TIES              : 'ties';
UNBOUNDED         : 'unbounded';
WINDOW            : 'window';

// ---- identifiers, literals, parameters -----------------------------------------------------
IDENTIFIER
    : ([a-z_] | NON_ASCII) ([a-z_0-9$] | NON_ASCII)*
    ;

QUOTED_IDENTIFIER   : '"' (~'"' | '""')* '"';
BACKTICK_IDENTIFIER : '`' (~'`' | '``')* '`';
BRACKET_IDENTIFIER  : '[' ~']'* ']';

NUMERIC_LITERAL
    : DIGIT+ ('.' DIGIT*)? EXPONENT?
    | '.' DIGIT+ EXPONENT?
    ;

HEX_LITERAL : '0x' HEX_DIGIT+;

STRING_LITERAL : '\'' (~'\'' | '\'\'')* '\'';

BLOB_LITERAL : 'x' '\'' (HEX_DIGIT HEX_DIGIT)* '\'';

BIND_PARAMETER
    : '?' DIGIT*
    | [:@$#] ([a-z_0-9$] | NON_ASCII)+
    ;

SINGLE_LINE_COMMENT : '--' ~[\r\n]* -> skip;
MULTILINE_COMMENT   : '/*' .*? ('*/' | EOF) -> skip;
SPACES              : [ \t\r\n\f\u000B\uFEFF]+ -> skip; // \uFEFF: a byte-order mark from a file

// ---- malformed input (reported by the parser as "unrecognized token") -----------------------
BAD_NUMBER
    : (DIGIT+ ('.' DIGIT*)? | '.' DIGIT+) ('e' [-+]? DIGIT*)? ([a-z_$] | NON_ASCII) ([a-z_0-9$] | NON_ASCII)*
    | DIGIT+ ('.' DIGIT*)? 'e' [-+]?
    ;
BAD_BLOB              : 'x' '\'' ~'\''* '\'';
UNTERMINATED_STRING   : '\'' (~'\'' | '\'\'')*;
UNTERMINATED_BLOB     : 'x' '\'' ~'\''*;
UNTERMINATED_QUOTED   : '"' (~'"' | '""')* | '`' (~'`' | '``')* | '[' ~']'*;
UNEXPECTED_CHAR       : .;

fragment DIGIT     : [0-9];
/** Every character ≥ U+0080 is a name character, as in SQLite, except U+FEFF (a byte-order mark, skipped as space). */
fragment NON_ASCII : [\u0080-\uFEFE\uFF00-\uFFFF];
fragment HEX_DIGIT : [0-9a-f];
fragment EXPONENT  : 'e' [-+]? DIGIT+;
