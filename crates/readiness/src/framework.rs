//! Frameworks as data: a framework file (TOML) names its dimensions and primary questions, the
//! importance levels, the rating scale and the evidence signs. Files are checked against the
//! format when loaded ([`Framework::parse`]); every problem is reported with its file and field
//! path. The built-in frameworks are the files of `frameworks/` (embedded at build time); more are
//! read from a folder at start-up ([`Frameworks::load`]), so adding one needs no code.

use std::fmt;
use std::path::Path;

use dulieu_core::string_enum;
use dulieu_core::text::{LangText, is_valid_slug};
use serde::{Deserialize, Serialize};

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin_frameworks.rs"));
}

/// A readiness framework: what is assessed and on which scale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Framework {
    /// Short name, e.g. `odra` (a slug).
    pub id: String,
    /// Version of the methodology, e.g. `3.1`.
    pub version: String,
    /// Full name.
    pub name: LangText,
    /// What the framework assesses.
    #[serde(default)]
    pub description: LangText,
    /// Where the framework comes from.
    #[serde(default)]
    pub source: Option<String>,
    /// The columns of the summary table, from the lowest readiness to the highest ("Low" …
    /// "High").
    pub summary_scale: Vec<LangText>,
    /// The ratings an assessor may give, from the best to the worst.
    pub ratings: Vec<RatingLevel>,
    /// The signs of evidence items (`+`, `-`, `o`).
    pub signs: Vec<SignDef>,
    /// Importance levels, from the most important; empty when the framework weighs nothing.
    #[serde(default)]
    pub importance: Vec<ImportanceLevel>,
    /// The dimensions, in order.
    pub dimensions: Vec<DimensionDef>,
}

/// One rating of the scale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RatingLevel {
    /// Code stored in assessments, e.g. `yellow_green`.
    pub code: String,
    /// Name.
    pub label: LangText,
    /// What the rating means.
    pub meaning: LangText,
    /// Colour shown beside the name (`#rrggbb`).
    pub color: String,
    /// Column of the summary scale (1 = lowest readiness); absent for a rating that places
    /// nothing on the scale (grey: insufficient information), which also needs no evidence.
    #[serde(default)]
    pub summary: Option<u8>,
}

string_enum! {
    /// Which way an evidence sign weighs.
    Stance {
        /// Evidence of readiness.
        For = "for",
        /// Evidence against readiness.
        Against = "against",
        /// Mixed or neither.
        Neutral = "neutral",
    }
}

/// One evidence sign.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SignDef {
    /// The sign as written (`+`, `-`, `o`).
    pub code: String,
    /// Which way it weighs.
    pub stance: Stance,
    /// Name.
    pub label: LangText,
    /// What it means.
    pub meaning: LangText,
}

/// One importance level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ImportanceLevel {
    /// Code stored in assessments, e.g. `very_high`.
    pub code: String,
    /// Name.
    pub label: LangText,
    /// Stars in the report's summary table (`***` = 3), when it uses them.
    #[serde(default)]
    pub stars: Option<u8>,
}

/// A dimension and its primary questions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DimensionDef {
    /// Id, e.g. `4`.
    pub id: String,
    /// Name.
    pub name: LangText,
    /// What the dimension covers.
    #[serde(default)]
    pub description: LangText,
    /// Importance given by the framework.
    #[serde(default)]
    pub importance: Option<String>,
    /// Primary questions, in order.
    pub questions: Vec<QuestionDef>,
}

/// A primary question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct QuestionDef {
    /// Id, unique in the framework, e.g. `4.5`.
    pub id: String,
    /// The question.
    pub text: LangText,
    /// Importance given by the framework.
    #[serde(default)]
    pub importance: Option<String>,
}

/// One thing wrong with a framework file: the file, the field path and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// File name.
    pub file: String,
    /// Field path, e.g. `dimensions[1].questions[0].importance`.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

/// Framework files that cannot be used, with every problem found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameworkError {
    /// The problems, in file order.
    pub problems: Vec<Problem>,
}

