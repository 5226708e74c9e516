//! Synthetic registries for training, demonstrations and tests. Every name, phone number and
//! story here is invented; no real personal data enters the repository.
//!
//! The same seed and reference date always give the same registry (the generator draws from
//! one seeded `fastrand` stream, pinned to an exact version in Cargo.toml).

mod names;
pub mod profiles;

use std::collections::{BTreeSet, HashMap};

use chrono::{Days, NaiveDate};

use crate::domain::*;
use crate::geo::{Gazetteer, Unit};
use crate::store::{GroupChange, Result, Store};
use names::*;

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoOptions {
    pub seed: u64,
    pub families: usize,
    pub children: usize,
    /// The date the registry is "as of": ages, waiting times and review dates are relative to it.
    pub today: NaiveDate,
}

impl DemoOptions {
    pub const DEFAULT_SEED: u64 = 2026;
    pub const DEFAULT_FAMILIES: usize = 60;
    pub const DEFAULT_CHILDREN: usize = 150;

    pub fn new(today: NaiveDate) -> Self {
        DemoOptions {
            seed: Self::DEFAULT_SEED,
            families: Self::DEFAULT_FAMILIES,
            children: Self::DEFAULT_CHILDREN,
            today,
        }
    }
}

/// A generated registry, before it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoRegistry {
    pub families: Vec<Family>,
    /// Children with the index of their group in `groups`, if any.
    pub children: Vec<(Child, Option<usize>)>,
    pub groups: Vec<SiblingGroup>,
    /// (child index, family index, start date) of active placements.
    pub placements: Vec<(usize, usize, NaiveDate)>,
    /// Placements of the registry's history that have ended.
    pub ended: Vec<EndedPlacement>,
}

/// A placement of the demo's history that has ended (by child and family index).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EndedPlacement {
    pub child: usize,
    pub family: usize,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub reason: EndReason,
}

/// Counts of what was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoSummary {
    pub families: usize,
    pub children: usize,
    pub groups: usize,
    pub placements: usize,
    /// Placements that have ended (the registry's history).
    pub ended_placements: usize,
}

struct Gen<'a> {
    rng: fastrand::Rng,
    today: NaiveDate,
    gazetteer: &'a Gazetteer,
    districts: Vec<&'a Unit>,
}

