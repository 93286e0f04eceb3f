//! Input errors in the spreadsheet's language: file, row (header = row 1),
//! column, and what to do about it.

use std::fmt;

/// At most this many errors are listed; the rest are counted.
pub const MAX_LISTED: usize = 25;

/// Cell text quoted in a message is cut to this many characters.
pub const MAX_SHOWN_CHARS: usize = 40;

/// A cell's text for a message: quoted, escaped, and cut short when long (so
/// a runaway cell cannot flood the terminal).
pub fn show(text: &str) -> String {
    if text.chars().count() <= MAX_SHOWN_CHARS {
        format!("{text:?}")
    } else {
        let head: String = text.chars().take(MAX_SHOWN_CHARS).collect();
        format!("{head:?}... ({} characters)", text.chars().count())
    }
}

/// A list of names for a message, cut after `max` with a count of the rest.
pub fn list(names: &[String], max: usize) -> String {
    let mut text = names
        .iter()
        .take(max)
        .map(|n| {
            if n.chars().count() > MAX_SHOWN_CHARS {
                show(n)
            } else {
                n.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > max {
        text.push_str(&format!(" and {} more", names.len() - max));
    }
    text
}

/// One problem with one cell, row or file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub file: String,
    /// Row as a spreadsheet shows it (header = 1); `None` for the whole file.
    pub row: Option<u64>,
    pub column: Option<String>,
    pub message: String,
}

impl InputError {
    pub fn file(file: &str, message: impl Into<String>) -> InputError {
        InputError {
            file: file.to_string(),
            row: None,
            column: None,
            message: message.into(),
        }
    }

    pub fn at(
        file: &str,
        row: u64,
        column: Option<String>,
        message: impl Into<String>,
    ) -> InputError {
        InputError {
            file: file.to_string(),
            row: Some(row),
            column,
            message: message.into(),
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        match (self.row, &self.column) {
            (Some(row), Some(column)) => write!(f, ": row {row}, column {}", show(column))?,
            (Some(row), None) => write!(f, ": row {row}")?,
            (None, Some(column)) => write!(f, ": column {}", show(column))?,
            (None, None) => {}
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for InputError {}

/// Every problem found in the inputs, in file and row order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputErrors(pub Vec<InputError>);

impl From<InputError> for InputErrors {
    fn from(error: InputError) -> InputErrors {
        InputErrors(vec![error])
    }
}

impl From<Vec<InputError>> for InputErrors {
    fn from(errors: Vec<InputError>) -> InputErrors {
        InputErrors(errors)
    }
}

impl fmt::Display for InputErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.0.iter().take(MAX_LISTED).enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{error}")?;
        }
        if self.0.len() > MAX_LISTED {
            write!(f, "\n... and {} more problems", self.0.len() - MAX_LISTED)?;
        }
        Ok(())
    }
}

impl std::error::Error for InputErrors {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_in_messages() {
        assert_eq!(show("12 t"), "\"12 t\"");
        let long = "é".repeat(1000);
        let shown = show(&long);
        assert!(shown.starts_with("\"éé") && shown.ends_with("... (1000 characters)"));
        assert!(shown.chars().count() < 80);
        let names: Vec<String> = (0..30).map(|i| format!("c{i}")).collect();
        assert_eq!(list(&names[..3], 20), "c0, c1, c2");
        assert!(list(&names, 20).ends_with("c19 and 10 more"));
    }

    #[test]
    fn errors_show_file_row_and_column_and_are_capped() {
        let error = InputError::at("o.csv", 3, Some("x".repeat(500)), "bad");
        let text = error.to_string();
        assert!(text.starts_with("o.csv: row 3, column \"xxx"), "{text}");
        assert!(text.len() < 100, "{text}");
        let errors = InputErrors(vec![InputError::file("o.csv", "bad"); MAX_LISTED + 3]);
        let text = errors.to_string();
        assert_eq!(text.lines().count(), MAX_LISTED + 1);
        assert!(text.ends_with("... and 3 more problems"));
    }
}