impl fmt::Display for FrameworkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            if p.path.is_empty() {
                write!(f, "{}: {}", p.file, p.message)?;
            } else {
                write!(f, "{}: {}: {}", p.file, p.path, p.message)?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for FrameworkError {}

impl From<FrameworkError> for dulieu_core::Error {
    fn from(err: FrameworkError) -> Self {
        dulieu_core::Error::Internal(format!("readiness frameworks: {err}"))
    }
}

/// Collects the problems of one file.
struct Checker<'a> {
    file: &'a str,
    problems: Vec<Problem>,
}

impl Checker<'_> {
    fn fail(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            file: self.file.to_string(),
            path: path.into(),
            message: message.into(),
        });
    }

    /// Both languages present, each at most `max` characters.
    fn text(&mut self, path: &str, text: &LangText, max: usize) {
        for (lang, value) in [("vi", &text.vi), ("en", &text.en)] {
            match value.as_deref().map(str::trim) {
                None | Some("") => self.fail(format!("{path}.{lang}"), "is required"),
                Some(value) if value.chars().count() > max => self.fail(
                    format!("{path}.{lang}"),
                    format!("is longer than {max} characters"),
                ),
                Some(_) => {}
            }
        }
    }

    /// An optional text: nothing, or both languages.
    fn optional_text(&mut self, path: &str, text: &LangText, max: usize) {
        if !text.is_empty() {
            self.text(path, text, max);
        }
    }

    fn code(&mut self, path: &str, code: &str) {
        let ok = !code.is_empty()
            && code.len() <= 40
            && code
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !ok {
            self.fail(path, "must be 1 to 40 characters of a-z, 0-9 and _");
        }
    }

    fn item_id(&mut self, path: &str, id: &str) {
        let ok = !id.is_empty()
            && id.len() <= 20
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
        if !ok {
            self.fail(
                path,
                "must be 1 to 20 characters of A-Z, a-z, 0-9, '.', '-' and '_'",
            );
        }
    }
}

/// The most characters of a name or a label.
const LABEL_MAX: usize = 300;
/// The most characters of a question, a meaning or a description.
const TEXT_MAX: usize = 2000;

impl Framework {
    /// Reads a framework file and checks it against the format; every problem is reported with
    /// `file` and the field path (syntax errors with their line and column).
    pub fn parse(file: &str, text: &str) -> Result<Self, FrameworkError> {
        let deserializer = toml::Deserializer::new(text);
        let framework: Framework =
            serde_path_to_error::deserialize(deserializer).map_err(|err| {
                let path = err.path().to_string();
                FrameworkError {
                    problems: vec![Problem {
                        file: file.to_string(),
                        path: if path == "." { String::new() } else { path },
                        message: err.into_inner().to_string().trim().replace('\n', " "),
                    }],
                }
            })?;
        let problems = framework.problems(file);
        if problems.is_empty() {
            Ok(framework)
        } else {
            Err(FrameworkError { problems })
        }
    }

    /// What breaks the format's rules beyond its shape: ids and codes, both languages of every
    /// text, the scale, references to importance levels, unique ids.
    pub fn problems(&self, file: &str) -> Vec<Problem> {
        let mut c = Checker {
            file,
            problems: Vec::new(),
        };
        if !is_valid_slug(&self.id) {
            c.fail("id", "must be 2 to 100 characters of a-z, 0-9 and inner -");
        }
        let version_ok = !self.version.is_empty()
            && self.version.len() <= 20
            && self
                .version
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-'));
        if !version_ok {
            c.fail(
                "version",
                "must be 1 to 20 characters of A-Z, a-z, 0-9, '.' and '-'",
            );
        }
        c.text("name", &self.name, LABEL_MAX);
        c.optional_text("description", &self.description, TEXT_MAX);
        let columns = self.summary_scale.len();
        if !(2..=9).contains(&columns) {
            c.fail("summary_scale", "must have 2 to 9 columns");
        }
        for (i, column) in self.summary_scale.iter().enumerate() {
            c.text(&format!("summary_scale[{i}]"), column, LABEL_MAX);
        }
        self.check_ratings(&mut c, columns);
        self.check_signs(&mut c);
        self.check_importance(&mut c);
        self.check_dimensions(&mut c);
        c.problems
    }

