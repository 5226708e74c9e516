//! Matching: the planning settings, a run off the window's thread (progress, cancel), the
//! proposals with their explanations rule by rule, the children left unplaced with the
//! smallest change that would place them (tried as a what-if in one click), lock and exclude,
//! the optimizer beside the greedy baseline, and sending proposals to a panel session.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Instant;

use chrono::NaiveDate;
use iced::task::{self, Sipper};
use iced::widget::{button, column, row, scrollable, text, text_input};
use iced::{Alignment, Element, Length, Task};

use crate::domain::advice::{Explanation, NotChosen};
use crate::domain::{PairRuleKind, PanelSession, ValidationErrors, format_date, parse_date};
use crate::i18n::{Lang, relaxation_text, rule_label, rule_values, tr, tr_args};
use crate::matching::prices::Prices;
use crate::matching::registry::Scope;
use crate::matching::{
    Instance, Plan, Progress, Relaxation, Settings, SolveOptions, Stage, UnplacedReason, Weights,
};
use crate::ui::Env;
use crate::ui::background::in_background;
use crate::ui::style;
use crate::ui::widgets::{Choice, choice_list, error_of, field, pager, section, table_row};

const PAGE_SIZE: usize = 40;
/// A large registry on the pure-Rust solver can take long to prove optimal: by default the
/// window shows the best plan found after a minute, marked "not proven", with its bound.
const DEFAULT_TIME_LIMIT_S: u32 = 60;
/// How long the window lets a run check the unplaced children's hints.
const HINT_TIME: std::time::Duration = std::time::Duration::from_secs(20);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeightField {
    Place,
    Km,
    Language,
    Split,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResultView {
    #[default]
    Proposals,
    Unplaced,
    Compare,
}

#[derive(Debug, Clone)]
pub enum Message {
    Date(String),
    Scope(Scope),
    Distance(String),
    Groups(String),
    TimeLimit(String),
    Weight(WeightField, String),
    ResetDefaults,
    Run,
    Cancel,
    /// The solver's progress while it works.
    Progress(Progress),
    /// The run's end: the plan or why there is none.
    Finished(Arc<Result<Plan, String>>),
    View(ResultView),
    Page(usize),
    Select(usize),
    Choose(usize, bool),
    ChooseAll(bool),
    Lock(usize),
    ExcludeReason(String),
    Exclude(usize),
    Lift(i64),
    TryRelaxation(usize),
    TargetSession(Option<i64>),
    Send,
    Print(usize),
    /// Price each setting by solving again with it changed.
    Prices,
    CancelPrices,
    PriceProgress(usize, usize),
    PricesFinished(Arc<Result<Prices, String>>),
}

/// What the application is asked to do with the registry.
pub enum Event {
    Run(RunRequest),
    /// Price each setting of this request (solve again with one setting changed at a time).
    Prices(RunRequest),
    PairRule {
        kind: PairRuleKind,
        child: String,
        family: String,
        reason: String,
    },
    Lift(i64),
    Send {
        session_id: i64,
        proposals: Vec<ProposalRow>,
    },
    /// Print the match pack of a proposal, with its explanation.
    Print {
        child: String,
        family: String,
        explanation: Box<Explanation>,
    },
}

/// A run as the screen asks for it; the application builds the instance from the registry.
#[derive(Debug, Clone)]
pub struct RunRequest {
    pub planning_date: NaiveDate,
    pub settings: Settings,
    /// Stop proving after this long and show the best plan found (marked not proven).
    pub time_limit: Option<std::time::Duration>,
    pub scope: Scope,
    /// An unplaced child and the relaxation to try, without changing any saved setting.
    pub what_if: Option<(String, Relaxation)>,
}

/// A proposal being sent to a panel: codes, distance, value and the explanation.
#[derive(Debug, Clone)]
pub struct ProposalRow {
    pub child: String,
    pub family: String,
    pub distance_km: f64,
    pub value: f64,
    pub explanation: Explanation,
    pub planning_date: NaiveDate,
}

/// A finished run.
pub struct Outcome {
    /// The plan, with the greedy baseline of the same run beside it (`plan.baseline`).
    pub plan: Plan,
    pub planning_date: NaiveDate,
    pub what_if: Option<(String, Relaxation)>,
    pub elapsed_ms: u128,
    /// Children whose family differs between the optimizer and the greedy baseline.
    pub differing: Vec<(String, Option<String>, Option<String>)>,
    /// Proposals already sent to a panel (they stay in the plan, so that the comparison with
    /// the baseline is always made on the same children).
    pub sent: BTreeSet<usize>,
    /// The weights of the run.
    pub weights: Weights,
    names: HashMap<String, String>,
}

impl Outcome {
    /// The proposals that go with `index` as one: a sibling group that must stay together is
    /// chosen, sent, decided and placed as a unit.
    pub fn unit_of(&self, index: usize) -> Vec<usize> {
        let placements = &self.plan.placements;
        let Some(p) = placements.get(index) else {
            return Vec::new();
        };
        let together: Vec<&String> = p
            .explanation
            .siblings
            .as_ref()
            .filter(|s| s.must_stay_together)
            .map(|s| s.placed_with.iter().collect())
            .unwrap_or_default();
        placements
            .iter()
            .enumerate()
            .filter(|(i, q)| *i == index || (q.family == p.family && together.contains(&&q.child)))
            .map(|(i, _)| i)
            .collect()
    }

    /// Whether proposals of this run may go to a panel: not from a what-if run (its rules were
    /// relaxed for looking, not for deciding), and not already sent.
    pub fn can_send(&self, index: usize) -> bool {
        self.what_if.is_none() && !self.sent.contains(&index)
    }
}

/// A run in progress: the solver works on its own thread behind an iced task; dropping the
/// job (Cancel, or a new registry) aborts the task, which tells the solver to stop.
struct Job {
    started: Instant,
    /// The weights the run was made with (the plan value is explained with them).
    weights: Weights,
    _abort: task::Handle,
    planning_date: NaiveDate,
    what_if: Option<(String, Relaxation)>,
    progress: Option<Progress>,
}

/// Sets the solver's cancel flag when the task that waits for it is dropped.
/// Solves on a thread of its own (the solver blocks), reporting its progress, and ends with
/// the plan. Dropping the sipper stops the solver at its next component.
fn price_in_background(
    instance: Instance,
    time_limit: Option<std::time::Duration>,
) -> impl Sipper<Arc<Result<Prices, String>>, (usize, usize)> {
    in_background(move |cancel, report: &(dyn Fn((usize, usize)) + Sync)| {
        let progress = |done: usize, total: usize| report((done, total));
        let options = crate::matching::prices::PriceOptions {
            time_limit_each: time_limit,
            cancel: Some(cancel),
            progress: Some(&progress),
        };
        crate::matching::prices::price_settings(&instance, options).map_err(|e| e.to_string())
    })
}

fn solve_in_background(
    instance: Instance,
    time_limit: Option<std::time::Duration>,
) -> impl Sipper<Arc<Result<Plan, String>>, Progress> {
    in_background(move |cancel, report: &(dyn Fn(Progress) + Sync)| {
        let options = SolveOptions {
            cancel: Some(cancel),
            time_limit,
            progress: Some(report),
            // The plan should not wait long for its hints: those not checked by then are
            // not stated, and "Try it" checks any change by running it.
            hint_time: Some(HINT_TIME),
        };
        crate::matching::solve_with(&instance, options).map_err(|e| e.to_string())
    })
}

/// A lock or exclusion in force, as the screen lists it.
#[derive(Debug, Clone)]
pub struct PairRuleRow {
    pub id: i64,
    pub kind: PairRuleKind,
    pub child: String,
    pub family: String,
    pub reason: String,
    /// When it was set (YYYY-MM-DD).
    pub since: String,
}

impl PairRuleRow {
    /// The reason in the interface language.
    fn reason_text(&self, lang: Lang) -> String {
        crate::i18n::pair_rule_reason(lang, &self.reason)
    }
}

pub struct Screen {
    date: String,
    scope: Scope,
    distance: String,
    groups: String,
    /// Seconds; empty for no limit.
    time_limit: String,
    weights: [String; 4],
    errors: ValidationErrors,
    job: Option<Job>,
    outcome: Option<Outcome>,
    failure: Option<String>,
    view: ResultView,
    page: usize,
    selected: Option<usize>,
    chosen: BTreeSet<usize>,
    exclude_reason: String,
    target_session: Option<i64>,
    /// Sessions that can receive proposals (set by the application).
    pub sessions: Vec<PanelSession>,
    /// Locks and exclusions in force (set by the application).
    pub pair_rules: Vec<PairRuleRow>,
    /// Pricing the settings: (solves done, solves in all) while it runs.
    price_job: Option<PriceJob>,
    prices: Option<Result<Prices, String>>,
}

/// A pricing of the settings on a worker thread (dropping it stops it).
struct PriceJob {
    progress: (usize, usize),
    _abort: iced::task::Handle,
}

pub(super) fn number_text(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value}")
    }
}

