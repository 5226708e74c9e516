//! Azerbaijani-aware text handling: normalisation, Turkic casing, alphabetical order and
//! search folding. Rust's `to_lowercase` and a byte sort get Azerbaijani wrong (I/ı, İ/i, and
//! the order of Ç, Ə, Ğ, X, Q, Ö, Ş, Ü), so every list and search goes through here.

use std::cmp::Ordering;

use unicode_normalization::UnicodeNormalization;

/// The Azerbaijani alphabet in its official order (lower case).
const AZ_ALPHABET: [char; 32] = [
    'a', 'b', 'c', 'ç', 'd', 'e', 'ə', 'f', 'g', 'ğ', 'h', 'x', 'ı', 'i', 'j', 'k', 'q', 'l', 'm',
    'n', 'o', 'ö', 'p', 'r', 's', 'ş', 't', 'u', 'ü', 'v', 'y', 'z',
];

/// NFC-normalises text, maps the look-alike U+01DD "ǝ" (and U+018E "Ǝ") to the Azerbaijani
/// schwa U+0259 "ə" (U+018F "Ə"), and trims surrounding white space. Everything stored goes
/// through this so that search and sorting see one spelling of each letter.
pub fn normalize(input: &str) -> String {
    input
        .trim()
        .nfc()
        .map(|c| match c {
            '\u{01DD}' => 'ə',
            '\u{018E}' => 'Ə',
            other => other,
        })
        .collect()
}

/// Lower-cases one character with Turkic rules: I → ı and İ → i.
fn turkic_lower_char(c: char, out: &mut String) {
    match c {
        'I' => out.push('ı'),
        'İ' => out.push('i'),
        other => out.extend(other.to_lowercase()),
    }
}

/// Lower-cases a string with Turkic rules (I → ı, İ → i).
pub fn turkic_lowercase(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        turkic_lower_char(c, &mut out);
    }
    out
}

/// Upper-cases a string with Turkic rules (i → İ, ı → I).
pub fn turkic_uppercase(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        match c {
            'i' => out.push('İ'),
            'ı' => out.push('I'),
            other => out.extend(other.to_uppercase()),
        }
    }
    out
}

/// A key that sorts strings in Azerbaijani alphabetical order, case-insensitively; digits come
/// before letters, letters outside the Azerbaijani alphabet (w, Cyrillic…) after them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct CollationKey(Vec<u32>);

impl CollationKey {
    pub fn new(input: &str) -> Self {
        let lowered = turkic_lowercase(&normalize(input));
        let mut key = Vec::with_capacity(lowered.len());
        for c in lowered.chars() {
            key.push(collation_weight(c));
        }
        CollationKey(key)
    }
}

fn collation_weight(c: char) -> u32 {
    if c.is_whitespace() {
        return 1;
    }
    if let Some(digit) = c.to_digit(10) {
        return 10 + digit;
    }
    if let Some(pos) = AZ_ALPHABET.iter().position(|&letter| letter == c) {
        return 100 + pos as u32;
    }
    if c.is_alphabetic() {
        // Letters outside the alphabet keep their code-point order after it.
        return 1_000 + c as u32;
    }
    // Punctuation sorts between spaces and digits, in code-point order.
    2 + (c as u32 % 8)
}

/// Compares two strings in Azerbaijani alphabetical order; ties fall back to the exact text
/// so that the order is total and stable.
pub fn compare_az(a: &str, b: &str) -> Ordering {
    CollationKey::new(a)
        .cmp(&CollationKey::new(b))
        .then_with(|| a.cmp(b))
}

/// Folds text for searching: Turkic lower case, then Azerbaijani and Russian letters to their
/// plain Latin/Cyrillic base (ə→e, ı→i, ş→s, ç→c, ğ→g, ö→o, ü→u, ё→е). A search matches when
/// the folded query is a substring of the folded text, so "ismayıllı", "Ismayilli" and
/// "İSMAYILLI" all find "İsmayıllı", as users type on whatever keyboard they have.
pub fn fold_for_search(input: &str) -> String {
    let lowered = turkic_lowercase(&normalize(input));
    lowered
        .chars()
        .map(|c| match c {
            'ə' | 'ä' => 'e',
            'ı' | 'î' | 'ï' => 'i',
            'ş' => 's',
            'ç' => 'c',
            'ğ' => 'g',
            'ö' => 'o',
            'ü' => 'u',
            'ё' => 'е',
            other => other,
        })
        .collect()
}

/// True when every word of the query occurs in the folded haystack (words in any order).
pub fn matches_query(folded_haystack: &str, folded_query: &str) -> bool {
    folded_query
        .split_whitespace()
        .all(|word| folded_haystack.contains(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schwa_lookalike_is_mapped() {
        assert_eq!(normalize(" Kǝngǝrli "), "Kəngərli");
    }

    #[test]
    fn turkic_casing() {
        assert_eq!(turkic_lowercase("İSMAYILLI"), "ismayıllı");
        assert_eq!(turkic_uppercase("ismayıllı"), "İSMAYILLI");
    }
}