    fn check_ratings(&self, c: &mut Checker<'_>, columns: usize) {
        if self.ratings.len() < 2 {
            c.fail("ratings", "must have at least 2 ratings");
        }
        for (i, rating) in self.ratings.iter().enumerate() {
            let path = format!("ratings[{i}]");
            c.code(&format!("{path}.code"), &rating.code);
            if self.ratings[..i].iter().any(|r| r.code == rating.code) {
                c.fail(
                    format!("{path}.code"),
                    format!("{:?} is used twice", rating.code),
                );
            }
            c.text(&format!("{path}.label"), &rating.label, LABEL_MAX);
            c.text(&format!("{path}.meaning"), &rating.meaning, TEXT_MAX);
            let color = rating.color.strip_prefix('#').unwrap_or("");
            if color.len() != 6 || !color.bytes().all(|b| b.is_ascii_hexdigit()) {
                c.fail(format!("{path}.color"), "must be #rrggbb");
            }
            if let Some(column) = rating.summary
                && !(1..=columns).contains(&usize::from(column))
            {
                c.fail(
                    format!("{path}.summary"),
                    format!("must be a column of summary_scale, 1 to {columns}"),
                );
            }
        }
        if !self.ratings.is_empty() && self.ratings.iter().all(|r| r.summary.is_none()) {
            c.fail("ratings", "at least one rating must have a summary column");
        }
    }

    fn check_signs(&self, c: &mut Checker<'_>) {
        for (i, sign) in self.signs.iter().enumerate() {
            let path = format!("signs[{i}]");
            let code_ok = !sign.code.is_empty()
                && sign.code.chars().count() <= 3
                && !sign.code.chars().any(char::is_whitespace);
            if !code_ok {
                c.fail(
                    format!("{path}.code"),
                    "must be 1 to 3 characters without spaces",
                );
            }
            if self.signs[..i].iter().any(|s| s.code == sign.code) {
                c.fail(
                    format!("{path}.code"),
                    format!("{:?} is used twice", sign.code),
                );
            }
            c.text(&format!("{path}.label"), &sign.label, LABEL_MAX);
            c.text(&format!("{path}.meaning"), &sign.meaning, TEXT_MAX);
        }
        for stance in [Stance::For, Stance::Against] {
            if !self.signs.iter().any(|s| s.stance == stance) {
                c.fail(
                    "signs",
                    format!("needs a sign with stance {:?}", stance.as_str()),
                );
            }
        }
    }

    fn check_importance(&self, c: &mut Checker<'_>) {
        for (i, level) in self.importance.iter().enumerate() {
            let path = format!("importance[{i}]");
            c.code(&format!("{path}.code"), &level.code);
            if self.importance[..i].iter().any(|l| l.code == level.code) {
                c.fail(
                    format!("{path}.code"),
                    format!("{:?} is used twice", level.code),
                );
            }
            c.text(&format!("{path}.label"), &level.label, LABEL_MAX);
            if level.stars.is_some_and(|s| !(1..=5).contains(&s)) {
                c.fail(format!("{path}.stars"), "must be 1 to 5");
            }
        }
    }

    fn check_importance_ref(&self, c: &mut Checker<'_>, path: String, code: &Option<String>) {
        if let Some(code) = code
            && self.importance_level(code).is_none()
        {
            let message = if self.importance.is_empty() {
                format!("unknown importance {code:?} (the framework has no importance levels)")
            } else {
                let known = Framework::codes(&self.importance, |l| &l.code);
                format!("unknown importance {code:?} (known: {known})")
            };
            c.fail(path, message);
        }
    }

