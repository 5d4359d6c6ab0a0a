//! The push request body, read mutation by mutation: one mutation that cannot be read (a lone
//! surrogate in a string, a number out of its type's range, an unknown kind) or that carries a
//! value no record may hold (a control character, a time out of range) is answered `rejected`
//! on its own, and the rest of the batch goes to the store. Only a body that is not a push at
//! all, a mutation without a readable `mutation_id` (its answer could not be matched), or a
//! `user` that is not a person's name refuses the whole request.

use super::error::ApiFailure;
use crate::push_checks;
use chrono::{DateTime, Utc};
use faultline_core::validate;
use faultline_protocol::push::reject_codes;
use faultline_protocol::{MutationEnvelope, MutationResult, Outcome, PushRequest, PushResponse};
use serde::Deserialize;
use serde_json::value::RawValue;
use uuid::Uuid;

/// The body with each mutation still unread.
#[derive(Deserialize)]
pub struct RawPush {
    user: String,
    mutations: Vec<Box<RawValue>>,
}

impl RawPush {
    pub fn len(&self) -> usize {
        self.mutations.len()
    }
}

/// Just the id of a mutation that cannot be read whole (other fields are skipped unread).
#[derive(Deserialize)]
struct IdOnly {
    mutation_id: Uuid,
}

/// A push split into what goes to the store and what is already answered.
pub struct Split {
    /// The mutations to apply, in request order.
    pub request: PushRequest,
    /// One entry per mutation of the body: `Some` when answered here, `None` when sent on.
    answered: Vec<Option<MutationResult>>,
}

fn refused(mutation_id: Uuid, reason: String) -> MutationResult {
    MutationResult {
        mutation_id,
        replayed: false,
        outcome: Outcome::Rejected {
            code: reject_codes::INVALID_VALUE.to_string(),
            reason,
        },
    }
}

/// Reads each mutation of `raw` and checks its envelope (`push_checks::check_envelope`).
pub fn split(raw: RawPush, now: DateTime<Utc>) -> Result<Split, ApiFailure> {
    validate::check_text(
        "user",
        "the user name",
        &raw.user,
        validate::MAX_SHORT_TEXT_CHARS,
    )
    .map_err(|e| ApiFailure::malformed(format!("the push's user: {}", e.reason)))?;
    let mut mutations = Vec::with_capacity(raw.mutations.len());
    let mut answered = Vec::with_capacity(raw.mutations.len());
    for (i, m) in raw.mutations.iter().enumerate() {
        match serde_json::from_str::<MutationEnvelope>(m.get()) {
            Ok(env) => match push_checks::check_envelope(&env, now) {
                Ok(()) => {
                    mutations.push(env);
                    answered.push(None);
                }
                Err(e) => answered.push(Some(refused(env.mutation_id, e.reason))),
            },
            Err(e) => {
                let id = serde_json::from_str::<IdOnly>(m.get())
                    .map(|i| i.mutation_id)
                    .map_err(|id_err| {
                        ApiFailure::malformed(format!(
                            "the request body does not have the expected fields: mutation {} has no readable mutation_id ({id_err})",
                            i + 1
                        ))
                    })?;
                let reason = if e.to_string().contains("unknown variant") {
                    format!("this hub does not know this kind of change ({e}): update the hub, then sync again")
                } else {
                    format!(
                        "this change cannot be read ({e}): it holds a value no record can store"
                    )
                };
                answered.push(Some(refused(id, reason)));
            }
        }
    }
    Ok(Split {
        request: PushRequest {
            user: raw.user,
            mutations,
        },
        answered,
    })
}

impl Split {
    /// The answers in the body's order: those given here, and the store's for the rest.
    pub fn merge(self, store: PushResponse) -> Result<PushResponse, String> {
        let sent = self.answered.iter().filter(|a| a.is_none()).count();
        if store.results.len() != sent {
            return Err(format!(
                "the store answered {} of {sent} mutations",
                store.results.len()
            ));
        }
        let mut from_store = store.results.into_iter();
        let results = self
            .answered
            .into_iter()
            .filter_map(|a| a.or_else(|| from_store.next()))
            .collect();
        Ok(PushResponse { results })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(mutations: &[&str]) -> RawPush {
        let json = format!(r#"{{"user":"ana","mutations":[{}]}}"#, mutations.join(","));
        serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"))
    }

    fn note(id: u128, text: &str) -> String {
        format!(
            r#"{{"mutation_id":"{}","device_seq":1,"base_version":0,"created_at":"2026-01-01T00:00:00Z",
               "mutation":{{"type":"add_note","note_id":"{}","work_order_id":"{}","author":"ana",
               "text":"{text}","created_at":"2026-01-01T00:00:00Z"}}}}"#,
            Uuid::from_u128(id),
            Uuid::from_u128(id + 100),
            Uuid::from_u128(7)
        )
    }

    fn code(r: &Option<MutationResult>) -> Option<&str> {
        match r.as_ref().map(|r| &r.outcome) {
            Some(Outcome::Rejected { code, .. }) => Some(code),
            _ => None,
        }
    }

    #[test]
    fn a_lone_surrogate_or_a_nul_rejects_only_its_own_mutation() {
        let now = Utc::now();
        let raw = body(&[
            &note(1, "fine"),
            &note(2, r"bad \ud800 surrogate"),
            &note(3, r"nul \u0000 here"),
            &note(4, "fine too"),
        ]);
        let s = split(raw, now).unwrap_or_else(|e| panic!("{}", e.message));
        let ids: Vec<Uuid> = s.request.mutations.iter().map(|m| m.mutation_id).collect();
        assert_eq!(ids, vec![Uuid::from_u128(1), Uuid::from_u128(4)]);
        assert_eq!(code(&s.answered[1]), Some(reject_codes::INVALID_VALUE));
        assert_eq!(
            s.answered[1].as_ref().map(|r| r.mutation_id),
            Some(Uuid::from_u128(2))
        );
        assert_eq!(code(&s.answered[2]), Some(reject_codes::INVALID_VALUE));
        let merged = s
            .merge(PushResponse {
                results: ids
                    .iter()
                    .map(|id| MutationResult {
                        mutation_id: *id,
                        replayed: false,
                        outcome: Outcome::Applied { version: 1 },
                    })
                    .collect(),
            })
            .unwrap_or_else(|e| panic!("{e}"));
        let order: Vec<Uuid> = merged.results.iter().map(|r| r.mutation_id).collect();
        assert_eq!(order, (1..=4).map(Uuid::from_u128).collect::<Vec<_>>());
    }

    #[test]
    fn a_mutation_without_a_readable_id_or_a_bad_user_refuses_the_request() {
        assert!(split(body(&[r#"{"mutation_id":"nope"}"#]), Utc::now()).is_err());
        let raw: RawPush = serde_json::from_str(&format!(
            r#"{{"user":"{}","mutations":[]}}"#,
            "a".repeat(501)
        ))
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(split(raw, Utc::now()).is_err());
    }
}