impl<'a> Gen<'a> {
    fn pick<'s, T>(&mut self, items: &'s [T]) -> &'s T {
        &items[self.rng.usize(..items.len())]
    }

    fn chance(&mut self, probability: f64) -> bool {
        self.rng.f64() < probability
    }

    /// Picks an index by weight.
    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut roll = self.rng.u32(..total);
        for (i, &w) in weights.iter().enumerate() {
            if roll < w {
                return i;
            }
            roll -= w;
        }
        weights.len() - 1
    }

    fn days_ago(&mut self, min: u64, max: u64) -> NaiveDate {
        let days = self.rng.u64(min..=max);
        self.today
            .checked_sub_days(Days::new(days))
            .unwrap_or(self.today)
    }

    fn shift(date: NaiveDate, days: i64) -> NaiveDate {
        if days >= 0 {
            date.checked_add_days(Days::new(days as u64))
                .unwrap_or(date)
        } else {
            date.checked_sub_days(Days::new(days.unsigned_abs()))
                .unwrap_or(date)
        }
    }

    /// A birth date for someone aged between `min` and `max` whole years today.
    fn birth_date(&mut self, min_age: u64, max_age: u64) -> NaiveDate {
        let days = self.rng.u64(min_age * 365 + 1..=max_age * 365 + 300);
        self.today
            .checked_sub_days(Days::new(days))
            .unwrap_or(self.today)
    }

    /// Baku and the large cities hold most cases, as in the pilot.
    fn district(&mut self) -> &'a Unit {
        let roll = self.rng.u32(..100);
        let code = match roll {
            0..=29 => Some("AZ-BA"),
            30..=37 => Some("AZ-SM"),
            38..=44 => Some("AZ-GA"),
            45..=48 => Some("AZ-LA"),
            _ => None,
        };
        code.and_then(|c| self.gazetteer.unit(c))
            .unwrap_or_else(|| self.districts[self.rng.usize(..self.districts.len())])
    }

    fn location(&mut self, district: &Unit) -> Location {
        let settlements = self.gazetteer.settlements_of(&district.code);
        let settlement = if !settlements.is_empty() && self.chance(0.6) {
            Some(settlements[self.rng.usize(..settlements.len())])
        } else {
            None
        };
        let (lat, lon) = settlement.map_or((district.lat, district.lon), |s| (s.lat, s.lon));
        // Spread homes around the point so that distances differ within a town.
        let jitter = |rng: &mut fastrand::Rng| (rng.f64() - 0.5) * 0.04;
        let street = self.pick(STREETS).to_string();
        let house = self.rng.u32(1..=180);
        Location {
            address: format!("{street} küç., {house}"),
            district_code: district.code.clone(),
            settlement_code: settlement.map(|s| s.code.clone()),
            lat: ((lat + jitter(&mut self.rng)) * 1e5).round() / 1e5,
            lon: ((lon + jitter(&mut self.rng)) * 1e5).round() / 1e5,
        }
    }

    fn languages(&mut self, district: &Unit, russian_share: f64) -> BTreeSet<Language> {
        let mut set = BTreeSet::from([Language::Azerbaijani]);
        if self.chance(russian_share) {
            set.insert(Language::Russian);
        }
        let regional = match district.code.as_str() {
            "AZ-QUS" | "AZ-QBA" | "AZ-XAC" => Some(Language::Lezgian),
            "AZ-LA" | "AZ-LAN" | "AZ-AST" | "AZ-LER" | "AZ-MAS" => Some(Language::Talysh),
            "AZ-ZAQ" | "AZ-BAL" => Some(Language::Avar),
            _ => None,
        };
        if let Some(language) = regional
            && self.chance(0.5)
        {
            set.insert(language);
        }
        if self.chance(0.03) {
            set.insert(Language::English);
        }
        if self.chance(0.03) {
            set.insert(Language::Turkish);
        }
        set
    }

    fn phone(&mut self) -> String {
        let prefix = self
            .pick(&["50", "51", "55", "70", "77", "99", "10"])
            .to_string();
        format!(
            "+994 {prefix} {:03} {:02} {:02}",
            self.rng.u32(100..1000),
            self.rng.u32(0..100),
            self.rng.u32(0..100)
        )
    }

    fn person_name(&mut self, sex: Sex, surname_root: &str) -> String {
        let first = match sex {
            Sex::Female => self.pick(FEMALE_NAMES),
            Sex::Male => self.pick(MALE_NAMES),
        };
        // Surname first, as registers in Azerbaijan write names (and the form asks for them).
        format!("{} {first}", surname(surname_root, sex))
    }

    fn family(&mut self, index: usize) -> Family {
        let mut family = Family::new(format!("F-{:04}", index + 1));
        let root = self.pick(SURNAME_ROOTS).to_string();
        let main_sex = if self.chance(0.75) {
            Sex::Female
        } else {
            Sex::Male
        };
        let main_birth = self.birth_date(27, 62);
        family.main_carer = Carer {
            full_name: self.person_name(main_sex, &root),
            birth_date: Some(main_birth),
            phone: self.phone(),
        };
        if self.chance(0.75) {
            let other = if main_sex == Sex::Female {
                Sex::Male
            } else {
                Sex::Female
            };
            let birth = Self::shift(main_birth, self.rng.i64(-2000..=2000));
            family.second_carer = Some(Carer {
                full_name: self.person_name(other, &root),
                birth_date: Some(birth.min(self.birth_date(25, 25))),
                phone: if self.chance(0.7) {
                    self.phone()
                } else {
                    String::new()
                },
            });
        }
        let own_children = self.weighted(&[30, 30, 25, 15]);
        for _ in 0..own_children {
            let sex = if self.chance(0.5) {
                Sex::Female
            } else {
                Sex::Male
            };
            family.household.push(HouseholdMember {
                full_name: self.person_name(sex, &root),
                relation: if sex == Sex::Female {
                    Relation::Daughter
                } else {
                    Relation::Son
                },
                birth_date: Some(self.birth_date(1, 30)),
            });
        }
        if self.chance(0.15) {
            family.household.push(HouseholdMember {
                full_name: self.person_name(Sex::Female, &root),
                relation: Relation::Parent,
                birth_date: Some(self.birth_date(60, 82)),
            });
        }

        let district = self.district();
        family.location = self.location(district);
        family.languages = self.languages(district, 0.4);
        family.religion = match self.weighted(&[82, 8, 4, 1, 5]) {
            0 => Some(Religion::Islam),
            1 => Some(Religion::NoReligion),
            2 => Some(Religion::Christianity),
            3 => Some(Religion::Judaism),
            _ => None,
        };

        family.status = match self.weighted(&[65, 12, 8, 8, 7]) {
            0 => FamilyStatus::Approved,
            1 => FamilyStatus::InAssessment,
            2 => FamilyStatus::Applicant,
            3 => FamilyStatus::Suspended,
            _ => FamilyStatus::Deregistered,
        };
        let assessed = !matches!(
            family.status,
            FamilyStatus::Applicant | FamilyStatus::InAssessment
        );
        if assessed {
            // About one approved family in seven is past its annual review.
            let due_offset = if self.chance(0.15) {
                -self.rng.i64(1..=90)
            } else {
                self.rng.i64(1..=330)
            };
            let due = Self::shift(self.today, due_offset);
            family.review_due = Some(due);
            family.approval_date = Some(Self::shift(due, -365));
        }

        let terms = &mut family.terms;
        let care_pool = [
            CareType::LongTerm,
            CareType::ShortTerm,
            CareType::Emergency,
            CareType::Respite,
        ];
        let kinds = 1 + self.weighted(&[40, 40, 20]);
        let start = self.rng.usize(..care_pool.len());
        terms.care_types = (0..kinds)
            .map(|k| care_pool[(start + k) % care_pool.len()])
            .collect();
        terms.age_min = *self.pick(&[0, 0, 0, 2, 3, 5, 6, 8, 10]);
        terms.age_max = (terms.age_min + self.pick(&[4u8, 6, 8, 10, 17]))
            .min(crate::domain::validation::MAX_CHILD_AGE);
        terms.sex_preference = match self.weighted(&[75, 15, 10]) {
            0 => SexPreference::Any,
            1 => SexPreference::Female,
            _ => SexPreference::Male,
        };
        terms.places = [1, 2, 3, 4][self.weighted(&[35, 40, 18, 7])];
        let need_count = self.weighted(&[50, 30, 15, 5]);
        while terms.needs.len() < need_count {
            terms.needs.insert(*self.pick(Need::ALL));
        }

        if family.status != FamilyStatus::Applicant {
            let base = family
                .approval_date
                .unwrap_or_else(|| self.days_ago(10, 120));
            family.training.push(TrainingRecord {
                course: String::from(TRAINING_BASIC),
                completed_on: Self::shift(base, -self.rng.i64(20..=90)),
            });
            for course in TRAINING_EXTRA {
                if self.chance(0.35) {
                    family.training.push(TrainingRecord {
                        course: String::from(*course),
                        completed_on: Self::shift(base, -self.rng.i64(5..=200)),
                    });
                }
            }
            if family.terms.needs.contains(&Need::Disability) {
                family.training.push(TrainingRecord {
                    course: String::from(TRAINING_DISABILITY),
                    completed_on: Self::shift(base, -self.rng.i64(5..=120)),
                });
            }
            for kind in CheckKind::ALL {
                let done = Self::shift(base, -self.rng.i64(10..=150));
                // Assessed families passed every check; others are part-way through.
                let outcome = if assessed || self.chance(0.6) {
                    CheckOutcome::Passed
                } else {
                    CheckOutcome::Pending
                };
                family.checks.push(Check {
                    kind: *kind,
                    done_on: done.min(self.today),
                    outcome,
                    note: String::new(),
                });
            }
        }
        if family.status == FamilyStatus::Suspended {
            family.notes = String::from(*self.pick(SUSPENSION_NOTES));
        }
        family
    }

    fn child(&mut self, index: usize, sibling_of: Option<&Child>) -> Child {
        let sex = if self.chance(0.5) {
            Sex::Female
        } else {
            Sex::Male
        };
        let age_band = self.weighted(&[22, 30, 28, 20]);
        let (min_age, max_age) = [(0, 2), (3, 7), (8, 12), (13, 16)][age_band];
        let birth_date = self.birth_date(min_age, max_age);
        let mut child = match sibling_of {
            Some(sibling) => Child {
                code: format!("C-{:04}", index + 1),
                first_name: String::new(),
                birth_date,
                sex,
                ..sibling.clone()
            },
            None => {
                let district = self.district();
                let location = self.location(district);
                let languages = self.languages(district, 0.2);
                let legal_status = LegalStatus::ALL[self.weighted(&[15, 40, 20, 15, 10])];
                let situation = Situation::ALL[self.weighted(&[55, 15, 15, 15])];
                let urgency = Urgency::ALL[self.weighted(&[60, 28, 12])];
                let care_type = if urgency == Urgency::Emergency && self.chance(0.6) {
                    CareType::Emergency
                } else {
                    CareType::ALL[self.weighted(&[5, 35, 55, 5])]
                };
                let root = self.pick(SURNAME_ROOTS).to_string();
                Child {
                    id: None,
                    code: format!("C-{:04}", index + 1),
                    first_name: String::new(),
                    last_name: root,
                    birth_date,
                    birth_date_estimated: self.chance(0.05),
                    sex,
                    legal_status,
                    situation,
                    location,
                    school: String::new(),
                    languages,
                    needs: BTreeSet::new(),
                    needs_description: String::new(),
                    urgency,
                    care_type,
                    sibling_group_id: None,
                    wishes: String::new(),
                    contact_arrangements: String::from(*self.pick(CONTACT_ARRANGEMENTS)),
                    status: ChildStatus::Awaiting,
                    referral_date: self.days_ago(0, 540),
                    max_distance_km: if self.chance(0.1) {
                        Some(*self.pick(&[30.0, 50.0, 60.0, 80.0]))
                    } else {
                        None
                    },
                    notes: String::new(),
                }
            }
        };
        // Siblings share the family name root; each gets the form for their own sex.
        let root = match sibling_of {
            Some(s) => surname_root_of(&s.last_name).to_string(),
            None => child.last_name.clone(),
        };
        child.last_name = surname(&root, sex);
        child.first_name = match sex {
            Sex::Female => self.pick(FEMALE_NAMES).to_string(),
            Sex::Male => self.pick(MALE_NAMES).to_string(),
        };
        child.referral_date = child.referral_date.max(birth_date);
        child.birth_date_estimated = self.chance(0.05);
        let age = age_in_years(birth_date, self.today);
        child.school = if age >= 6 {
            let district = self
                .gazetteer
                .unit(&child.location.district_code)
                .map_or("", |u| u.name_az.as_str());
            format!(
                "{district} {} nömrəli tam orta məktəb",
                self.rng.u32(1..=60)
            )
        } else if age >= 3 && self.chance(0.6) {
            format!("{} nömrəli uşaq bağçası", self.rng.u32(1..=150))
        } else {
            String::new()
        };
        child.needs.clear();
        let need_count = self.weighted(&[55, 30, 15]);
        while child.needs.len() < need_count {
            child.needs.insert(*self.pick(Need::ALL));
        }
        child.needs_description = child
            .needs
            .iter()
            .map(|n| need_description(*n))
            .collect::<Vec<_>>()
            .join(" ");
        child.wishes = if age >= 5 {
            String::from(*self.pick(WISHES))
        } else {
            String::new()
        };
        child
    }
}

