//! The Solr/Lucene subset CKAN clients send in `q`, `fq` and `fq_list`, parsed into a typed
//! [`Query`].
//!
//! Accepted: bare words and `"quoted phrases"` (searched as text), `field:value`,
//! `field:"phrase"`, `field:(a OR b)`, ranges `field:[a TO b]` / `{a TO b}` (mixed brackets too)
//! with `*` and `NOW`-style instants (`NOW`, `NOW-7DAYS`, `NOW/DAY`) on `metadata_modified` and
//! `metadata_created`, `AND`, `OR`, `NOT`, `&&`, `||`, `!`, prefix `+` and `-`, parentheses and
//! `*:*`. Adjacent clauses are joined by AND (CKAN sends Lucene queries with `q.op=AND`). Anything
//! else — an unknown field, a wildcard inside a word, local parameters `{!…}`, an unclosed
//! bracket — is a [`QueryError`] saying where.

use chrono::{DateTime, Duration, Months, NaiveTime, Utc};

/// A field of the index a clause may name exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// `organization`, `owner_org`: the publisher's name (slug) or id.
    Organization,
    /// `tags`: a keyword.
    Tags,
    /// `res_format`: a distribution's format.
    ResFormat,
    /// `license_id`: a CKAN license id.
    LicenseId,
    /// `groups`: a theme code.
    Groups,
    /// `name`: the dataset's slug.
    Name,
    /// `id`: the dataset's id.
    Id,
    /// `state`: `active` (published or archived) or `draft`.
    State,
    /// `private`, `capacity`: `true`/`private` or `false`/`public`.
    Private,
    /// `dataset_type`, `type`: every dataset is of type `dataset`.
    DatasetType,
}

/// A time field ranges apply to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeField {
    /// `metadata_modified`: the last change of the dataset's record.
    MetadataModified,
    /// `metadata_created`: the creation of the dataset's record.
    MetadataCreated,
}

/// One end of a range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// The instant.
    pub at: DateTime<Utc>,
    /// Whether the instant itself is in the range.
    pub inclusive: bool,
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    /// `*:*`, or an empty query: every dataset.
    All,
    /// Words (or a phrase) looked up in the text of datasets.
    Text(String),
    /// An exact value of a field.
    Match {
        /// The field.
        field: Field,
        /// The value as sent.
        value: String,
    },
    /// A time range; an absent end is open.
    Range {
        /// The field.
        field: TimeField,
        /// Lower end.
        from: Option<Limit>,
        /// Upper end.
        to: Option<Limit>,
    },
    /// Every part matches.
    And(Vec<Query>),
    /// At least one part matches.
    Or(Vec<Query>),
    /// The part does not match.
    Not(Box<Query>),
}

/// A query that cannot be read: where (character offset, from 0) and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("at character {position}: {message}")]
pub struct QueryError {
    /// Offset of the offending character.
    pub position: usize,
    /// What is wrong.
    pub message: String,
}

/// Fields searched as text rather than matched exactly.
const TEXT_FIELDS: &[&str] = &[
    "text",
    "title",
    "notes",
    "title_string",
    "title_ngram",
    "author",
    "maintainer",
    "res_name",
    "res_description",
    "organization_title",
];

fn field_of(name: &str) -> Option<Result<Field, TimeField>> {
    let field = match name {
        "organization" | "owner_org" => Field::Organization,
        "tags" => Field::Tags,
        "res_format" => Field::ResFormat,
        "license_id" => Field::LicenseId,
        "groups" => Field::Groups,
        "name" => Field::Name,
        "id" => Field::Id,
        "state" => Field::State,
        "private" | "capacity" => Field::Private,
        "dataset_type" | "type" => Field::DatasetType,
        "metadata_modified" => return Some(Err(TimeField::MetadataModified)),
        "metadata_created" => return Some(Err(TimeField::MetadataCreated)),
        _ => return None,
    };
    Some(Ok(field))
}

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 10_000;
/// Deepest nesting accepted: parentheses and prefix operators (`NOT`, `!`, `-`, `+`) together.
/// It bounds the depth of the parsed [`Query`], which is evaluated recursively.
pub const MAX_DEPTH: usize = 32;

