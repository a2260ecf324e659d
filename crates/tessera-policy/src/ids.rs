//! Where new ids come from. The engine takes them from an [`IdSource`] so that its
//! decisions are reproducible in tests and replays.

use uuid::Uuid;

/// A supply of fresh UUIDs for new users, teams and SCIM ids.
pub trait IdSource {
    /// A UUID never handed out before.
    fn next_uuid(&mut self) -> Uuid;
}

/// Random (v4) UUIDs: what the server uses.
#[derive(Debug, Default, Clone, Copy)]
pub struct RandomIds;

impl IdSource for RandomIds {
    fn next_uuid(&mut self) -> Uuid {
        Uuid::new_v4()
    }
}

/// UUIDs counting up from a start value: for tests and replays.
#[derive(Debug, Clone, Copy)]
pub struct SequentialIds {
    next: u128,
}

impl SequentialIds {
    /// Ids counting up from `start`.
    pub fn starting_at(start: u128) -> Self {
        Self { next: start }
    }
}

impl IdSource for SequentialIds {
    fn next_uuid(&mut self) -> Uuid {
        let id = Uuid::from_u128(self.next);
        self.next = self.next.wrapping_add(1);
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequential_ids_count_up_and_random_ids_differ() {
        let mut ids = SequentialIds::starting_at(7);
        assert_eq!(ids.next_uuid(), Uuid::from_u128(7));
        assert_eq!(ids.next_uuid(), Uuid::from_u128(8));
        assert_ne!(RandomIds.next_uuid(), RandomIds.next_uuid());
    }
}