/// Whether a child fits a family's terms of approval (age, care type, needs, sex), so that
/// the demo's placements look like ones a panel would have approved.
fn fits_terms(child: &Child, family: &Family, today: NaiveDate) -> bool {
    let terms = &family.terms;
    let age = child.age_on(today);
    (u32::from(terms.age_min)..=u32::from(terms.age_max)).contains(&age)
        && terms.care_types.contains(&child.care_type)
        && child.needs.is_subset(&terms.needs)
        && match terms.sex_preference {
            SexPreference::Any => true,
            SexPreference::Female => child.sex == Sex::Female,
            SexPreference::Male => child.sex == Sex::Male,
        }
}

/// The children as runs: a sibling group's children together (they follow one another), a
/// child without siblings alone.
fn runs(children: &[(Child, Option<usize>)]) -> Vec<std::ops::Range<usize>> {
    let mut runs = Vec::new();
    let mut i = 0;
    while i < children.len() {
        let group = children[i].1;
        let end = match group {
            Some(_) => {
                i + children[i..]
                    .iter()
                    .take_while(|(_, g)| *g == group)
                    .count()
            }
            None => i + 1,
        };
        runs.push(i..end);
        i = end;
    }
    runs
}

/// Generates a registry in memory.
pub fn generate(options: &DemoOptions, gazetteer: &Gazetteer) -> DemoRegistry {
    let mut g = Gen {
        rng: fastrand::Rng::with_seed(options.seed),
        today: options.today,
        gazetteer,
        districts: gazetteer.districts().collect(),
    };
    let families: Vec<Family> = (0..options.families).map(|i| g.family(i)).collect();

    let mut children: Vec<(Child, Option<usize>)> = Vec::with_capacity(options.children);
    let mut groups: Vec<SiblingGroup> = Vec::new();
    while children.len() < options.children {
        let left = options.children - children.len();
        // About a third of children in care have siblings in care with them.
        let size = if left >= 2 && g.chance(0.14) {
            (2 + g.weighted(&[50, 28, 14, 8])).min(left)
        } else {
            1
        };
        let group = (size > 1).then(|| {
            let may_split = g.chance(0.15);
            groups.push(SiblingGroup {
                id: None,
                code: format!("G-{:04}", groups.len() + 1),
                may_split,
                split_reason: if may_split {
                    String::from(*g.pick(SPLIT_REASONS))
                } else {
                    String::new()
                },
            });
            groups.len() - 1
        });
        let first = g.child(children.len(), None);
        children.push((first.clone(), group));
        for _ in 1..size {
            let sibling = g.child(children.len(), Some(&first));
            children.push((sibling, group));
        }
    }

    // Outcomes: some children are placed (with approved families that have room, siblings
    // together), some went home or left care; the rest wait.
    let mut free: Vec<u32> = families.iter().map(|f| u32::from(f.terms.places)).collect();
    let mut placements = Vec::new();
    for run in runs(&children) {
        let (i, end) = (run.start, run.end);
        let size = (end - i) as u32;
        let roll = g.rng.u32(..100);
        if roll < 22 {
            let start_from = g.rng.usize(..families.len().max(1));
            let found = (0..families.len())
                .map(|k| (start_from + k) % families.len())
                .find(|&f| {
                    let family = &families[f];
                    family.status == FamilyStatus::Approved
                        && free[f] >= size
                        && !family.review_overdue(options.today)
                        && children[i..end]
                            .iter()
                            .all(|(c, _)| fits_terms(c, family, options.today))
                });
            if let Some(f) = found {
                free[f] -= size;
                for (j, (child, _)) in children.iter_mut().enumerate().take(end).skip(i) {
                    child.status = ChildStatus::Placed;
                    let start =
                        Gen::shift(child.referral_date, g.rng.i64(7..=90)).min(options.today);
                    placements.push((j, f, start));
                }
            }
        } else if roll < 30 {
            for (child, _) in &mut children[i..end] {
                child.status = ChildStatus::Reunified;
            }
        } else if roll < 34 {
            for (child, _) in &mut children[i..end] {
                child.status = ChildStatus::Exited;
            }
        }
    }

    let ended = history(options, &families, &children, &placements);
    DemoRegistry {
        families,
        children,
        groups,
        placements,
        ended,
    }
}