impl Screen {
    pub fn new(today: NaiveDate) -> Self {
        let mut screen = Screen {
            date: format_date(today),
            scope: Scope::All,
            distance: String::new(),
            groups: String::new(),
            time_limit: String::new(),
            weights: Default::default(),
            errors: ValidationErrors::new(),
            job: None,
            outcome: None,
            failure: None,
            view: ResultView::default(),
            page: 0,
            selected: None,
            chosen: BTreeSet::new(),
            exclude_reason: String::new(),
            target_session: None,
            sessions: Vec::new(),
            pair_rules: Vec::new(),
            price_job: None,
            prices: None,
        };
        screen.reset_defaults();
        screen
    }

    fn reset_defaults(&mut self) {
        let settings = Settings::default();
        let w = settings.weights;
        self.distance = number_text(settings.max_distance_km);
        self.groups = settings.max_groups_per_family.to_string();
        self.time_limit = DEFAULT_TIME_LIMIT_S.to_string();
        self.weights = [w.place, w.km, w.language, w.split].map(number_text);
    }

    pub fn is_running(&self) -> bool {
        self.job.is_some()
    }

    pub fn outcome(&self) -> Option<&Outcome> {
        self.outcome.as_ref()
    }

    /// Reads the settings fields; errors go next to each field.
    fn request(&mut self, what_if: Option<(String, Relaxation)>) -> Option<RunRequest> {
        let mut errors = ValidationErrors::new();
        let date = parse_date(&self.date);
        if date.is_none() {
            errors.push("date", "error.invalid_date");
        }
        // The instance's own limits (the optimizer refuses more), next to the field.
        use crate::matching::instance::{MAX_DISTANCE_KM, MAX_GROUPS_PER_FAMILY, MAX_WEIGHT};
        let too_big = |field: &str, max: f64, errors: &mut ValidationErrors| {
            errors.push_with(
                field.to_owned(),
                "error.number_at_most",
                vec![("max", number_text(max))],
            );
        };
        let number = |text: &str, field: &str, max: f64, errors: &mut ValidationErrors| match text
            .trim()
            .replace(',', ".")
            .parse::<f64>()
        {
            Ok(v) if v.is_finite() && v >= 0.0 && v <= max => Some(v),
            Ok(v) if v > max => {
                too_big(field, max, errors);
                None
            }
            _ => {
                errors.push(field.to_owned(), "error.invalid_number");
                None
            }
        };
        let distance = number(&self.distance, "distance", MAX_DISTANCE_KM, &mut errors);
        let groups = match self.groups.trim().parse::<u32>() {
            Ok(g) if (1..=MAX_GROUPS_PER_FAMILY).contains(&g) => Some(g),
            Ok(g) if g > MAX_GROUPS_PER_FAMILY => {
                too_big("groups", f64::from(MAX_GROUPS_PER_FAMILY), &mut errors);
                None
            }
            _ => {
                errors.push("groups", "error.groups_at_least_one");
                None
            }
        };
        let time_limit = match self.time_limit.trim() {
            "" => None,
            text => match text
                .replace(',', ".")
                .parse::<f64>()
                .ok()
                .filter(|v| *v > 0.0)
                .and_then(|v| std::time::Duration::try_from_secs_f64(v).ok())
            {
                Some(limit) => Some(limit),
                None => {
                    errors.push("time_limit", "error.invalid_number");
                    None
                }
            },
        };
        let fields = ["w_place", "w_km", "w_language", "w_split"];
        let weights: Vec<Option<f64>> = self
            .weights
            .iter()
            .zip(fields)
            .map(|(text, field)| number(text, field, MAX_WEIGHT, &mut errors))
            .collect();
        self.errors = errors;
        let (Some(date), Some(distance), Some(groups), [Some(p), Some(k), Some(l), Some(s)]) =
            (date, distance, groups, weights.as_slice())
        else {
            return None;
        };
        Some(RunRequest {
            planning_date: date,
            settings: Settings {
                max_distance_km: distance,
                max_groups_per_family: groups,
                weights: Weights {
                    place: *p,
                    km: *k,
                    language: *l,
                    split: *s,
                },
            },
            time_limit,
            scope: self.scope.clone(),
            what_if,
        })
    }

