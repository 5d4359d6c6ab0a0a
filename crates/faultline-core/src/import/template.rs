//! Field templates: `"{Column}"` is replaced by that column's cell, other text is kept as is
//! (`{{` and `}}` write braces). A template whose every placeholder is null renders as null.

use std::borrow::Cow;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Text(String),
    Column(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub parts: Vec<Part>,
}

impl Template {
    pub fn parse(src: &str) -> Result<Self, String> {
        let mut parts = Vec::new();
        let mut text = String::new();
        let mut chars = src.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    text.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    text.push('}');
                }
                '{' => {
                    let mut name = String::new();
                    loop {
                        match chars.next() {
                            Some('}') => break,
                            Some(c) => name.push(c),
                            None => return Err(format!("unclosed {{ in {src:?}")),
                        }
                    }
                    if name.trim().is_empty() {
                        return Err(format!("empty {{}} in {src:?}: name a column"));
                    }
                    if !text.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut text)));
                    }
                    parts.push(Part::Column(name));
                }
                '}' => return Err(format!("unmatched }} in {src:?} (write }}}} for a brace)")),
                c => text.push(c),
            }
        }
        if !text.is_empty() {
            parts.push(Part::Text(text));
        }
        Ok(Template { parts })
    }

    pub fn columns(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Column(c) => Some(c.as_str()),
            Part::Text(_) => None,
        })
    }

    /// Binds column names to their positions in the header.
    pub fn bind(&self, header_index: impl Fn(&str) -> Option<usize>) -> Result<Bound, String> {
        let mut parts = Vec::with_capacity(self.parts.len());
        for p in &self.parts {
            parts.push(match p {
                Part::Text(t) => BoundPart::Text(t.clone()),
                Part::Column(c) => BoundPart::Column(header_index(c).ok_or_else(|| c.clone())?),
            });
        }
        Ok(Bound { parts })
    }
}

#[derive(Debug, Clone)]
enum BoundPart {
    Text(String),
    Column(usize),
}

/// A template bound to a CSV header.
#[derive(Debug, Clone)]
pub struct Bound {
    parts: Vec<BoundPart>,
}

impl Bound {
    /// Renders against one row's cells; `is_null` says which trimmed cells count as no value.
    pub fn render<'a>(
        &'a self,
        cell: impl Fn(usize) -> &'a str,
        is_null: impl Fn(&str) -> bool,
    ) -> Option<Cow<'a, str>> {
        match self.parts.as_slice() {
            [BoundPart::Column(i)] => {
                let v = cell(*i).trim();
                (!is_null(v)).then_some(Cow::Borrowed(v))
            }
            [BoundPart::Text(t)] => Some(Cow::Borrowed(t.as_str())),
            parts => {
                let mut out = String::new();
                let mut any_column = false;
                let mut any_value = false;
                for p in parts {
                    match p {
                        BoundPart::Text(t) => out.push_str(t),
                        BoundPart::Column(i) => {
                            any_column = true;
                            let v = cell(*i).trim();
                            if !is_null(v) {
                                any_value = true;
                                out.push_str(v);
                            }
                        }
                    }
                }
                (!any_column || any_value).then(|| Cow::Owned(out.trim().to_string()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn render(tpl: &str, cells: &[&'static str]) -> Option<String> {
        let t = Template::parse(tpl).unwrap_or_else(|e| panic!("{e}"));
        let header = ["A", "B"];
        let b = t
            .bind(|c| header.iter().position(|h| *h == c))
            .unwrap_or_else(|c| panic!("no column {c}"));
        let cells = cells.to_vec();
        b.render(move |i| cells[i], |v| v.is_empty() || v == "NA")
            .map(|c| c.into_owned())
    }

    #[test]
    fn placeholders_constants_and_nulls() {
        assert_eq!(render("EX-{A}", &["3", ""]).as_deref(), Some("EX-3"));
        assert_eq!(render("{A}", &[" NA ", ""]), None);
        assert_eq!(render("{A}|{B}", &["NA", ""]), None);
        assert_eq!(render("{A}|{B}", &["x", "NA"]).as_deref(), Some("x|"));
        assert_eq!(render("closed", &["x", "y"]).as_deref(), Some("closed"));
        assert_eq!(render("{{{A}}}", &["x", "y"]).as_deref(), Some("{x}"));
    }

    #[test]
    fn malformed_templates_are_explained() {
        assert!(Template::parse("{A").is_err());
        assert!(Template::parse("A}").is_err());
        assert!(Template::parse("{}").is_err());
    }

    proptest! {
        #[test]
        fn text_without_braces_is_a_constant(s in "[^{}]*") {
            let t = Template::parse(&s).unwrap_or_else(|e| panic!("{e}"));
            prop_assert_eq!(t.columns().count(), 0);
        }

        #[test]
        fn parsing_never_panics(s in ".*") {
            let _ = Template::parse(&s);
        }
    }
}