/// The registry's history, so that the programme's indicators have something to count:
/// children home or adopted had a placement that ended so, some waiting children had one that
/// broke down, some placed children moved from another family first. Drawn from a random
/// stream of its own, so that who is placed, home or waiting stays what the seed gave before.
fn history(
    options: &DemoOptions,
    families: &[Family],
    children: &[(Child, Option<usize>)],
    placements: &[(usize, usize, NaiveDate)],
) -> Vec<EndedPlacement> {
    let mut rng = fastrand::Rng::with_seed(options.seed ^ 0x0048_4953_544f_5259);
    let approved: Vec<usize> = (0..families.len())
        .filter(|&f| families[f].status == FamilyStatus::Approved)
        .collect();
    let current: HashMap<usize, (usize, NaiveDate)> = placements
        .iter()
        .map(|&(child, family, start)| (child, (family, start)))
        .collect();
    let yesterday = Gen::shift(options.today, -1);
    let mut ended = Vec::new();
    if approved.is_empty() {
        return ended;
    }
    for run in runs(children) {
        let reason = match children[run.start].0.status {
            ChildStatus::Reunified => EndReason::Reunified,
            ChildStatus::Exited => EndReason::Adopted,
            ChildStatus::Awaiting if rng.u32(..100) < 6 => EndReason::Breakdown,
            ChildStatus::Placed if rng.u32(..100) < 8 => EndReason::Moved,
            _ => continue,
        };
        let after_referral = rng.i64(3..=60);
        let lasted = rng.i64(20..=420);
        let now_with = current.get(&run.start).map(|(f, _)| *f);
        let from = rng.usize(..approved.len());
        let Some(family) = (0..approved.len())
            .map(|k| approved[(from + k) % approved.len()])
            .find(|&f| {
                Some(f) != now_with
                    && children[run.clone()]
                        .iter()
                        .all(|(c, _)| fits_terms(c, &families[f], options.today))
            })
        else {
            continue;
        };
        for j in run {
            let start = Gen::shift(children[j].0.referral_date, after_referral);
            // A move ends the day the present placement begins.
            let end = match (reason, current.get(&j)) {
                (EndReason::Moved, Some((_, present))) => *present,
                _ => Gen::shift(start, lasted).min(yesterday),
            };
            if start < end {
                ended.push(EndedPlacement {
                    child: j,
                    family,
                    start,
                    end,
                    reason,
                });
            }
        }
    }
    ended
}

