//! The registry as the window shows it: every record in memory with the list indexes, loaded
//! from the store at start; after a record is saved only that record (and the sibling groups)
//! is read again.

use std::collections::HashMap;

use crate::domain::listing::{ChildIndex, FamilyIndex};
use crate::domain::{Child, Family, SiblingGroup};
use crate::geo::Gazetteer;
use crate::store::{self, Store};

/// Each record's position in its list, by id.
fn index_by_id(ids: Vec<Option<i64>>) -> HashMap<i64, usize> {
    ids.into_iter()
        .enumerate()
        .filter_map(|(i, id)| id.map(|id| (id, i)))
        .collect()
}

/// The positions of each sibling group's children.
fn members_by_group(children: &[Child]) -> HashMap<i64, Vec<usize>> {
    let mut members: HashMap<i64, Vec<usize>> = HashMap::new();
    for (i, child) in children.iter().enumerate() {
        if let Some(group) = child.sibling_group_id {
            members.entry(group).or_default().push(i);
        }
    }
    members
}

/// Where the record `id` is in its list: its position, or the end of the list (`len`) for a
/// new record, which is then remembered there.
fn position_of(by_id: &mut HashMap<i64, usize>, id: i64, len: usize) -> usize {
    *by_id.entry(id).or_insert(len)
}

pub struct Registry {
    pub families: Vec<Family>,
    pub children: Vec<Child>,
    pub groups: Vec<SiblingGroup>,
    pub occupied: HashMap<i64, u32>,
    /// The children placed in each family now (active placements), by family id.
    pub placed_in: HashMap<i64, Vec<i64>>,
    /// Records another office owns (seen for matching; not changed here).
    pub owned_elsewhere: store::sync::OwnedElsewhere,
    pub family_index: FamilyIndex,
    pub child_index: ChildIndex,
    family_by_id: HashMap<i64, usize>,
    child_by_id: HashMap<i64, usize>,
    group_by_id: HashMap<i64, usize>,
    members: HashMap<i64, Vec<usize>>,
}

impl Registry {
    pub fn load(store: &Store, gazetteer: &Gazetteer) -> store::Result<Registry> {
        let families = store.families()?;
        let children = store.children()?;
        let groups = store.sibling_groups()?;
        let occupied = store.occupied_places()?;
        let mut registry = Self::from_records(families, children, groups, occupied, gazetteer);
        registry.owned_elsewhere = store.owned_elsewhere()?;
        for placement in store.placements()?.iter().filter(|p| p.is_active()) {
            registry
                .placed_in
                .entry(placement.family_id)
                .or_default()
                .push(placement.child_id);
        }
        Ok(registry)
    }

    pub fn from_records(
        families: Vec<Family>,
        children: Vec<Child>,
        groups: Vec<SiblingGroup>,
        occupied: HashMap<i64, u32>,
        gazetteer: &Gazetteer,
    ) -> Registry {
        let members = members_by_group(&children);
        Registry {
            family_index: FamilyIndex::build(&families, gazetteer),
            child_index: ChildIndex::build(&children, gazetteer),
            family_by_id: index_by_id(families.iter().map(|f| f.id).collect()),
            child_by_id: index_by_id(children.iter().map(|c| c.id).collect()),
            group_by_id: index_by_id(groups.iter().map(|g| g.id).collect()),
            members,
            families,
            children,
            groups,
            occupied,
            placed_in: HashMap::new(),
            owned_elsewhere: store::sync::OwnedElsewhere::default(),
        }
    }

    pub fn family(&self, id: i64) -> Option<&Family> {
        self.family_by_id.get(&id).map(|&i| &self.families[i])
    }

    pub fn child(&self, id: i64) -> Option<&Child> {
        self.child_by_id.get(&id).map(|&i| &self.children[i])
    }

    pub fn group(&self, id: i64) -> Option<&SiblingGroup> {
        self.group_by_id.get(&id).map(|&i| &self.groups[i])
    }

    /// The children of a sibling group.
    pub fn group_members(&self, group_id: i64) -> impl Iterator<Item = &Child> {
        self.members
            .get(&group_id)
            .into_iter()
            .flatten()
            .map(|&i| &self.children[i])
    }

    pub fn occupied_of(&self, family: &Family) -> u32 {
        family
            .id
            .and_then(|id| self.occupied.get(&id))
            .copied()
            .unwrap_or(0)
    }

    pub fn free_places(&self, family: &Family) -> u32 {
        u32::from(family.terms.places).saturating_sub(self.occupied_of(family))
    }

    /// Takes a saved family as the store now has it: replaced in place, or added.
    pub fn put_family(&mut self, family: Family, gazetteer: &Gazetteer) {
        let Some(id) = family.id else { return };
        let position = position_of(&mut self.family_by_id, id, self.families.len());
        self.family_index.put(position, &family, gazetteer);
        match self.families.get_mut(position) {
            Some(slot) => *slot = family,
            None => self.families.push(family),
        }
    }

    /// Takes a saved child as the store now has it, with the sibling groups (a save may have
    /// created one or changed the child's group).
    pub fn put_child(&mut self, child: Child, groups: Vec<SiblingGroup>, gazetteer: &Gazetteer) {
        let Some(id) = child.id else { return };
        let position = position_of(&mut self.child_by_id, id, self.children.len());
        self.child_index.put(position, &child, gazetteer);
        match self.children.get_mut(position) {
            Some(slot) => *slot = child,
            None => self.children.push(child),
        }
        self.group_by_id = index_by_id(groups.iter().map(|g| g.id).collect());
        self.groups = groups;
        self.members = members_by_group(&self.children);
    }

    /// The children placed in a family now.
    pub fn children_placed_in(&self, family_id: i64) -> impl Iterator<Item = &Child> {
        self.placed_in
            .get(&family_id)
            .into_iter()
            .flatten()
            .filter_map(|&id| self.child(id))
    }

    pub fn is_empty(&self) -> bool {
        self.families.is_empty() && self.children.is_empty()
    }
}