/// Parses `q` (or one `fq`) at `now` (the instant `NOW` means). An empty or blank query, `""`
/// and `''` are [`Query::All`], as in CKAN.
pub fn parse(q: &str, now: DateTime<Utc>) -> Result<Query, QueryError> {
    let trimmed = q.trim();
    if trimmed.is_empty() || trimmed == "\"\"" || trimmed == "''" {
        return Ok(Query::All);
    }
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(QueryError {
            position: MAX_QUERY_CHARS,
            message: format!("query longer than {MAX_QUERY_CHARS} characters"),
        });
    }
    let tokens = tokenize(q)?;
    let mut parser = Parser {
        tokens,
        at: 0,
        now,
        depth: 0,
        end: q.chars().count(),
    };
    let query = parser.or(None)?;
    if let Some(token) = parser.peek() {
        return Err(token.error(format!("unexpected {}", token.describe())));
    }
    Ok(query)
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Word(String),
    Phrase(String),
    Open,
    Close,
    OpenRange(bool),
    CloseRange(bool),
    Colon,
    Plus,
    Minus,
    And,
    Or,
    Not,
}

#[derive(Debug, Clone)]
struct Token {
    kind: Kind,
    position: usize,
    /// Whitespace came right before (a `-` inside a word is not an operator).
    spaced: bool,
}

impl Token {
    fn error(&self, message: String) -> QueryError {
        QueryError {
            position: self.position,
            message,
        }
    }

    fn describe(&self) -> String {
        match &self.kind {
            Kind::Word(w) => format!("'{w}'"),
            Kind::Phrase(p) => format!("\"{p}\""),
            Kind::Open => "'('".into(),
            Kind::Close => "')'".into(),
            Kind::OpenRange(true) => "'['".into(),
            Kind::OpenRange(false) => "'{'".into(),
            Kind::CloseRange(true) => "']'".into(),
            Kind::CloseRange(false) => "'}'".into(),
            Kind::Colon => "':'".into(),
            Kind::Plus => "'+'".into(),
            Kind::Minus => "'-'".into(),
            Kind::And => "AND".into(),
            Kind::Or => "OR".into(),
            Kind::Not => "NOT".into(),
        }
    }
}