/// Generates a registry and writes it into `store` in one transaction (all or nothing), with
/// one audit entry for the whole load.
pub fn populate(
    store: &mut Store,
    options: &DemoOptions,
    gazetteer: &Gazetteer,
) -> Result<DemoSummary> {
    let registry = generate(options, gazetteer);
    let ctx = Context {
        today: options.today,
        gazetteer,
    };
    store.write(|w| {
        w.without_record_audit();
        let family_ids = registry
            .families
            .iter()
            .map(|f| w.save_family(f, &ctx))
            .collect::<Result<Vec<i64>>>()?;
        let mut group_ids: Vec<Option<i64>> = vec![None; registry.groups.len()];
        let mut child_ids = Vec::with_capacity(registry.children.len());
        for (child, group) in &registry.children {
            let change = match group {
                None => GroupChange::NoGroup,
                Some(g) => match group_ids[*g] {
                    Some(id) => GroupChange::Existing(SiblingGroup {
                        id: Some(id),
                        ..registry.groups[*g].clone()
                    }),
                    None => GroupChange::New(registry.groups[*g].clone()),
                },
            };
            let id = w.save_child(child, &change, &ctx)?;
            if let Some(g) = group
                && group_ids[*g].is_none()
            {
                group_ids[*g] = w.group_of_child(id)?;
            }
            child_ids.push(id);
        }
        // The history first: a child who moved is placed again after its earlier placement.
        for e in &registry.ended {
            w.record_ended_placement(
                child_ids[e.child],
                family_ids[e.family],
                e.start,
                e.end,
                e.reason,
            )?;
        }
        for (child, family, start) in &registry.placements {
            w.start_placement(child_ids[*child], family_ids[*family], *start)?;
        }
        let summary = DemoSummary {
            families: registry.families.len(),
            children: registry.children.len(),
            groups: registry.groups.len(),
            placements: registry.placements.len(),
            ended_placements: registry.ended.len(),
        };
        // The marker with the data, in the same transaction.
        w.set_setting(crate::store::REGISTRY_KIND, crate::store::DEMO_KIND)?;
        w.audit_note(
            "create",
            "demo_registry",
            &crate::store::AuditText::new(
                "demo_created",
                vec![
                    ("seed", options.seed.to_string()),
                    ("families", summary.families.to_string()),
                    ("children", summary.children.to_string()),
                    ("groups", summary.groups.to_string()),
                    ("placements", summary.placements.to_string()),
                    ("ended", summary.ended_placements.to_string()),
                ],
            ),
        )?;
        Ok(summary)
    })
}

