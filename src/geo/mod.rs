//! Gazetteer of Azerbaijan's districts, cities and settlements (assets/gazetteer, with its
//! NOTICE) and great-circle distances.

use std::collections::HashMap;

use serde::Deserialize;

use crate::domain::text::{compare_az, normalize};

/// The gazetteer file, built into the binary so that an installed Yuva never misses it.
pub const GAZETTEER_CSV: &str = include_str!("../../assets/gazetteer/az_admin_units.csv");
/// Its sources and licences, shown in the window's "About" and shipped beside the data.
pub const GAZETTEER_NOTICE: &str = include_str!("../../assets/gazetteer/NOTICE.md");

pub const EARTH_RADIUS_KM: f64 = 6371.0;

/// Great-circle distance in km (haversine, Earth radius 6371.0 km).
pub fn haversine_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (phi1, phi2) = (lat1.to_radians(), lat2.to_radians());
    let d_phi = (lat2 - lat1).to_radians();
    let d_lambda = (lon2 - lon1).to_radians();
    let a = (d_phi / 2.0).sin().powi(2) + phi1.cos() * phi2.cos() * (d_lambda / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitKind {
    AutonomousRepublic,
    City,
    District,
    Settlement,
}

/// One administrative unit or settlement.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    pub code: String,
    pub name_az: String,
    pub name_en: String,
    /// Empty where the file has no reviewed Russian name.
    pub name_ru: String,
    pub kind: UnitKind,
    pub parent_code: Option<String>,
    pub economic_region: String,
    /// The point used for distances: the administrative-centre town of a district or city, the
    /// settlement's own point for a settlement.
    pub lat: f64,
    pub lon: f64,
}

impl Unit {
    /// The name in the given interface language, falling back to Azerbaijani.
    pub fn name(&self, lang: crate::i18n::Lang) -> &str {
        use crate::i18n::Lang;
        match lang {
            Lang::Ru if !self.name_ru.is_empty() => &self.name_ru,
            Lang::En if !self.name_en.is_empty() => &self.name_en,
            _ => &self.name_az,
        }
    }
}

#[derive(Debug, Deserialize)]
struct Row {
    code: String,
    name_az: String,
    name_en: String,
    name_ru: String,
    kind: String,
    parent_code: String,
    economic_region: String,
    lat: f64,
    lon: f64,
    centre_lat: Option<f64>,
    centre_lon: Option<f64>,
}

#[derive(Debug, thiserror::Error)]
pub enum GazetteerError {
    #[error("gazetteer line {line}: {message}")]
    Row { line: u64, message: String },
    #[error("gazetteer: {0}")]
    Csv(#[from] csv::Error),
}

/// Settlements that no one lives in to be placed with (offshore platforms).
const HIDDEN_FROM_PICKERS: &[&str] = &["Neft Daşları"];

#[derive(Debug, Clone)]
pub struct Gazetteer {
    units: Vec<Unit>,
    by_code: HashMap<String, usize>,
    /// Districts and cities, in Azerbaijani alphabetical order.
    districts: Vec<usize>,
}

impl Gazetteer {
    /// The gazetteer built into the binary.
    pub fn embedded() -> Result<Self, GazetteerError> {
        Self::from_csv(GAZETTEER_CSV)
    }

    pub fn from_csv(text: &str) -> Result<Self, GazetteerError> {
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let mut units = Vec::new();
        for (index, record) in reader.deserialize::<Row>().enumerate() {
            let line = index as u64 + 2;
            let row = record?;
            let kind = match row.kind.as_str() {
                "autonomous_republic" => UnitKind::AutonomousRepublic,
                "city" => UnitKind::City,
                "district" => UnitKind::District,
                "settlement" => UnitKind::Settlement,
                other => {
                    return Err(GazetteerError::Row {
                        line,
                        message: format!("unknown kind {other:?}"),
                    });
                }
            };
            // Distances from a district use its centre town, not the area point (assets/gazetteer/NOTICE.md).
            let (lat, lon) = match (row.centre_lat, row.centre_lon) {
                (Some(lat), Some(lon)) if kind != UnitKind::Settlement => (lat, lon),
                _ => (row.lat, row.lon),
            };
            units.push(Unit {
                code: row.code,
                name_az: normalize(&row.name_az),
                name_en: row.name_en,
                name_ru: row.name_ru,
                kind,
                parent_code: Some(row.parent_code).filter(|p| !p.is_empty()),
                economic_region: normalize(&row.economic_region),
                lat,
                lon,
            });
        }
        // A city and the district around it often share their Azerbaijani name (Lənkəran,
        // Şəki…; English and Russian tell them apart): the city reads "… şəhəri" so that lists
        // and suggestions show which is which.
        let district_names: Vec<String> = units
            .iter()
            .filter(|u| u.kind == UnitKind::District)
            .map(|u| u.name_az.clone())
            .collect();
        for unit in units.iter_mut() {
            if unit.kind == UnitKind::City && district_names.contains(&unit.name_az) {
                unit.name_az = format!("{} şəhəri", unit.name_az);
            }
        }
        let by_code = units
            .iter()
            .enumerate()
            .map(|(i, u)| (u.code.clone(), i))
            .collect();
        let mut districts: Vec<usize> = units
            .iter()
            .enumerate()
            .filter(|(_, u)| matches!(u.kind, UnitKind::District | UnitKind::City))
            .map(|(i, _)| i)
            .collect();
        districts.sort_by(|&a, &b| compare_az(&units[a].name_az, &units[b].name_az));
        Ok(Gazetteer {
            units,
            by_code,
            districts,
        })
    }