fn tokenize(q: &str) -> Result<Vec<Token>, QueryError> {
    let chars: Vec<char> = q.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    let mut spaced = true;
    while i < chars.len() {
        let c = chars[i];
        let position = i;
        let mut push = |kind: Kind, spaced: bool| {
            tokens.push(Token {
                kind,
                position,
                spaced,
            })
        };
        match c {
            c if c.is_whitespace() => {
                spaced = true;
                i += 1;
                continue;
            }
            '(' => push(Kind::Open, spaced),
            ')' => push(Kind::Close, spaced),
            '[' => push(Kind::OpenRange(true), spaced),
            ']' => push(Kind::CloseRange(true), spaced),
            '{' if chars.get(i + 1) == Some(&'!') => {
                return Err(QueryError {
                    position,
                    message: "local parameters ({!…}) are not accepted".into(),
                });
            }
            '{' => push(Kind::OpenRange(false), spaced),
            '}' => push(Kind::CloseRange(false), spaced),
            ':' => push(Kind::Colon, spaced),
            '+' => push(Kind::Plus, spaced),
            '-' => push(Kind::Minus, spaced),
            '!' => push(Kind::Not, spaced),
            '&' | '|' if chars.get(i + 1) == Some(&c) => {
                push(if c == '&' { Kind::And } else { Kind::Or }, spaced);
                i += 2;
                spaced = false;
                continue;
            }
            '"' => {
                let mut text = String::new();
                let mut j = i + 1;
                loop {
                    match chars.get(j) {
                        None => {
                            return Err(QueryError {
                                position,
                                message: "unclosed quotation mark".into(),
                            });
                        }
                        Some('\\') if j + 1 < chars.len() => {
                            text.push(chars[j + 1]);
                            j += 2;
                        }
                        Some('"') => break,
                        Some(c) => {
                            text.push(*c);
                            j += 1;
                        }
                    }
                }
                push(Kind::Phrase(text), spaced);
                i = j + 1;
                spaced = false;
                continue;
            }
            _ => {
                let mut word = String::new();
                let mut j = i;
                while let Some(&c) = chars.get(j) {
                    if c == '\\' {
                        if let Some(&next) = chars.get(j + 1) {
                            word.push(next);
                            j += 2;
                            continue;
                        }
                        return Err(QueryError {
                            position: j,
                            message: "a query cannot end with '\\'".into(),
                        });
                    }
                    // A colon ends a field name only: values keep theirs (`10:00:00Z`), since
                    // the parser reads a value up to the next space or bracket.
                    if c.is_whitespace() || "()[]{}\":".contains(c) {
                        break;
                    }
                    word.push(c);
                    j += 1;
                }
                let kind = match word.as_str() {
                    "AND" => Kind::And,
                    "OR" => Kind::Or,
                    "NOT" => Kind::Not,
                    _ => Kind::Word(word),
                };
                push(kind, spaced);
                i = j;
                spaced = false;
                continue;
            }
        }
        i += 1;
        spaced = false;
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
    now: DateTime<Utc>,
    depth: usize,
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn end_error(&self, message: &str) -> QueryError {
        QueryError {
            position: self.end,
            message: message.to_string(),
        }
    }

    /// `and (OR and)*`; `field` is the field of an enclosing `field:( … )` group.
    fn or(&mut self, field: Option<&str>) -> Result<Query, QueryError> {
        let mut parts = vec![self.and(field)?];
        while matches!(self.peek().map(|t| &t.kind), Some(Kind::Or)) {
            self.next();
            parts.push(self.and(field)?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Query::Or(parts)
        })
    }

    /// `unary ((AND)? unary)*`: adjacency is AND.
    fn and(&mut self, field: Option<&str>) -> Result<Query, QueryError> {
        let mut parts = vec![self.unary(field)?];
        loop {
            match self.peek().map(|t| &t.kind) {
                None | Some(Kind::Or) | Some(Kind::Close) => break,
                Some(Kind::And) => {
                    self.next();
                    parts.push(self.unary(field)?);
                }
                Some(_) => parts.push(self.unary(field)?),
            }
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Query::And(parts)
        })
    }

    /// `(NOT | ! | - | +)* primary`. The prefixes are read in a loop, not by recursion, and each
    /// counts as a level of nesting like a parenthesis, so a long run of them is an error rather
    /// than a deep tree (the evaluators recurse over it). Double negation cancels.
    fn unary(&mut self, field: Option<&str>) -> Result<Query, QueryError> {
        let outer = self.depth;
        let mut negated = false;
        while let Some(token) = self.peek().cloned() {
            match token.kind {
                Kind::Not | Kind::Minus => negated = !negated,
                Kind::Plus => {}
                _ => break,
            }
            self.nest(&token)?;
            self.next();
        }
        let inner = self.primary(field)?;
        self.depth = outer;
        Ok(if negated {
            Query::Not(Box::new(inner))
        } else {
            inner
        })
    }

    /// Enters one level of nesting: the parenthesis or prefix operator `at`.
    fn nest(&mut self, at: &Token) -> Result<(), QueryError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(at.error(format!(
                "more than {MAX_DEPTH} nested parentheses and prefix operators (NOT, !, -, +)"
            )));
        }
        Ok(())
    }

    fn primary(&mut self, field: Option<&str>) -> Result<Query, QueryError> {
        let Some(token) = self.next() else {
            return Err(self.end_error("a term is missing at the end"));
        };
        match token.kind.clone() {
            Kind::Open => self.group(&token, field),
            Kind::Phrase(text) => self.value(field, &token, Value::Phrase(text)),
            Kind::Word(word) => {
                let is_field = matches!(self.peek(), Some(t) if t.kind == Kind::Colon && !t.spaced);
                if is_field && field.is_none() {
                    self.next();
                    return self.after_colon(&word, &token);
                }
                let mut word = word;
                if field.is_some() {
                    self.join_colons(&mut word);
                }
                self.value(field, &token, Value::Word(word))
            }
            Kind::OpenRange(inclusive) if field.is_some() => {
                let name = field.unwrap_or_default();
                self.range(name, &token, inclusive)
            }
            _ => Err(token.error(format!("unexpected {}", token.describe()))),
        }
    }

    fn group(&mut self, open: &Token, field: Option<&str>) -> Result<Query, QueryError> {
        self.nest(open)?;
        let inner = self.or(field)?;
        match self.next() {
            Some(Token {
                kind: Kind::Close, ..
            }) => {
                self.depth -= 1;
                Ok(inner)
            }
            Some(other) => Err(other.error(format!("expected ')', found {}", other.describe()))),
            None => Err(open.error("unclosed parenthesis".into())),
        }
    }

    /// After `name:`: a value, a phrase, a range or a group.
    fn after_colon(&mut self, name: &str, at: &Token) -> Result<Query, QueryError> {
        let Some(token) = self.peek().cloned() else {
            return Err(self.end_error("a value is missing after ':'"));
        };
        if name == "*" {
            return match token.kind {
                Kind::Word(w) if w == "*" => {
                    self.next();
                    Ok(Query::All)
                }
                _ => Err(at.error("'*' names no field".into())),
            };
        }
        match token.kind {
            Kind::Open => {
                self.next();
                check_field(name, at)?;
                self.group(&token, Some(name))
            }
            Kind::OpenRange(inclusive) => {
                self.next();
                self.range(name, &token, inclusive)
            }
            Kind::Word(_) | Kind::Phrase(_) => {
                check_field(name, at)?;
                self.primary(Some(name))
            }
            _ => Err(token.error(format!(
                "expected a value after '{name}:', found {}",
                token.describe()
            ))),
        }
    }

    fn value(
        &mut self,
        field: Option<&str>,
        token: &Token,
        value: Value,
    ) -> Result<Query, QueryError> {
        let text = match &value {
            Value::Word(w) | Value::Phrase(w) => w.clone(),
        };
        if let Value::Word(word) = &value {
            let inner_wildcard = word != "*" && (word.contains('*') || word.contains('?'));
            if inner_wildcard {
                return Err(token.error(format!("wildcards are not supported: '{word}'")));
            }
        }
        let Some(name) = field else {
            return Ok(Query::Text(text));
        };
        if text == "*" && matches!(value, Value::Word(_)) {
            check_field(name, token)?;
            return Ok(Query::All);
        }
        if TEXT_FIELDS.contains(&name) {
            return Ok(Query::Text(text));
        }
        match field_of(name) {
            Some(Ok(field)) => Ok(Query::Match { field, value: text }),
            Some(Err(time)) => {
                let at = instant(&text, self.now).ok_or_else(|| {
                    token.error(format!("'{text}' is not a date or time of {name}"))
                })?;
                // A single instant is the range from it to it.
                let limit = Limit {
                    at,
                    inclusive: true,
                };
                Ok(Query::Range {
                    field: time,
                    from: Some(limit),
                    to: Some(limit),
                })
            }
            None => Err(unknown_field(name, token)),
        }
    }

    /// `[from TO to]`, after its opening bracket.
    fn range(&mut self, name: &str, open: &Token, inclusive: bool) -> Result<Query, QueryError> {
        let field = match field_of(name) {
            Some(Err(time)) => time,
            Some(Ok(_)) => return Err(open.error(format!("'{name}' does not take ranges"))),
            None if TEXT_FIELDS.contains(&name) => {
                return Err(open.error(format!("'{name}' does not take ranges")));
            }
            None => return Err(unknown_field(name, open)),
        };
        let from = self.range_end(name)?;
        match self.next() {
            Some(Token {
                kind: Kind::Word(w),
                ..
            }) if w == "TO" => {}
            Some(other) => {
                return Err(other.error(format!("expected TO, found {}", other.describe())));
            }
            None => return Err(self.end_error("unclosed range")),
        }
        let to = self.range_end(name)?;
        let close_inclusive = match self.next() {
            Some(Token {
                kind: Kind::CloseRange(inclusive),
                ..
            }) => inclusive,
            Some(other) => {
                return Err(
                    other.error(format!("expected ']' or '}}', found {}", other.describe()))
                );
            }
            None => return Err(open.error("unclosed range".into())),
        };
        Ok(Query::Range {
            field,
            from: from.map(|at| Limit { at, inclusive }),
            to: to.map(|at| Limit {
                at,
                inclusive: close_inclusive,
            }),
        })
    }

    /// One end of a range: `*` (open), an instant or a `NOW` expression. The tokenizer splits
    /// `2024-01-01T10:00:00Z` at its colons; the pieces are joined back here.
    fn range_end(&mut self, name: &str) -> Result<Option<DateTime<Utc>>, QueryError> {
        let Some(first) = self.next() else {
            return Err(self.end_error("unclosed range"));
        };
        let mut text = match &first.kind {
            Kind::Word(w) => w.clone(),
            Kind::Phrase(p) => p.clone(),
            _ => {
                return Err(first.error(format!(
                    "expected a date or '*', found {}",
                    first.describe()
                )));
            }
        };
        self.join_colons(&mut text);
        if text == "*" {
            return Ok(None);
        }
        instant(&text, self.now)
            .map(Some)
            .ok_or_else(|| first.error(format!("'{text}' is not a date or time of {name}")))
    }
}

