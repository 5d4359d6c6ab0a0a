//! Prometheus' text exposition format (version 0.0.4), the little of it the hub needs:
//! `# HELP` and `# TYPE` once per metric, then `name{label="value",…} number` lines, label
//! values escaped (`\\`, `\"`, `\n`).

use std::fmt::Write as _;

/// The `Content-Type` of the answer.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// A metrics page being written.
#[derive(Debug, Default)]
pub struct Text {
    out: String,
}

fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn number(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "+Inf" } else { "-Inf" }.into()
    } else {
        v.to_string()
    }
}

impl Text {
    /// `# HELP` and `# TYPE` of a metric (before its samples).
    pub fn help(&mut self, name: &str, kind: &str, help: &str) {
        let help = help.replace('\\', "\\\\").replace('\n', "\\n");
        let _ = write!(self.out, "# HELP {name} {help}\n# TYPE {name} {kind}\n");
    }

    /// One sample.
    pub fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: f64) {
        self.line(name, labels.iter().copied(), value);
    }

    /// One sample with one more label (a histogram bucket's `le`).
    pub fn sample_with(
        &mut self,
        name: &str,
        labels: &[(&str, &str)],
        extra: (&str, &str),
        value: f64,
    ) {
        self.line(
            name,
            labels.iter().copied().chain(std::iter::once(extra)),
            value,
        );
    }

    fn line<'a>(&mut self, name: &str, labels: impl Iterator<Item = (&'a str, &'a str)>, v: f64) {
        let labels: Vec<String> = labels
            .map(|(k, v)| format!("{k}=\"{}\"", escape(v)))
            .collect();
        if labels.is_empty() {
            let _ = writeln!(self.out, "{name} {}", number(v));
        } else {
            let _ = writeln!(self.out, "{name}{{{}}} {}", labels.join(","), number(v));
        }
    }

    pub fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_are_escaped_and_numbers_written_as_prometheus_reads_them() {
        let mut t = Text::default();
        t.help("x_total", "counter", "Things.");
        t.sample("x_total", &[("site", "A\"B\\C\nD")], 3.0);
        t.sample("x_total", &[], f64::INFINITY);
        t.sample("y", &[("a", "1")], 0.25);
        assert_eq!(
            t.finish(),
            "# HELP x_total Things.\n# TYPE x_total counter\n\
             x_total{site=\"A\\\"B\\\\C\\nD\"} 3\nx_total +Inf\ny{a=\"1\"} 0.25\n"
        );
    }
}