    /// Starts solving `instance`; the task reports progress and the plan to this screen.
    pub fn start(
        &mut self,
        instance: Instance,
        planning_date: NaiveDate,
        time_limit: Option<std::time::Duration>,
        what_if: Option<(String, Relaxation)>,
    ) -> Task<Message> {
        let weights = instance.settings.weights;
        let (task, handle) = Task::sip(
            solve_in_background(instance, time_limit),
            Message::Progress,
            Message::Finished,
        )
        .abortable();
        self.failure = None;
        self.job = Some(Job {
            started: Instant::now(),
            weights,
            _abort: handle.abort_on_drop(),
            planning_date,
            what_if,
            progress: None,
        });
        task
    }

    /// Prices the settings of `instance` on a worker thread.
    pub fn start_prices(
        &mut self,
        instance: Instance,
        time_limit: Option<std::time::Duration>,
    ) -> Task<Message> {
        let (task, handle) = Task::sip(
            price_in_background(instance, time_limit),
            |(done, total)| Message::PriceProgress(done, total),
            Message::PricesFinished,
        )
        .abortable();
        self.prices = None;
        self.price_job = Some(PriceJob {
            progress: (0, 0),
            _abort: handle.abort_on_drop(),
        });
        task
    }

    pub fn is_pricing(&self) -> bool {
        self.price_job.is_some()
    }