    pub fn unit(&self, code: &str) -> Option<&Unit> {
        self.by_code.get(code).map(|&i| &self.units[i])
    }

    /// Districts and cities (the units a child or family belongs to), in Azerbaijani order.
    pub fn districts(&self) -> impl Iterator<Item = &Unit> {
        self.districts.iter().map(|&i| &self.units[i])
    }

    /// Districts and cities whose name (in any language) contains every word of `query`,
    /// Azerbaijani-aware ("ismayilli" finds İsmayıllı), in Azerbaijani order.
    pub fn search_districts(&self, query: &str) -> Vec<&Unit> {
        use crate::domain::text::{fold_for_search, matches_query};
        let query = fold_for_search(query);
        self.districts()
            .filter(|u| {
                let names = fold_for_search(&format!("{} {} {}", u.name_az, u.name_en, u.name_ru));
                matches_query(&names, &query)
            })
            .collect()
    }

    pub fn is_district(&self, code: &str) -> bool {
        self.unit(code)
            .is_some_and(|u| matches!(u.kind, UnitKind::District | UnitKind::City))
    }

    /// Settlements of a district or city that can be picked, in Azerbaijani order.
    pub fn settlements_of(&self, district_code: &str) -> Vec<&Unit> {
        let mut list: Vec<&Unit> = self
            .units
            .iter()
            .filter(|u| {
                u.kind == UnitKind::Settlement
                    && u.parent_code.as_deref() == Some(district_code)
                    && !HIDDEN_FROM_PICKERS.contains(&u.name_az.as_str())
            })
            .collect();
        list.sort_by(|a, b| compare_az(&a.name_az, &b.name_az));
        list
    }

    pub fn settlement_in_district(&self, settlement_code: &str, district_code: &str) -> bool {
        self.unit(settlement_code).is_some_and(|u| {
            u.kind == UnitKind::Settlement && u.parent_code.as_deref() == Some(district_code)
        })
    }

    /// The point used for distances from a place: the settlement where known, else the district
    /// centre.
    pub fn point(&self, district_code: &str, settlement_code: Option<&str>) -> Option<(f64, f64)> {
        settlement_code
            .and_then(|s| self.unit(s))
            .or_else(|| self.unit(district_code))
            .map(|u| (u.lat, u.lon))
    }

    /// Distinct economic regions, in Azerbaijani order.
    pub fn economic_regions(&self) -> Vec<&str> {
        let mut regions: Vec<&str> = self
            .units
            .iter()
            .map(|u| u.economic_region.as_str())
            .filter(|r| !r.is_empty())
            .collect();
        regions.sort_by(|a, b| compare_az(a, b));
        regions.dedup();
        regions
    }

    pub fn len(&self) -> usize {
        self.units.len()
    }

    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }
}

impl crate::domain::Places for Gazetteer {
    fn is_district(&self, code: &str) -> bool {
        Gazetteer::is_district(self, code)
    }

    fn settlement_in_district(&self, settlement_code: &str, district_code: &str) -> bool {
        Gazetteer::settlement_in_district(self, settlement_code, district_code)
    }

    fn names(&self, code: &str) -> Option<[&str; 3]> {
        self.unit(code)
            .map(|u| [u.name_az.as_str(), u.name_en.as_str(), u.name_ru.as_str()])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_gazetteer_loads() {
        let g = Gazetteer::embedded().expect("embedded gazetteer parses");
        assert_eq!(g.len(), 323);
        assert_eq!(g.districts().count(), 77);
        assert!(g.is_district("AZ-ABS"));
        // The city of Lənkəran and the district around it read differently in Azerbaijani.
        assert_eq!(
            g.unit("AZ-LA").map(|u| u.name_az.as_str()),
            Some("Lənkəran şəhəri")
        );
        assert_eq!(
            g.unit("AZ-LAN").map(|u| u.name_az.as_str()),
            Some("Lənkəran")
        );
        assert!(
            !g.is_district("AZ-NX"),
            "the autonomous republic is not a district"
        );
        // Abşeron's distance point is its centre town Xırdalan, not the area point.
        let abs = g.unit("AZ-ABS").expect("Abşeron");
        assert!((abs.lat - 40.44808).abs() < 1e-9);
        assert!(
            g.settlements_of("AZ-BA")
                .iter()
                .all(|u| u.name_az != "Neft Daşları")
        );
    }

    #[test]
    fn haversine_known_distance() {
        // Baku centre to Ganja centre: about 300 km by great circle.
        let d = haversine_km(40.37767, 49.89201, 40.68157, 46.36134);
        assert!((d - 299.0).abs() < 5.0, "{d}");
        assert_eq!(haversine_km(40.0, 49.0, 40.0, 49.0), 0.0);
    }
}