    fn check_dimensions(&self, c: &mut Checker<'_>) {
        if self.dimensions.is_empty() {
            c.fail("dimensions", "must have at least one dimension");
        }
        let mut question_ids: Vec<&str> = Vec::new();
        for (i, dimension) in self.dimensions.iter().enumerate() {
            let path = format!("dimensions[{i}]");
            c.item_id(&format!("{path}.id"), &dimension.id);
            if self.dimensions[..i].iter().any(|d| d.id == dimension.id) {
                c.fail(
                    format!("{path}.id"),
                    format!("{:?} is used twice", dimension.id),
                );
            }
            c.text(&format!("{path}.name"), &dimension.name, LABEL_MAX);
            c.optional_text(
                &format!("{path}.description"),
                &dimension.description,
                TEXT_MAX,
            );
            self.check_importance_ref(c, format!("{path}.importance"), &dimension.importance);
            if dimension.questions.is_empty() {
                c.fail(
                    format!("{path}.questions"),
                    "must have at least one question",
                );
            }
            for (j, question) in dimension.questions.iter().enumerate() {
                let path = format!("{path}.questions[{j}]");
                c.item_id(&format!("{path}.id"), &question.id);
                if question_ids.contains(&question.id.as_str()) {
                    c.fail(
                        format!("{path}.id"),
                        format!("{:?} is used twice", question.id),
                    );
                }
                question_ids.push(&question.id);
                c.text(&format!("{path}.text"), &question.text, TEXT_MAX);
                self.check_importance_ref(c, format!("{path}.importance"), &question.importance);
            }
        }
    }

    /// `id@version`, how an assessment names its framework in messages.
    pub fn key(&self) -> String {
        format!("{}@{}", self.id, self.version)
    }

    /// The rating with `code`.
    pub fn rating(&self, code: &str) -> Option<&RatingLevel> {
        self.ratings.iter().find(|r| r.code == code)
    }

    /// The sign with `code`.
    pub fn sign(&self, code: &str) -> Option<&SignDef> {
        self.signs.iter().find(|s| s.code == code)
    }

    /// The importance level with `code`.
    pub fn importance_level(&self, code: &str) -> Option<&ImportanceLevel> {
        self.importance.iter().find(|l| l.code == code)
    }

    /// The dimension with `id`.
    pub fn dimension(&self, id: &str) -> Option<&DimensionDef> {
        self.dimensions.iter().find(|d| d.id == id)
    }

    /// The question with `id` and its dimension.
    pub fn question(&self, id: &str) -> Option<(&DimensionDef, &QuestionDef)> {
        self.dimensions
            .iter()
            .find_map(|d| d.questions.iter().find(|q| q.id == id).map(|q| (d, q)))
    }

    /// Number of primary questions.
    pub fn question_count(&self) -> usize {
        self.dimensions.iter().map(|d| d.questions.len()).sum()
    }

    /// The summary column of a rating (none for unknown codes and grey).
    pub fn summary_column(&self, rating: &str) -> Option<u8> {
        self.rating(rating).and_then(|r| r.summary)
    }

    /// The codes of `list`, for messages listing what is allowed.
    pub fn codes<T>(list: &[T], code: impl Fn(&T) -> &str) -> String {
        list.iter().map(code).collect::<Vec<_>>().join(", ")
    }
}

/// The frameworks an installation knows: the built-in ones and those of its frameworks folder.
#[derive(Debug, Clone, Default)]
pub struct Frameworks {
    list: Vec<Framework>,
}

impl Frameworks {
    /// The built-in frameworks (the files of `frameworks/`).
    pub fn builtin() -> Result<Self, FrameworkError> {
        Self::from_files(
            builtin::BUILTIN
                .iter()
                .map(|(name, text)| (name.to_string(), text.to_string())),
        )
    }

    /// The built-in frameworks and every `*.toml` file of `dir` (when given and present), each
    /// checked; an (id, version) defined twice is a problem too.
    pub fn load(dir: Option<&Path>) -> Result<Self, FrameworkError> {
        let mut files: Vec<(String, String)> = builtin::BUILTIN
            .iter()
            .map(|(name, text)| (name.to_string(), text.to_string()))
            .collect();
        let mut problems = Vec::new();
        if let Some(dir) = dir.filter(|d| d.is_dir()) {
            let entries = std::fs::read_dir(dir).map_err(|e| FrameworkError {
                problems: vec![Problem {
                    file: dir.display().to_string(),
                    path: String::new(),
                    message: format!("cannot read the folder: {e}"),
                }],
            })?;
            let mut paths: Vec<_> = entries
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
                .collect();
            paths.sort();
            for path in paths {
                let name = path.display().to_string();
                match std::fs::read_to_string(&path) {
                    Ok(text) => files.push((name, text)),
                    Err(e) => problems.push(Problem {
                        file: name,
                        path: String::new(),
                        message: format!("cannot read: {e}"),
                    }),
                }
            }
        }
        match Self::from_files(files) {
            Ok(frameworks) if problems.is_empty() => Ok(frameworks),
            Ok(_) => Err(FrameworkError { problems }),
            Err(mut err) => {
                problems.append(&mut err.problems);
                Err(FrameworkError { problems })
            }
        }
    }