    pub fn failed(&mut self, message: String) {
        self.failure = Some(message);
    }

    /// Shows a finished run.
    fn finish(&mut self, result: Arc<Result<Plan, String>>, env: &Env<'_>) {
        let Some(job) = self.job.take() else { return };
        let elapsed_ms = job.started.elapsed().as_millis();
        let result = Arc::try_unwrap(result).unwrap_or_else(|shared| (*shared).clone());
        match result {
            Ok(plan) => {
                let mut names = HashMap::new();
                for c in &env.registry.children {
                    names.insert(c.code.clone(), c.full_name());
                }
                for f in &env.registry.families {
                    names.insert(f.code.clone(), f.display_name());
                }
                self.outcome = Some(Outcome {
                    differing: differing(&plan),
                    sent: BTreeSet::new(),
                    weights: job.weights,
                    plan,
                    planning_date: job.planning_date,
                    what_if: job.what_if,
                    elapsed_ms,
                    names,
                });
                self.selected = None;
                self.chosen.clear();
                self.page = 0;
            }
            Err(message) => self.failure = Some(message),
        }
    }

    pub fn update(&mut self, message: Message, env: &Env<'_>) -> (Task<Message>, Option<Event>) {
        (Task::none(), self.handle(message, env))
    }

    fn handle(&mut self, message: Message, env: &Env<'_>) -> Option<Event> {
        match message {
            Message::Date(v) => self.date = v,
            Message::Scope(s) => self.scope = s,
            Message::Distance(v) => self.distance = v,
            Message::Groups(v) => self.groups = v,
            Message::TimeLimit(v) => self.time_limit = v,
            Message::Weight(which, v) => {
                let index = match which {
                    WeightField::Place => 0,
                    WeightField::Km => 1,
                    WeightField::Language => 2,
                    WeightField::Split => 3,
                };
                self.weights[index] = v;
            }
            Message::ResetDefaults => {
                self.reset_defaults();
                self.errors = ValidationErrors::new();
            }
            Message::Run => {
                if self.job.is_none() {
                    return self.request(None).map(Event::Run);
                }
            }
            Message::Cancel => {
                // Dropping the job aborts its task, which stops the solver.
                if self.job.take().is_some() {
                    self.failure = Some(tr(env.lang, "matching.cancelled"));
                }
            }
            Message::Progress(progress) => {
                if let Some(job) = &mut self.job {
                    job.progress = Some(progress);
                }
            }
            Message::Finished(result) => self.finish(result, env),
            Message::Prices => {
                if self.price_job.is_none() {
                    return self.request(None).map(Event::Prices);
                }
            }
            Message::CancelPrices => {
                if self.price_job.take().is_some() {
                    self.prices = Some(Err(tr(env.lang, "matching.cancelled")));
                }
            }
            Message::PriceProgress(done, total) => {
                if let Some(job) = &mut self.price_job {
                    job.progress = (done, total);
                }
            }
            Message::PricesFinished(result) => {
                if self.price_job.take().is_some() {
                    self.prices = Some((*result).clone());
                }
            }
            Message::View(view) => {
                self.view = view;
                self.page = 0;
            }
            Message::Page(page) => self.page = page,
            Message::Select(index) => self.selected = Some(index),
            Message::Choose(index, on) => {
                let outcome = self.outcome.as_ref()?;
                if !outcome.can_send(index) {
                    return None;
                }
                // A sibling group that stays together is chosen whole.
                for i in outcome.unit_of(index) {
                    if on {
                        self.chosen.insert(i);
                    } else {
                        self.chosen.remove(&i);
                    }
                }
            }
            Message::ChooseAll(on) => {
                self.chosen.clear();
                if on && let Some(outcome) = &self.outcome {
                    self.chosen.extend(
                        (0..outcome.plan.placements.len()).filter(|&i| outcome.can_send(i)),
                    );
                }
            }
            Message::Lock(index) => {
                let outcome = self.outcome.as_ref()?;
                if outcome.what_if.is_some() {
                    return None;
                }
                let p = outcome.plan.placements.get(index)?;
                return Some(Event::PairRule {
                    kind: PairRuleKind::Lock,
                    child: p.child.clone(),
                    family: p.family.clone(),
                    reason: String::new(),
                });
            }
            Message::ExcludeReason(v) => self.exclude_reason = v,
            Message::Exclude(index) => {
                let outcome = self.outcome.as_ref()?;
                if outcome.what_if.is_some() {
                    return None;
                }
                let p = outcome.plan.placements.get(index)?;
                if self.exclude_reason.trim().is_empty() {
                    let mut errors = std::mem::take(&mut self.errors);
                    errors.push("exclude_reason", "error.required");
                    self.errors = errors;
                    return None;
                }
                return Some(Event::PairRule {
                    kind: PairRuleKind::Exclude,
                    child: p.child.clone(),
                    family: p.family.clone(),
                    reason: std::mem::take(&mut self.exclude_reason),
                });
            }
            Message::Lift(id) => return Some(Event::Lift(id)),
            Message::TryRelaxation(index) => {
                let unplaced = self.outcome.as_ref()?.plan.unplaced.get(index)?;
                let relaxation = unplaced.relaxation.clone()?;
                let child = unplaced.child.clone();
                if self.job.is_none() {
                    return self.request(Some((child, relaxation))).map(Event::Run);
                }
            }
            Message::TargetSession(id) => self.target_session = id,
            Message::Print(index) => {
                let outcome = self.outcome.as_ref()?;
                if outcome.what_if.is_some() {
                    return None;
                }
                let p = outcome.plan.placements.get(index)?;
                return Some(Event::Print {
                    child: p.child.clone(),
                    family: p.family.clone(),
                    explanation: Box::new(p.explanation.clone()),
                });
            }
            Message::Send => {
                let outcome = self.outcome.as_ref()?;
                let Some(session_id) = self.target_session else {
                    let mut errors = std::mem::take(&mut self.errors);
                    errors.push("session", "error.choose_session");
                    self.errors = errors;
                    return None;
                };
                let proposals: Vec<ProposalRow> = self
                    .chosen
                    .iter()
                    .filter(|&&i| outcome.can_send(i))
                    .filter_map(|&i| outcome.plan.placements.get(i))
                    .map(|p| ProposalRow {
                        child: p.child.clone(),
                        family: p.family.clone(),
                        distance_km: p.distance_km,
                        value: p.explanation.value,
                        explanation: p.explanation.clone(),
                        planning_date: outcome.planning_date,
                    })
                    .collect();
                if proposals.is_empty() {
                    return None;
                }
                return Some(Event::Send {
                    session_id,
                    proposals,
                });
            }
        }
        None
    }

