"""sqlglot dialects extended where the release we use cannot parse real warehouse DDL.

Gaps closed (sqlglot 30.x):
- Redshift column attributes DISTKEY and SORTKEY (`id INT NOT NULL DISTKEY SORTKEY`);
- Redshift `SORTKEY AUTO`, `INTERLEAVED SORTKEY (...)`, table-level `ENCODE AUTO`;
- every dialect: the data type's source text is recorded as written (sqlglot normalises
  INT4 to INTEGER), so the experiment keeps what the engineer wrote.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.dialects.postgres import Postgres
from sqlglot.dialects.redshift import Redshift
from sqlglot.dialects.snowflake import Snowflake


class DistKeyColumn(exp.Expression, exp.ColumnConstraintKind):
    """Redshift column attribute DISTKEY (accepted, not used for generation)."""

    arg_types = {"this": False}


class SortKeyColumn(exp.Expression, exp.ColumnConstraintKind):
    """Redshift column attribute SORTKEY (accepted, not used for generation)."""

    arg_types = {"this": False}


class _SourceTypeMixin:
    """Records the exact text of each column's data type in DataType.meta['source_type']."""

    def _parse_types(self, check_func=False, schema=False, allow_identifiers=True):
        start = self._index
        result = super()._parse_types(
            check_func=check_func, schema=schema, allow_identifiers=allow_identifiers
        )
        if result is not None and schema and self._index > start and self.sql:
            tokens = self._tokens[start:self._index]
            result.meta["source_type"] = self.sql[tokens[0].start:tokens[-1].end + 1]
        return result


class RedshiftDDL(Redshift):
    class Parser(_SourceTypeMixin, Redshift.Parser):
        CONSTRAINT_PARSERS = {
            **Redshift.Parser.CONSTRAINT_PARSERS,
            "DISTKEY": lambda self: self.expression(DistKeyColumn()),
            "SORTKEY": lambda self: self.expression(SortKeyColumn()),
        }
        PROPERTY_PARSERS = {
            **Redshift.Parser.PROPERTY_PARSERS,
            "SORTKEY": lambda self: self._parse_sortkey_any(),
            "INTERLEAVED": lambda self: self._parse_interleaved_sortkey(),
            "ENCODE": lambda self: self.expression(
                exp.EncodeProperty(this=self._parse_var(any_token=True))
            ),
        }

        def _parse_sortkey_any(self):
            if self._match_text_seq("AUTO"):
                return self.expression(exp.SortKeyProperty(this=[exp.var("AUTO")]))
            return self._parse_sortkey()

        def _parse_interleaved_sortkey(self):
            if not self._match_text_seq("SORTKEY"):
                self.raise_error("Expecting SORTKEY after INTERLEAVED")
            return self._parse_sortkey()


class SnowflakeDDL(Snowflake):
    class Parser(_SourceTypeMixin, Snowflake.Parser):
        pass


class PostgresDDL(Postgres):
    class Parser(_SourceTypeMixin, Postgres.Parser):
        pass


DIALECTS = {"redshift": RedshiftDDL, "snowflake": SnowflakeDDL, "postgres": PostgresDDL}