    fn from_files(
        files: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, FrameworkError> {
        let mut list: Vec<Framework> = Vec::new();
        let mut problems = Vec::new();
        for (name, text) in files {
            match Framework::parse(&name, &text) {
                Ok(framework) => {
                    if list
                        .iter()
                        .any(|f| f.id == framework.id && f.version == framework.version)
                    {
                        problems.push(Problem {
                            file: name,
                            path: "id".into(),
                            message: format!("{} is defined twice", framework.key()),
                        });
                    } else {
                        list.push(framework);
                    }
                }
                Err(mut err) => problems.append(&mut err.problems),
            }
        }
        if problems.is_empty() {
            Ok(Self { list })
        } else {
            Err(FrameworkError { problems })
        }
    }

    /// Every framework, in file order.
    pub fn all(&self) -> &[Framework] {
        &self.list
    }

    /// The framework `id` at `version`.
    pub fn get(&self, id: &str, version: &str) -> Option<&Framework> {
        self.list
            .iter()
            .find(|f| f.id == id && f.version == version)
    }

    /// The newest version of framework `id` (versions compared number by number).
    pub fn latest(&self, id: &str) -> Option<&Framework> {
        self.list
            .iter()
            .filter(|f| f.id == id)
            .max_by(|a, b| version_order(&a.version, &b.version))
    }
}

/// Orders versions by their numeric parts (`3.10` after `3.9`), then as text.
fn version_order(a: &str, b: &str) -> std::cmp::Ordering {
    let numbers = |v: &str| -> Vec<u64> {
        v.split(|c: char| !c.is_ascii_digit())
            .filter(|part| !part.is_empty())
            .map(|part| part.parse().unwrap_or(u64::MAX))
            .collect()
    };
    numbers(a).cmp(&numbers(b)).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_frameworks_pass_the_check() {
        let frameworks = Frameworks::builtin().unwrap_or_else(|e| panic!("{e}"));
        let ids: Vec<String> = frameworks.all().iter().map(Framework::key).collect();
        assert_eq!(ids, ["dgra@11", "od4b@2.8", "odra@3.1"]);
        let dgra = frameworks.get("dgra", "11").unwrap();
        assert_eq!(dgra.dimensions.len(), 7);
        assert_eq!(dgra.question_count(), 66);
        let odra = frameworks.latest("odra").unwrap();
        assert_eq!(odra.dimensions.len(), 8);
        // 42 rated questions in the methodology, plus 1.5 (Open Government Partnership), which
        // the methodology asks without an importance.
        assert_eq!(odra.question_count(), 43);
        assert_eq!(odra.question("1.5").unwrap().1.importance, None);
        assert_eq!(odra.question("4.5").unwrap().0.id, "4");
        assert_eq!(odra.summary_column("yellow_red"), Some(2));
        assert_eq!(odra.summary_column("grey"), None);
        let od4b = frameworks.get("od4b", "2.8").unwrap();
        assert_eq!((od4b.dimensions.len(), od4b.question_count()), (4, 11));
    }

    const TOY: &str = r##"
id = "toy"
version = "1"
name = { vi = "Khung thử", en = "Toy framework" }
summary_scale = [{ vi = "Thấp", en = "Low" }, { vi = "Cao", en = "High" }]

[[ratings]]
code = "good"
label = { vi = "Tốt", en = "Good" }
meaning = { vi = "sẵn sàng", en = "ready" }
color = "#2e7d32"
summary = 2

[[ratings]]
code = "bad"
label = { vi = "Kém", en = "Bad" }
meaning = { vi = "chưa sẵn sàng", en = "not ready" }
color = "#c62828"
summary = 1

[[signs]]
code = "+"
stance = "for"
label = { vi = "Ủng hộ", en = "For" }
meaning = { vi = "ủng hộ", en = "for" }

[[signs]]
code = "-"
stance = "against"
label = { vi = "Phản bác", en = "Against" }
meaning = { vi = "phản bác", en = "against" }

[[dimensions]]
id = "a"
name = { vi = "Khía cạnh A", en = "Dimension A" }

[[dimensions.questions]]
id = "a1"
text = { vi = "Câu hỏi?", en = "Question?" }
"##;

    #[test]
    fn a_small_framework_parses() {
        let toy = Framework::parse("toy.toml", TOY).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(toy.key(), "toy@1");
        assert!(toy.importance.is_empty());
    }

    fn problems_of(text: &str) -> Vec<String> {
        match Framework::parse("bad.toml", text) {
            Ok(_) => Vec::new(),
            Err(err) => err
                .problems
                .iter()
                .map(|p| format!("{}: {}", p.path, p.message))
                .collect(),
        }
    }

    #[test]
    fn problems_name_the_field() {
        let unknown = TOY.replace("id = \"a1\"", "id = \"a1\"\nimportance = \"huge\"");
        assert_eq!(
            problems_of(&unknown),
            [
                "dimensions[0].questions[0].importance: unknown importance \"huge\" (the framework has no importance levels)"
            ]
        );
        let one_language = TOY.replace(
            "{ vi = \"Câu hỏi?\", en = \"Question?\" }",
            "{ en = \"Question?\" }",
        );
        assert_eq!(
            problems_of(&one_language),
            ["dimensions[0].questions[0].text.vi: is required"]
        );
        let bad_color = TOY.replace("#c62828", "red");
        assert_eq!(
            problems_of(&bad_color),
            ["ratings[1].color: must be #rrggbb"]
        );
        let off_scale = TOY.replace("summary = 2", "summary = 3");
        assert_eq!(
            problems_of(&off_scale),
            ["ratings[0].summary: must be a column of summary_scale, 1 to 2"]
        );
        let twice = format!(
            "{TOY}\n[[dimensions]]\nid = \"b\"\nname = {{ vi = \"B\", en = \"B\" }}\n[[dimensions.questions]]\nid = \"a1\"\ntext = {{ vi = \"x\", en = \"x\" }}\n"
        );
        assert_eq!(
            problems_of(&twice),
            ["dimensions[1].questions[0].id: \"a1\" is used twice"]
        );
        let no_against = TOY.replace("stance = \"against\"", "stance = \"neutral\"");
        assert_eq!(
            problems_of(&no_against),
            ["signs: needs a sign with stance \"against\""]
        );
    }

    #[test]
    fn shape_errors_name_the_field_and_line() {
        let unknown_field = TOY.replace("color = \"#2e7d32\"", "colour = \"#2e7d32\"");
        let problems = problems_of(&unknown_field);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].starts_with("ratings[0]"), "{problems:?}");
        assert!(problems[0].contains("colour"), "{problems:?}");
        let bad_stance = TOY.replace("stance = \"for\"", "stance = \"maybe\"");
        let problems = problems_of(&bad_stance);
        assert!(problems[0].starts_with("signs[0].stance"), "{problems:?}");
        let syntax = problems_of("id = \"toy\"\nversion = ");
        assert!(syntax[0].contains("line 2"), "{syntax:?}");
    }

    #[test]
    fn a_framework_defined_twice_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let odra = builtin::BUILTIN
            .iter()
            .find(|(name, _)| name.starts_with("odra"))
            .unwrap()
            .1;
        std::fs::write(dir.path().join("copy.toml"), odra).unwrap();
        let err = Frameworks::load(Some(dir.path())).unwrap_err();
        assert_eq!(err.problems.len(), 1);
        assert!(
            err.to_string().contains("odra@3.1 is defined twice"),
            "{err}"
        );
    }

    #[test]
    fn versions_order_by_number() {
        assert!(version_order("3.10", "3.9").is_gt());
        assert!(version_order("2.8", "3.1").is_lt());
    }
}