    /// After proposals went to a panel: they leave the list of choices.
    pub fn sent(&mut self) {
        if let Some(outcome) = &mut self.outcome {
            outcome.sent.extend(self.chosen.iter().copied());
        }
        self.chosen.clear();
    }

    pub fn view<'a>(&'a self, env: &Env<'a>) -> Element<'a, Message> {
        let lang = env.lang;
        let t = |key: &str| tr(lang, key);
        let err = |field: &str| error_of(lang, &self.errors, field);
        let has = |field: &str| self.errors.for_field(field).is_some();
        let input = |id: &'static str, value: &'a str, on: fn(String) -> Message| {
            let has_error = has(id);
            text_input("", value)
                .id(id)
                .on_input(on)
                .padding(6)
                .style(move |theme, status| style::input(theme, status, has_error))
        };

        let mut scopes = vec![Choice {
            value: Scope::All,
            label: t("matching.scope_all"),
        }];
        scopes.extend(
            env.gazetteer
                .economic_regions()
                .into_iter()
                .map(|r| Choice {
                    value: Scope::EconomicRegion(r.to_owned()),
                    label: tr_args(lang, "matching.scope_region", &[("region", r.to_owned())]),
                }),
        );
        scopes.extend(env.gazetteer.districts().map(|u| Choice {
            value: Scope::District(u.code.clone()),
            label: u.name(lang).to_owned(),
        }));

        let weight = |id: &'static str, key: &str, index: usize, which: WeightField| {
            field(
                t(key),
                text_input("", &self.weights[index])
                    .id(id)
                    .on_input(move |v| Message::Weight(which, v))
                    .padding(6)
                    .style({
                        let has_error = has(id);
                        move |theme, status| style::input(theme, status, has_error)
                    }),
                err(id),
            )
        };
        let settings = column![
            row![
                field(
                    t("matching.planning_date"),
                    input("date", &self.date, Message::Date),
                    err("date")
                ),
                field(
                    t("matching.scope"),
                    choice_list(scopes, &self.scope, Message::Scope),
                    None
                ),
                field(
                    t("matching.distance_limit"),
                    input("distance", &self.distance, Message::Distance),
                    err("distance")
                ),
                field(
                    t("matching.max_groups"),
                    input("groups", &self.groups, Message::Groups),
                    err("groups")
                ),
                field(
                    t("matching.time_limit"),
                    input("time_limit", &self.time_limit, Message::TimeLimit),
                    err("time_limit")
                ),
            ]
            .spacing(12),
            row![
                weight("w_place", "matching.w_place", 0, WeightField::Place),
                weight("w_km", "matching.w_km", 1, WeightField::Km),
                weight(
                    "w_language",
                    "matching.w_language",
                    2,
                    WeightField::Language
                ),
                weight("w_split", "matching.w_split", 3, WeightField::Split),
                column![
                    text(" ").size(13),
                    button(text(t("matching.reset_defaults")).size(14))
                        .on_press(Message::ResetDefaults)
                        .style(button::secondary)
                ]
                .spacing(3),
            ]
            .spacing(12),
            // What the weights do, with the numbers typed.
            text(tr_args(
                lang,
                "matching.value_help",
                &[
                    ("place", self.weights[0].clone()),
                    ("km", self.weights[1].clone()),
                    ("language", self.weights[2].clone()),
                    ("split", self.weights[3].clone()),
                ],
            ))
            .size(13)
            .style(style::muted_text),
        ]
        .spacing(10);