/// An instance from a generated demo registry (benchmarks, tests): every child awaiting, the
/// demo's active placements filling their families' places.
pub fn instance_of(
    demo: &DemoRegistry,
    planning_date: NaiveDate,
    settings: crate::matching::Settings,
) -> crate::matching::Instance {
    let mut occupied: HashMap<usize, u32> = HashMap::new();
    for &(_, f, _) in &demo.placements {
        *occupied.entry(f).or_default() += 1;
    }
    // Records as the store would give them: ids are the indices.
    let families: Vec<Family> = demo
        .families
        .iter()
        .enumerate()
        .map(|(i, f)| Family {
            id: Some(i as i64),
            ..f.clone()
        })
        .collect();
    let groups: Vec<SiblingGroup> = demo
        .groups
        .iter()
        .enumerate()
        .map(|(i, g)| SiblingGroup {
            id: Some(i as i64),
            ..g.clone()
        })
        .collect();
    let children: Vec<Child> = demo
        .children
        .iter()
        .map(|(c, g)| Child {
            status: ChildStatus::Awaiting,
            sibling_group_id: g.map(|g| g as i64),
            ..c.clone()
        })
        .collect();
    let occupied_of = |f: &Family| {
        f.id.and_then(|id| occupied.get(&(id as usize)))
            .copied()
            .unwrap_or(0)
    };
    crate::matching::registry::instance_from_records(
        &families,
        occupied_of,
        &children,
        &groups,
        planning_date,
        settings,
    )
}