impl Parser {
    /// Joins the pieces of a value the tokenizer split at its colons (`10:00:00Z`).
    fn join_colons(&mut self, text: &mut String) {
        while let Some(Token {
            kind: Kind::Colon,
            spaced: false,
            ..
        }) = self.peek()
        {
            self.next();
            text.push(':');
            if let Some(Token {
                kind: Kind::Word(w),
                spaced: false,
                ..
            }) = self.peek().cloned()
            {
                self.next();
                text.push_str(&w);
            }
        }
    }
}

enum Value {
    Word(String),
    Phrase(String),
}

fn check_field(name: &str, at: &Token) -> Result<(), QueryError> {
    if TEXT_FIELDS.contains(&name) || field_of(name).is_some() {
        Ok(())
    } else {
        Err(unknown_field(name, at))
    }
}

fn unknown_field(name: &str, at: &Token) -> QueryError {
    at.error(format!("unknown field '{name}'"))
}

/// An instant: an ISO date or time, or `NOW` with `+N`/`-N` units and `/UNIT` rounding.
pub fn instant(text: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let Some(mut rest) = text.strip_prefix("NOW") else {
        return crate::time::parse(text);
    };
    // Sliced at character boundaries only: the text is the user's and may hold any character
    // (`NOWé`, `NOW−1DAY` with a minus sign), which is then not an instant.
    let mut at = now;
    while let Some(op) = rest.chars().next() {
        rest = &rest[op.len_utf8()..];
        let (digits, after) = split(rest, char::is_ascii_digit);
        let amount: i64 = if op == '/' { 0 } else { digits.parse().ok()? };
        let (unit, after) = split(after, char::is_ascii_alphabetic);
        let unit = unit.trim_end_matches('S');
        rest = after;
        at = match op {
            '/' => round_down(at, unit)?,
            '+' => shift(at, unit, amount)?,
            '-' => shift(at, unit, -amount)?,
            _ => return None,
        };
    }
    Some(at)
}