        let run_bar: Element<'a, Message> = match &self.job {
            Some(job) => row![
                text(tr_args(
                    lang,
                    "matching.running",
                    &[(
                        "seconds",
                        format!("{:.0}", job.started.elapsed().as_secs_f64())
                    )]
                ))
                .size(15),
                text(progress_text(lang, job.progress.as_ref()))
                    .size(14)
                    .style(style::muted_text),
                button(text(t("matching.cancel")).size(14))
                    .on_press(Message::Cancel)
                    .style(button::danger),
            ]
            .spacing(12)
            .align_y(Alignment::Center)
            .into(),
            None => {
                let prices_button = button(text(t("matching.prices_button")).size(14))
                    .on_press_maybe(self.price_job.is_none().then_some(Message::Prices))
                    .style(button::secondary)
                    .padding([8, 14]);
                let mut bar = row![
                    button(text(t("matching.run")).size(15))
                        .on_press(Message::Run)
                        .padding([8, 18]),
                    prices_button
                ]
                .spacing(12)
                .align_y(Alignment::Center);
                if let Some(failure) = &self.failure {
                    bar = bar.push(text(failure.clone()).size(14).style(style::error_text));
                }
                bar.into()
            }
        };

        let mut page = column![
            text(t("matching.title")).size(24),
            section(t("matching.settings"), settings),
            run_bar
        ]
        .spacing(12);
        if let Some(prices) = self.prices_view(lang) {
            page = page.push(prices);
        }
        if !self.pair_rules.is_empty() {
            page = page.push(self.pair_rules_view(lang));
        }
        if let Some(outcome) = &self.outcome {
            page = page.push(self.results_view(outcome, env));
        }
        scrollable(page.padding(20)).height(Length::Fill).into()
    }

    fn pair_rules_view<'a>(&'a self, lang: Lang) -> Element<'a, Message> {
        let t = |key: &str| tr(lang, key);
        let rows = self.pair_rules.iter().map(|r| {
            let kind = match r.kind {
                PairRuleKind::Lock => t("matching.locked"),
                PairRuleKind::Exclude => t("matching.excluded"),
            };
            row![
                text(format!("{kind}: {} – {}", r.child, r.family)).size(14),
                text(format!(
                    "{} · {}",
                    r.reason_text(lang),
                    chrono::NaiveDate::parse_from_str(&r.since, "%Y-%m-%d")
                        .map(format_date)
                        .unwrap_or_default()
                ))
                .size(13)
                .style(style::muted_text),
                iced::widget::space::horizontal(),
                button(text(t("matching.lift")).size(13))
                    .on_press(Message::Lift(r.id))
                    .style(button::secondary)
                    .padding([2, 8]),
            ]
            .spacing(10)
            .align_y(Alignment::Center)
            .into()
        });
        section(t("matching.pair_rules"), column(rows).spacing(4))
    }
}

mod prices;
mod results;

pub use results::reason_text;
use results::{differing, progress_text};
