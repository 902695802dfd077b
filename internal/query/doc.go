// Package query parses, binds and evaluates Baton's SQL: an S3 Select-like
// dialect written in MySQL grammar (parsed by the TiDB parser).
//
// Flow: Parse (syntax and supported constructs) -> Bind (columns against the
// object's Schema) -> one Accumulator per range: Add each record, Partial ->
// aggregate.PartialResult merged across ranges -> Plan.Finalize.
//
// # Supported SQL
//
//	SELECT expr [AS alias], ... | *
//	FROM s3object [[AS] alias]
//	[WHERE cond] [GROUP BY expr|position|alias, ...] [HAVING cond]
//	[ORDER BY expr|position|alias [ASC|DESC], ...] [LIMIT n [OFFSET m] | LIMIT m, n]
//
// Rules:
//
//   - The table is s3object (any case). Joins, other tables, subqueries,
//     UNION, WITH, DISTINCT, window functions, CASE, REGEXP and
//     count(DISTINCT x) are rejected with an *UnsupportedError naming the
//     construct and its line and column.
//   - Aggregates: count(*), count(x), sum, min, max, avg, and expressions
//     over them (sum(a)/count(*)). A query aggregates when it has an
//     aggregate, GROUP BY or HAVING; then every column outside an aggregate
//     must be (inside) a GROUP BY expression. SELECT * cannot aggregate.
//   - Expressions: columns; literals (integers, decimals and floats, 'text',
//     NULL, TRUE/FALSE as 1/0); + - * / % and unary minus; = != <> < <= > >=
//     <=>; AND OR XOR NOT; [NOT] IN (list); [NOT] LIKE with % and _ and
//     ESCAPE (default \); IS [NOT] NULL; IS [NOT] TRUE/FALSE; [NOT] BETWEEN;
//     CAST(x AS SIGNED|DECIMAL|DOUBLE|CHAR); lower, upper, length (bytes),
//     char_length, substring (1-based, MySQL rules), coalesce, abs, round
//     (half away from zero).
//   - Columns. CSV: header name (exact, else a unique case-insensitive
//     match) or position _1, _2, ... Lines: _1 or line. JSON Lines: field
//     name or dotted path (a.b.c, or `a.b.c.d` backquoted). A leading
//     qualifier equal to the FROM alias or s3object is dropped (s.origin).
//     Double quotes delimit strings (MySQL), backquotes identifiers.
//   - Order: without ORDER BY, groups come out in group-key order and
//     projected rows in byte-offset order; ORDER BY ties break the same way,
//     so results are deterministic. NULL sorts first ascending.
//
// # Typing rules
//
//   - Values are value.Value (Null, Bool, Int, Float, Text); CSV and lines
//     fields are Text, an empty CSV field is Null.
//   - Comparison: if either side is a number (Int, Float, Bool as 0/1) and
//     the other is a number or numeric Text, compare numerically; otherwise
//     compare the two as strings, byte by byte. So two CSV fields compare as
//     strings: CAST one of them to compare numerically.
//   - Arithmetic uses numbers and numeric Text; other text is a *ValueError
//     (never silently 0). Int + - * % Int is Int (overflow is a ValueError);
//     / always gives a Float. Division or modulo by zero gives NULL (MySQL).
//   - Three-valued logic: comparisons with NULL are unknown, and WHERE and
//     HAVING keep only rows whose condition is true. x IN (..., NULL) is
//     NULL when no item matches.
//   - Truthiness: non-zero numbers (and numeric text) are true, other text
//     is false.
//   - sum and avg take Int, Float and numeric Text; other non-null values
//     are a *ValueError naming the expression and the record's byte offset
//     (never its contents). Int sums are exact (int64, then math/big; a
//     total beyond int64 is returned as Text holding its exact digits);
//     Float sums use Neumaier compensation; a mix gives a Float. avg is a
//     Float. sum/min/max/avg of no non-null values are NULL, count is 0.
//   - min and max use value.Compare's total order (numbers < bools < text).
//   - Group keys are equal when kind and value are equal: Int 1, Float 1
//     and Text "1" are different groups.
//
// # Limits
//
// Options.MaxGroups bounds distinct group keys (ErrTooManyGroups);
// Options.MaxRows bounds a projection without LIMIT (ErrTooManyRows). With
// LIMIT, each partial keeps only the first LIMIT+OFFSET rows in result order.
package query
