//! What a figure is computed over: the whole replica, a site, a line (location code), an asset
//! model, an equipment class or one asset. Codes compare without regard to ASCII case.

use crate::Asset;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS, Default)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    #[default]
    All,
    Site(String),
    Line(String),
    Model(String),
    Class(String),
    Asset(String),
}

fn same(a: Option<&str>, b: &str) -> bool {
    a.is_some_and(|a| a.eq_ignore_ascii_case(b))
}

impl Scope {
    pub fn matches(&self, a: &Asset) -> bool {
        match self {
            Scope::All => true,
            Scope::Site(s) => a.site.eq_ignore_ascii_case(s),
            Scope::Line(l) => same(a.location.as_deref(), l),
            Scope::Model(m) => same(a.model.as_deref(), m),
            Scope::Class(c) => same(a.equipment_class.as_deref(), c),
            Scope::Asset(t) => a.tag.eq_ignore_ascii_case(t),
        }
    }
}
