//! Text folding for search: case- and accent-insensitive, so "koln" finds
//! "Köln" and "ZURICH" finds "Zürich".

/// Lowercase ASCII transliteration (deunicode), e.g. "Hôpital" -> "hopital".
pub fn fold(text: &str) -> String {
    deunicode::deunicode(text).to_lowercase()
}

/// Folded words of at least one letter or digit, in order.
pub fn tokens(text: &str) -> impl Iterator<Item = String> + '_ {
    let folded = fold(text);
    folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect::<Vec<_>>()
        .into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents_and_case() {
        assert_eq!(
            fold("Hôpital Maisonneuve-Rosemont"),
            "hopital maisonneuve-rosemont"
        );
        assert_eq!(fold("KÖLN"), "koln");
    }

    #[test]
    fn splits_on_punctuation() {
        let t: Vec<_> = tokens("CHU de Québec - Université Laval").collect();
        assert_eq!(t, ["chu", "de", "quebec", "universite", "laval"]);
    }
}