/// `text` split after its longest prefix of characters that `keep`.
fn split(text: &str, keep: fn(&char) -> bool) -> (&str, &str) {
    let end = text
        .char_indices()
        .find(|(_, c)| !keep(c))
        .map_or(text.len(), |(i, _)| i);
    text.split_at(end)
}

fn shift(at: DateTime<Utc>, unit: &str, amount: i64) -> Option<DateTime<Utc>> {
    let months = |n: i64| -> Option<DateTime<Utc>> {
        let m = Months::new(u32::try_from(n.unsigned_abs()).ok()?);
        if n >= 0 {
            at.checked_add_months(m)
        } else {
            at.checked_sub_months(m)
        }
    };
    match unit {
        "YEAR" => months(amount.checked_mul(12)?),
        "MONTH" => months(amount),
        "DAY" | "DATE" => at.checked_add_signed(Duration::try_days(amount)?),
        "HOUR" => at.checked_add_signed(Duration::try_hours(amount)?),
        "MINUTE" => at.checked_add_signed(Duration::try_minutes(amount)?),
        "SECOND" => at.checked_add_signed(Duration::try_seconds(amount)?),
        _ => None,
    }
}

fn round_down(at: DateTime<Utc>, unit: &str) -> Option<DateTime<Utc>> {
    use chrono::{Datelike, Timelike};
    let day = at.date_naive();
    match unit {
        "YEAR" => day
            .with_ordinal(1)
            .map(|d| d.and_time(NaiveTime::MIN).and_utc()),
        "MONTH" => day
            .with_day(1)
            .map(|d| d.and_time(NaiveTime::MIN).and_utc()),
        "DAY" | "DATE" => Some(day.and_time(NaiveTime::MIN).and_utc()),
        "HOUR" => at.with_nanosecond(0)?.with_second(0)?.with_minute(0),
        "MINUTE" => at.with_nanosecond(0)?.with_second(0),
        "SECOND" => at.with_nanosecond(0),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        crate::time::parse("2026-06-15T10:30:00Z").unwrap()
    }

    fn q(text: &str) -> Query {
        parse(text, now()).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn err(text: &str) -> QueryError {
        parse(text, now()).expect_err(text)
    }

    fn org(slug: &str) -> Query {
        Query::Match {
            field: Field::Organization,
            value: slug.into(),
        }
    }

    #[test]
    fn empty_and_match_all() {
        for text in ["", "  ", "\"\"", "''", "*:*"] {
            assert_eq!(q(text), Query::All, "{text:?}");
        }
    }

    #[test]
    fn words_phrases_and_fields() {
        assert_eq!(
            q("dân số hà nội"),
            Query::And(vec![
                Query::Text("dân".into()),
                Query::Text("số".into()),
                Query::Text("hà".into()),
                Query::Text("nội".into()),
            ])
        );
        assert_eq!(q("\"ngân sách\""), Query::Text("ngân sách".into()));
        assert_eq!(
            q("organization:tong-cuc-thong-ke"),
            org("tong-cuc-thong-ke")
        );
        assert_eq!(q("title:budget"), Query::Text("budget".into()));
        assert_eq!(
            q("tags:\"kinh tế\""),
            Query::Match {
                field: Field::Tags,
                value: "kinh tế".into()
            }
        );
    }

    #[test]
    fn boolean_operators_and_precedence() {
        assert_eq!(
            q("organization:a OR organization:b"),
            Query::Or(vec![org("a"), org("b")])
        );
        assert_eq!(q("-organization:x"), Query::Not(Box::new(org("x"))));
        assert_eq!(q("NOT organization:x"), q("-organization:x"));
        assert_eq!(q("!organization:x"), q("-organization:x"));
        assert_eq!(
            q("organization:a AND organization:b OR organization:c"),
            Query::Or(vec![Query::And(vec![org("a"), org("b")]), org("c")])
        );
        assert_eq!(
            q("+organization:a +(organization:b || organization:c)"),
            Query::And(vec![org("a"), Query::Or(vec![org("b"), org("c")])])
        );
        assert_eq!(
            q("organization:(a OR b)"),
            Query::Or(vec![org("a"), org("b")])
        );
        assert_eq!(
            q("organization:a && -dataset_type:harvest"),
            Query::And(vec![
                org("a"),
                Query::Not(Box::new(Query::Match {
                    field: Field::DatasetType,
                    value: "harvest".into()
                }))
            ])
        );
    }

    #[test]
    fn ranges_with_stars_and_now() {
        let at = |t: &str, inclusive| {
            Some(Limit {
                at: crate::time::parse(t).unwrap(),
                inclusive,
            })
        };
        assert_eq!(
            q("metadata_modified:[2024-01-01T00:00:00Z TO *]"),
            Query::Range {
                field: TimeField::MetadataModified,
                from: at("2024-01-01T00:00:00Z", true),
                to: None
            }
        );
        assert_eq!(
            q("metadata_modified:{2024-01-01T10:00:00.123456 TO NOW]"),
            Query::Range {
                field: TimeField::MetadataModified,
                from: at("2024-01-01T10:00:00.123456Z", false),
                to: at("2026-06-15T10:30:00Z", true)
            }
        );
        assert_eq!(
            q("metadata_created:[NOW-7DAYS/DAY TO NOW+1HOUR}"),
            Query::Range {
                field: TimeField::MetadataCreated,
                from: at("2026-06-08T00:00:00Z", true),
                to: at("2026-06-15T11:30:00Z", false)
            }
        );
        assert_eq!(
            q("metadata_modified:2024-01-01T10:00:00Z"),
            Query::Range {
                field: TimeField::MetadataModified,
                from: at("2024-01-01T10:00:00Z", true),
                to: at("2024-01-01T10:00:00Z", true)
            }
        );
        assert_eq!(
            q("metadata_modified:[* TO NOW-1YEAR]"),
            Query::Range {
                field: TimeField::MetadataModified,
                from: None,
                to: at("2025-06-15T10:30:00Z", true)
            }
        );
    }

    #[test]
    fn malformed_queries_say_where() {
        let e = err("organization:a AND (tags:x");
        assert_eq!(e.position, 19);
        assert!(e.message.contains("unclosed"), "{e}");
        let e = err("foo_bar:1");
        assert_eq!(
            (e.position, e.message.as_str()),
            (0, "unknown field 'foo_bar'")
        );
        assert!(err("name:ab*").message.contains("wildcard"));
        assert!(err("{!lucene}x").message.contains("local parameters"));
        assert!(
            err("metadata_modified:[2024-01-01 TO")
                .message
                .contains("range")
        );
        assert!(
            err("metadata_modified:[yesterday TO *]")
                .message
                .contains("yesterday")
        );
        assert!(err("organization:[a TO b]").message.contains("ranges"));
        assert!(err("\"open").message.contains("quotation"));
        assert_eq!(err("a )").position, 2);
        assert!(err("organization:").message.contains("missing"));
        assert!(err("AND").message.contains("unexpected"));
        assert!(err(&"(".repeat(100)).message.contains("nested"));
    }

    /// The depth of a parsed query (the evaluators recurse this deep).
    fn depth(query: &Query) -> usize {
        match query {
            Query::And(parts) | Query::Or(parts) => 1 + parts.iter().map(depth).max().unwrap_or(0),
            Query::Not(inner) => 1 + depth(inner),
            _ => 1,
        }
    }

    #[test]
    fn runs_of_prefix_operators_are_bounded() {
        // As long as the longest query accepted: an error saying where, not a stack overflow.
        // The operator past the limit is the one named (its character offset).
        for (prefix, position) in [
            ("-", MAX_DEPTH),
            ("!", MAX_DEPTH),
            ("+", MAX_DEPTH),
            ("!-+", MAX_DEPTH),
            ("- ", 2 * MAX_DEPTH),
            ("NOT ", 4 * MAX_DEPTH),
        ] {
            let text = format!(
                "{}tags:x",
                prefix.repeat((MAX_QUERY_CHARS - "tags:x".len()) / prefix.len())
            );
            let e = err(&text);
            assert!(e.message.contains("nested"), "{prefix:?}: {e}");
            assert_eq!(e.position, position, "{prefix:?}");
        }
        let e = err(&format!("{}tags:x{}", "(-".repeat(20), ")".repeat(20)));
        assert!(e.message.contains("nested"), "{e}");
        // Within the limit: negations cancel in pairs, `+` changes nothing.
        assert_eq!(q("- -organization:x"), org("x"));
        assert_eq!(q("NOT !organization:x"), org("x"));
        assert_eq!(q("+-+-+organization:x"), org("x"));
        assert_eq!(q("---organization:x"), Query::Not(Box::new(org("x"))));
        let at_limit = format!("{}organization:x", "-".repeat(MAX_DEPTH));
        assert_eq!(q(&at_limit), org("x"));
        assert!(err(&format!("-{at_limit}")).message.contains("nested"));
        // Siblings do not add up: each clause has its own prefixes.
        let siblings = vec!["-".repeat(MAX_DEPTH - 1) + "tags:x"; 50].join(" ");
        assert!(parse(&siblings, now()).is_ok());
        // Whatever is accepted stays shallow.
        let deepest = format!(
            "{}tags:x{}",
            "-(".repeat(MAX_DEPTH / 2),
            ")".repeat(MAX_DEPTH / 2)
        );
        assert!(
            depth(&q(&deepest)) <= 3 * MAX_DEPTH + 1,
            "{}",
            depth(&q(&deepest))
        );
    }

    #[test]
    fn now_followed_by_any_character_is_not_a_panic() {
        for text in [
            "NOWé",
            "NOW−1DAY",
            "NOW-1DAYé",
            "NOW/DAYé",
            "NOW+𝟙DAY",
            "NOW-",
            "NOW/",
        ] {
            assert_eq!(instant(text, now()), None, "{text}");
        }
        assert_eq!(
            instant("NOW-1DAY/DAY", now()),
            crate::time::parse("2026-06-14T00:00:00Z")
        );
        let e = err("metadata_modified:NOWé");
        assert!(e.message.contains("NOWé"), "{e}");
        let e = err("metadata_modified:[NOW−1DAY TO *]");
        assert!(e.message.contains("NOW−1DAY"), "{e}");
        assert_eq!(e.position, 19);
    }
}
