//! "Did you mean": Cyrillic look-alikes, case and camelCase slips, small typos.

/// Maps Cyrillic letters that look like Latin ones to those Latin letters
/// (`error_сode` with a Cyrillic `с` → `error_code`).
fn fold_lookalikes(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'а' => 'a',
            'в' => 'b',
            'с' => 'c',
            'е' => 'e',
            'н' => 'h',
            'і' => 'i',
            'ј' => 'j',
            'к' => 'k',
            'м' => 'm',
            'о' => 'o',
            'р' => 'p',
            'ѕ' => 's',
            'т' => 't',
            'у' => 'y',
            'х' => 'x',
            'А' => 'A',
            'В' => 'B',
            'С' => 'C',
            'Е' => 'E',
            'Н' => 'H',
            'К' => 'K',
            'М' => 'M',
            'О' => 'O',
            'Р' => 'P',
            'Т' => 'T',
            'Х' => 'X',
            c => c,
        })
        .collect()
}

/// `conversationId` / `Conversation-ID` / ` conversation_id ` → `conversation_id`.
fn to_snake(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    let mut prev_lower = false;
    for c in s.trim().chars() {
        // ASCII case only: known names are ASCII, Cyrillic look-alikes are folded first, and
        // Unicode case tables would cost kilobytes of wasm for nothing.
        if c.is_ascii_uppercase() {
            if prev_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            prev_lower = false;
        } else if c == '-' || c == ' ' {
            out.push('_');
            prev_lower = false;
        } else {
            out.push(c);
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        }
    }
    out
}

/// Optimal string alignment distance (Damerau–Levenshtein without repeated edits),
/// over chars; gives up (returns `limit + 1`) once it exceeds `limit`.
fn distance(a: &str, b: &str, limit: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > limit || a.len() > 64 || b.len() > 64 {
        return limit + 1;
    }
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for (j, cell) in d.iter_mut().enumerate().take(w) {
        *cell = j;
    }
    for i in 1..=a.len() {
        d[i * w] = i;
        let mut row_min = usize::MAX;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
            row_min = row_min.min(v);
        }
        if row_min > limit {
            return limit + 1;
        }
    }
    d[a.len() * w + b.len()]
}

/// The known field an unknown key most likely meant, if any is close enough.
pub fn suggest(unknown: &str, known: &[&'static str]) -> Option<&'static str> {
    let folded = fold_lookalikes(unknown);
    let snake = to_snake(&folded);
    for cand in [&folded, &snake] {
        if let Some(k) = known.iter().find(|k| k.eq_ignore_ascii_case(cand)) {
            return Some(k);
        }
    }
    let n = snake.chars().count();
    let limit = match n {
        0..=3 => 0,
        4..=5 => 1,
        _ => 2,
    };
    known
        .iter()
        .map(|k| (distance(&snake, k, limit), *k))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: &[&str] = &[
        "error_code",
        "error",
        "conversation_id",
        "msgid",
        "status_code",
    ];

    #[test]
    fn suggestions() {
        assert_eq!(suggest("error_сode", KNOWN), Some("error_code")); // Cyrillic с
        assert_eq!(suggest("conversationId", KNOWN), Some("conversation_id"));
        assert_eq!(suggest("Conversation-ID", KNOWN), Some("conversation_id"));
        assert_eq!(suggest("conversaton_id", KNOWN), Some("conversation_id"));
        assert_eq!(suggest("msgdi", KNOWN), Some("msgid"));
        assert_eq!(suggest("erorr", KNOWN), Some("error"));
        assert_eq!(suggest("account_id", KNOWN), None);
        assert_eq!(suggest("", KNOWN), None);
        assert_eq!(suggest(&"x".repeat(10_000), KNOWN), None);
    }
}
