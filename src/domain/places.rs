//! What the domain needs to know of places: which codes are districts, which settlement lies
//! in which district, and the names of a place (for search). The gazetteer (`crate::geo`)
//! provides it; tests may pass a smaller one.

pub trait Places {
    /// True for a district or a city (the units a child or a family belongs to).
    fn is_district(&self, code: &str) -> bool;
    /// True when the settlement lies in the district.
    fn settlement_in_district(&self, settlement_code: &str, district_code: &str) -> bool;
    /// The place's names in Azerbaijani, English and Russian (Azerbaijani first), if known.
    fn names(&self, code: &str) -> Option<[&str; 3]>;
}
