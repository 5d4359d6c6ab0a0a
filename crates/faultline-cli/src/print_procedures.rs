//! Output of `faultline procedures` and `faultline procedure`.

use crate::print::Printer;
use faultline_core::domain::{Procedure, ProcedureScope, ProcedureSummary};

type Result<T> = std::result::Result<T, faultline_core::CoreError>;

fn scope(s: ProcedureScope) -> &'static str {
    match s {
        ProcedureScope::Model => "model",
        ProcedureScope::Class => "class",
        ProcedureScope::General => "all",
    }
}

/// One line per procedure: code, scope, steps, problem and title.
pub(crate) fn summary_lines(list: &[ProcedureSummary]) -> String {
    list.iter()
        .map(|p| {
            format!(
                "  {:<16} {:<6} {:>2} steps  {:<10} {}\n",
                p.code,
                scope(p.scope),
                p.step_count,
                p.problem_code.as_deref().unwrap_or("-"),
                p.title
            )
        })
        .collect()
}

impl Printer {
    pub fn procedures(&self, list: &[ProcedureSummary]) -> Result<()> {
        self.emit(&list, || {
            if list.is_empty() {
                return "No procedures: import the CMMS's job plans (kind = \"procedures\") or sync \
                        with the hub."
                    .to_string();
            }
            summary_lines(list).trim_end().to_string()
        })
    }

    pub fn procedure(&self, p: &Procedure) -> Result<()> {
        self.emit(p, || {
            let applies = match (&p.manufacturer, &p.model, &p.equipment_class) {
                (m, Some(model), _) => format!(
                    "for model {}{model}",
                    m.as_ref().map(|m| format!("{m} ")).unwrap_or_default()
                ),
                (_, None, Some(class)) => format!("for every asset of class {class}"),
                _ => "for every asset".to_string(),
            };
            let mut s = format!("{} — {}\n{applies}", p.code, p.title);
            if let Some(problem) = &p.problem_code {
                s.push_str(&format!("  (problem {problem})"));
            }
            s.push('\n');
            for step in &p.steps {
                s.push_str(&format!("\n{:>3}. ", step.number));
                if let Some(c) = &step.caution {
                    s.push_str(&format!("CAUTION: {c}\n     "));
                }
                s.push_str(&format!("{}\n", step.instruction));
            }
            s.trim_end().to_string()
        })
    }
}
