//! The query-side synonym table of maintenance language: what a technician at a machine types
//! ("won't take new firmware", "moves the wrong way", "goes limp", "temp", "blinks") mapped to the
//! words OEM manuals use for the same thing ("firmware update", "direction of rotation",
//! "disabled", "temperature", "flashing"). Derived from how manuals name symptoms, states and
//! procedures (fault tables, LED tables, commissioning chapters) — general vocabulary, not the
//! words of any one manual — in English and German.
//!
//! Matching is on the query's plain words (lowercased, accents folded, contractions split by
//! the tokenizer: "won't" → "won" "t"): a trigger of one to three words, in order. Each
//! expansion word is searched (stemmed, per body language) with a reduced weight
//! (the `synonym` ranking weight), keyed to the trigger's first word, so a page that uses the manual's word
//! ranks close to one that uses the typed word, but never above a page that has both.
//!
//! Colloquial filler ("wont", "cant", "dont", "keeps", "stuff") carries no topic: such words are
//! not searched at all ([`is_filler`]); they would otherwise match stray words or typos.
//!
//! The table itself is `synonym_table.rs`. To add an entry: put the typed form (as the plain
//! analyzer sees it: lowercase, no accents, "won't" is "won t") and the manual's words there, and
//! a case in the tests below.

use super::synonym_table::TABLE;

/// Plain words that carry no topic in a technician's query.
const FILLER: &[&str] = &[
    "wont", "won", "cant", "dont", "doesnt", "didnt", "isnt", "aint", "keeps", "stuff", "thing",
    "anymore", "still", "just", "really", "somehow",
];

/// Whether `word` (plain: lowercase, folded) is colloquial filler, not searched.
pub(crate) fn is_filler(word: &str) -> bool {
    FILLER.contains(&word)
}

/// The expansions of the query's plain words `words` (in order, with their offsets):
/// `(offset of the trigger's first word, manual word)`, each manual word once. A contraction the
/// tokenizer split ("won't" → "won" "t", "doesn't" → "doesn" "t") is matched as the word typed
/// without its apostrophe ("wont", "doesnt"), so the table lists each trigger once.
pub(crate) fn expansions(words: &[(usize, String)]) -> Vec<(usize, &'static str)> {
    let words = &join_contractions(words);
    let mut out: Vec<(usize, &'static str)> = Vec::new();
    for (trigger, targets) in TABLE {
        // Compared word by word without collecting: this runs for every entry on every query.
        for window in words.windows(trigger.split(' ').count()) {
            if window
                .iter()
                .map(|(_, w)| w.as_str())
                .eq(trigger.split(' '))
            {
                let offset = window[0].0;
                for t in *targets {
                    if !out.iter().any(|(_, seen)| seen == t) {
                        out.push((offset, t));
                    }
                }
            }
        }
    }
    out
}

/// `words` with each "…n" + "t" pair (a split "n't") joined into one word at the first offset.
fn join_contractions(words: &[(usize, String)]) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::with_capacity(words.len());
    for (offset, word) in words {
        match out.last_mut() {
            Some((_, last)) if word == "t" && last.ends_with('n') => last.push('t'),
            _ => out.push((*offset, word.clone())),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &str) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        let mut analyzer = super::super::analyzers::plain_analyzer();
        let mut stream = analyzer.token_stream(text);
        while let Some(t) = stream.next() {
            out.push((t.offset_from, t.text.clone()));
        }
        out
    }

    fn words_of(text: &str) -> Vec<&'static str> {
        expansions(&plain(text))
            .into_iter()
            .map(|(_, w)| w)
            .collect()
    }

    #[test]
    fn multi_word_triggers_match_in_order_only() {
        assert!(words_of("axis moves the wrong way").contains(&"direction"));
        assert!(!words_of("way wrong").contains(&"direction"));
        assert!(words_of("won't take new firmware").contains(&"update"));
        assert!(words_of("motor goes limp").contains(&"disabled"));
    }

    #[test]
    fn drive_and_servo_colloquialisms_find_the_manual_words() {
        // A VFD's keypad is its "digital operator"; a servo's lag is its following error.
        assert!(words_of("start from the keypad").contains(&"operator"));
        assert!(words_of("axis lags behind").contains(&"following"));
        assert!(words_of("motor weak at low speed").contains(&"torque"));
        assert!(words_of("rpm wrong").contains(&"revolution"));
        assert!(words_of("driver overheating").contains(&"heat"));
        assert!(words_of("back to factory defaults").contains(&"restore"));
    }

    #[test]
    fn expansions_are_keyed_to_the_trigger_and_listed_once() {
        let found = expansions(&plain("temp too hot"));
        // "hot" (offset 9) comes first in the table, so its "temperature" is the one kept.
        assert!(found.contains(&(9, "temperature")));
        assert!(found.contains(&(9, "overtemperature")));
        assert_eq!(found.iter().filter(|(_, w)| *w == "temperature").count(), 1);
    }

    #[test]
    fn german_triggers_match_folded_words() {
        assert!(words_of("Störung zurücksetzen").contains(&"quittieren"));
        assert!(words_of("Heizung geht nicht").contains(&"fehler"));
    }

    #[test]
    fn split_contractions_match_the_trigger_typed_without_apostrophe() {
        assert!(words_of("axis won't move").contains(&"blocked"));
        assert!(words_of("axis wont move").contains(&"blocked"));
        assert!(words_of("spindle doesn't start").contains(&"interlock"));
        assert!(words_of("can't connect to the drive").contains(&"network"));
        // A lone "t" after a word not ending in "n" stays a word of its own.
        assert_eq!(
            join_contractions(&plain("part t 5")).len(),
            plain("part t 5").len()
        );
    }

    #[test]
    fn the_blind_entries_cover_noises_leaks_and_german_symptoms() {
        assert!(words_of("pump squealing").contains(&"bearing"));
        assert!(words_of("indoor unit dripping water").contains(&"condensate"));
        assert!(words_of("stepper skipping steps").contains(&"stall"));
        assert!(words_of("Motor brummt laut").contains(&"gerausch"));
        assert!(words_of("Gerät springt nicht an").contains(&"anlauf"));
        assert!(words_of("Klimagerät kühlt nicht").contains(&"kaltemittel"));
        // The second blind batch: how-to intents and informal part names.
        assert!(words_of("how to wire the limit switch").contains(&"diagram"));
        assert!(words_of("tmc vref too high").contains(&"potentiometer"));
        assert!(words_of("reset the e steps").contains(&"extruder"));
    }

    #[test]
    fn triggers_are_listed_once() {
        let mut seen = std::collections::HashSet::new();
        for (trigger, _) in TABLE {
            assert!(seen.insert(*trigger), "{trigger:?} twice");
            assert!(
                !trigger.split(' ').any(|w| w == "t"),
                "{trigger:?}: write it without the apostrophe"
            );
        }
    }

    #[test]
    fn filler_words_are_recognised() {
        assert!(is_filler("wont"));
        assert!(is_filler("won"));
        assert!(!is_filler("firmware"));
    }

    #[test]
    fn every_trigger_and_target_is_plain_lowercase() {
        for (trigger, targets) in TABLE {
            for w in trigger.split(' ').chain(targets.iter().copied()) {
                assert!(
                    !w.is_empty()
                        && w.chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()),
                    "{w:?}"
                );
            }
        }
    }
}
